import { randomBytes } from 'node:crypto';
import { JobKeys } from '../adapters/s3/job-keys';
import { DOWNLOAD_LINK_SECONDS, EXPORT_CONTENT_TYPES, EXPORT_LIMITS, HANDOVER_MS, exportHeader, exportLine, exportView, type ExportFormat, type ExportJob } from '../domain/bulk/jobs';
import { notFound } from '../domain/errors';
import type { Deps } from './deps';
import { loadMicrotaskResult, ownedProject } from './projects';

async function ownedExport(deps: Deps, orgId: string, exportId: string): Promise<ExportJob> {
  const job = await deps.jobs.get('export', exportId, true);
  if (!job || job.orgId !== orgId) throw notFound('export', exportId);
  return job;
}

export async function createExportUseCase(deps: Deps, orgId: string, projectId: string, format: ExportFormat) {
  await ownedProject(deps, orgId, projectId);
  const now = deps.now();
  const exportId = deps.newId('exp');
  const job: ExportJob = {
    exportId,
    orgId,
    projectId,
    format,
    status: 'running',
    fileKey: JobKeys.exportFile(exportId, format),
    parts: [],
    microtasks: 0,
    bytes: 0,
    seq: 0,
    createdAt: now,
    updatedAt: now,
  };
  await deps.jobs.create('export', job);
  await deps.exportQueue().continueJob(exportId);
  return exportView(job);
}

export async function getExportUseCase(deps: Deps, orgId: string, exportId: string) {
  const job = await ownedExport(deps, orgId, exportId);
  return {
    ...exportView(job),
    download: job.status === 'completed' ? await deps.jobFiles().presignDownload(job.fileKey, DOWNLOAD_LINK_SECONDS, `${job.projectId}-${exportId}.${job.format}`) : null,
  };
}

const encoder = new TextEncoder();

/**
 * Writes the export from its checkpoint: pages of the project's microtasks (bounded queries on the
 * project's microtask index, each with one query for its assignments), lines gathered into parts
 * of at least 5 MiB, each part uploaded and committed. What is left when the invocation's time is
 * nearly up waits in a carry object for the next message.
 */
export async function runExportUseCase(deps: Deps, exportId: string, runner: string, remainingMs: () => number): Promise<{ outcome: 'not_mine' | 'continued' | ExportJob['status']; pages: number }> {
  let job = await deps.jobs.acquire('export', exportId, runner, Date.parse(deps.now()), remainingMs());
  if (!job) return { outcome: 'not_mine', pages: 0 };
  const files = deps.jobFiles();
  const commit = async (changes: Partial<ExportJob>, release: boolean) => {
    const ok = await deps.jobs.commit('export', exportId, runner, changes, { release, now: deps.now() });
    if (ok) job = { ...job!, ...changes, seq: job!.seq + 1 };
    return ok;
  };

  const fresh = job.microtasks === 0 && job.parts.length === 0 && !job.carryKey;
  let buffer: string[] = [fresh ? exportHeader(job.format) : ((job.carryKey && (await files.readText(job.carryKey))) ?? '')];
  let buffered = Buffer.byteLength(buffer[0]!);
  if (!job.uploadId) {
    const uploadId = await files.startMultipart(job.fileKey, EXPORT_CONTENT_TYPES[job.format]);
    if (!(await commit({ uploadId }, false))) return { outcome: 'not_mine', pages: 0 };
  }
  let cursor = job.cursor;
  let microtasks = job.microtasks;
  let pages = 0;
  for (;;) {
    const page = await deps.marketplace.listMicrotasks(job.projectId, EXPORT_LIMITS.microtasksPerPage, cursor);
    const lines = await Promise.all(
      page.items.map(async (m) => exportLine(job!.format, await loadMicrotaskResult(deps, m))),
    );
    pages++;
    buffer.push(...lines);
    buffered += lines.reduce((n, l) => n + Buffer.byteLength(l), 0);
    microtasks += page.items.length;
    cursor = page.nextCursor;
    const last = !cursor;
    if (buffered >= EXPORT_LIMITS.partBytes || last) {
      const body = encoder.encode(buffer.join(''));
      const parts = [...job.parts];
      if (body.length > 0 || parts.length === 0) {
        const partNumber = parts.length + 1;
        parts.push({ partNumber, etag: await files.uploadPart(job.fileKey, job.uploadId!, partNumber, body) });
      }
      const bytes = job.bytes + body.length;
      buffer = [];
      buffered = 0;
      if (last) {
        await files.completeMultipart(job.fileKey, job.uploadId!, parts);
        await commit({ parts, cursor: undefined, carryKey: undefined, microtasks, bytes, status: 'completed', finishedAt: deps.now() }, true);
        return { outcome: 'completed', pages };
      }
      if (!(await commit({ parts, cursor, carryKey: undefined, microtasks, bytes }, false))) return { outcome: 'not_mine', pages };
    }
    if (remainingMs() < HANDOVER_MS) {
      // A fresh key per hand-over: the committed checkpoint names the carry that matches it.
      const carryKey = buffered > 0 ? JobKeys.exportCarry(exportId, randomBytes(8).toString('hex')) : undefined;
      if (carryKey) await files.put(carryKey, buffer.join(''), EXPORT_CONTENT_TYPES[job.format]);
      if (!(await commit({ cursor, carryKey, microtasks }, true))) return { outcome: 'not_mine', pages };
      await deps.exportQueue().continueJob(exportId);
      return { outcome: 'continued', pages };
    }
  }
}
