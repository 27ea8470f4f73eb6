import { derivedId } from '../adapters/ids';
import { JobKeys } from '../adapters/s3/job-keys';
import { MicrotaskEntry } from '../api/schemas';
import { csvColumns, csvRowToInput, jsonlLineToInput, type Column, type ImportFormat, type RowIssue, type RowOutcome } from '../domain/bulk/import-rows';
import { DOWNLOAD_LINK_SECONDS, HANDOVER_MS, IMPORT_CONTENT_TYPES, IMPORT_LIMITS, importView, mergeReport, type ImportJob, type JobStop } from '../domain/bulk/jobs';
import { bomLength, readCsvWindow, readJsonlWindow, type FileRecord } from '../domain/bulk/records';
import { conflict, isDomainError, notFound } from '../domain/errors';
import { assertMicrotasksCanBeAdded, escrowFor, type Project } from '../domain/marketplace/project';
import { assertMicrotaskInputsFit, parseGoldAnswers, type Answer, type AnswerSpec } from '../domain/marketplace/answer-spec';
import type { Deps } from './deps';
import { microtaskToWrite, ownedProject, refuseOverBudget, transactionChunks, writeMicrotaskChunk } from './projects';

/** A client sees only its organisation's imports; another's is "not found". */
async function ownedImport(deps: Deps, orgId: string, importId: string): Promise<ImportJob> {
  const job = await deps.jobs.get('import', importId, true);
  if (!job || job.orgId !== orgId) throw notFound('import', importId);
  return job;
}

const uploadFor = (deps: Deps, job: ImportJob) =>
  deps.jobFiles().presignUpload(job.sourceKey, IMPORT_CONTENT_TYPES[job.format], IMPORT_LIMITS.maxFileBytes, IMPORT_LIMITS.uploadExpiresSeconds);

export async function createImportUseCase(deps: Deps, orgId: string, projectId: string, format: ImportFormat) {
  const project = await ownedProject(deps, orgId, projectId, true);
  assertMicrotasksCanBeAdded(project);
  const now = deps.now();
  const importId = deps.newId('imp');
  const job: ImportJob = {
    importId,
    orgId,
    projectId,
    format,
    status: 'awaiting_upload',
    sourceKey: JobKeys.importSource(importId),
    reportKey: JobKeys.importReport(importId),
    offset: 0,
    row: 0,
    rowsRead: 0,
    imported: 0,
    failed: 0,
    errorsReported: 0,
    seq: 0,
    createdAt: now,
    updatedAt: now,
  };
  await deps.jobs.create('import', job);
  return { ...importView(job), upload: await uploadFor(deps, job) };
}

/**
 * Starts the job once the file is uploaded, or goes on after a stop for funds. A retried start of a
 * running job sends another message: harmless, since a runner must take the job's lease first.
 */
export async function startImportUseCase(deps: Deps, orgId: string, importId: string) {
  let job = await ownedImport(deps, orgId, importId);
  if (job.status === 'completed' || job.status === 'failed') return importView(job);
  if (job.status === 'awaiting_upload' || job.status === 'stopped') {
    const project = await ownedProject(deps, orgId, job.projectId, true);
    assertMicrotasksCanBeAdded(project);
    const head = await deps.jobFiles().head(job.sourceKey);
    if (!head) throw conflict('upload_missing', 'Upload the file with the presigned upload first');
    if (head.sizeBytes > IMPORT_LIMITS.maxFileBytes) {
      throw conflict('upload_too_large', `The file is larger than ${IMPORT_LIMITS.maxFileBytes} bytes`, { sizeBytes: head.sizeBytes, maxBytes: IMPORT_LIMITS.maxFileBytes });
    }
    const now = deps.now();
    // The source is fixed by the first start: a stopped job reads on in the very file it began with.
    const changes: Partial<ImportJob> = job.status === 'awaiting_upload' ? { status: 'running', source: head, startedAt: now } : { status: 'running' };
    await deps.jobs.transition('import', importId, job.status, changes, now);
    job = { ...job, ...changes, updatedAt: now };
  }
  await deps.importQueue().continueJob(importId);
  return importView(job);
}

export async function getImportUseCase(deps: Deps, orgId: string, importId: string) {
  const job = await ownedImport(deps, orgId, importId);
  const files = deps.jobFiles();
  return {
    ...importView(job),
    // A fresh form each time, so a client whose first one expired can still upload.
    upload: job.status === 'awaiting_upload' ? await uploadFor(deps, job) : null,
    errorReport: job.errorsReported > 0 ? await files.presignDownload(job.reportKey, DOWNLOAD_LINK_SECONDS, `${importId}-errors.jsonl`) : null,
  };
}

/**
 * A row checked with the schema of POST /microtasks and the project's task type (an image with its
 * size, an audio reference, the expected answer of a gold row): a row imports exactly when that
 * request would accept it. A gold row comes back with its expected answer in canonical form.
 */
export function validateRow(outcome: RowOutcome, spec: AnswerSpec): RowOutcome {
  if (!('input' in outcome)) return outcome;
  const r = MicrotaskEntry.safeParse(outcome.gold === undefined ? { input: outcome.input } : { input: outcome.input, gold: outcome.gold });
  if (!r.success) return { row: outcome.row, issues: r.error.issues.map((i) => ({ row: outcome.row, field: i.path.map(String).join('.') || null, message: i.message })) };
  try {
    assertMicrotaskInputsFit(spec, [outcome.input]);
    const [expected] = parseGoldAnswers(spec, [r.data]);
    return expected === undefined ? { row: outcome.row, input: outcome.input } : { row: outcome.row, input: outcome.input, gold: { answer: expected } };
  } catch (e) {
    const found = (e as { details?: { issues?: { path: string; message: string }[] } }).details?.issues;
    if (!isDomainError(e) || !found) throw e;
    // `microtasks.0.input.image.width` → `input.image.width`, as the schema's own issues are named.
    return { row: outcome.row, issues: found.map((i) => ({ row: outcome.row, field: i.path.replace(/^microtasks\.0\./, '') || null, message: i.message })) };
  }
}

/** A row that passed validateRow, where it starts in the file, and its expected answer when it is gold. */
type ValidRow = { row: number; start: number; input: Record<string, unknown>; expected?: Answer };

type StepResult = { changes: Partial<ImportJob>; done: boolean; issues: RowIssue[]; firstRow: number };

const failure = (code: string, message: string, extra: Partial<ImportJob> = {}, issues: RowIssue[] = [], firstRow = 0): StepResult => ({
  changes: { status: 'failed', stop: { code, message }, ...extra },
  done: true,
  issues,
  firstRow,
});

/** Writes one chunk; a project that changed state meanwhile is read again and the chunk retried. */
async function writeChunk(deps: Deps, job: ImportJob, project: Project, rows: ValidRow[]): Promise<Project> {
  for (let attempt = 0; ; attempt++) {
    const now = deps.now();
    const microtasks = rows.map((r) => microtaskToWrite(project, derivedId('mt', project.projectId, job.importId, String(r.row)), r.input, r.expected, now));
    try {
      if (project.status !== 'draft') await refuseOverBudget(deps, project, escrowFor(project, rows.length));
      // Ids and the escrow entry id come from the job and the rows, so a step run again writes nothing new.
      await writeMicrotaskChunk(deps, project, microtasks, `escrow:${project.projectId}:${job.importId}:${rows[0]!.row}`, now);
      return project;
    } catch (e) {
      if (!(isDomainError(e) && e.code === 'project_changed') || attempt >= 3) throw e;
      const fresh = await deps.marketplace.getProject(project.projectId, true);
      if (!fresh) throw notFound('project', project.projectId);
      assertMicrotasksCanBeAdded(fresh);
      project = fresh;
    }
  }
}

/**
 * One step: one ranged read of at most windowBytes, at most rowsPerStep records, their valid rows
 * written chunk by chunk. Deterministic from the job's checkpoint, so running it again after a
 * crash rewrites the same microtask ids and escrow entry ids, which the store recognises.
 */
async function importStep(deps: Deps, job: ImportJob, project: Project): Promise<StepResult & { project: Project }> {
  const size = job.source!.sizeBytes;
  const firstRow = job.row + 1;
  const done = (changes: Partial<ImportJob>, issues: RowIssue[] = []) => ({ changes, done: true, issues, firstRow, project });
  if (job.offset >= size) {
    if (job.format === 'csv' && !job.columns) return { ...failure('no_header', 'The file has no header row', {}, [{ row: 1, field: null, message: 'the file has no header row' }], firstRow), project };
    return done({ status: 'completed', finishedAt: deps.now() });
  }
  const last = Math.min(size, job.offset + IMPORT_LIMITS.windowBytes) - 1;
  let bytes: Uint8Array;
  try {
    bytes = await deps.jobFiles().readRange(job.sourceKey, job.offset, last, job.source!.etag);
  } catch (e) {
    if ((e as Error).name === 'PreconditionFailed') return { ...failure('upload_changed', 'The file was replaced after the import started'), project };
    throw e;
  }
  const skip = job.offset === 0 ? bomLength(bytes) : 0;
  const final = last + 1 >= size;
  const read = job.format === 'csv' ? readCsvWindow : readJsonlWindow;
  const window = read(bytes.subarray(skip), { firstRow, final, maxRecords: IMPORT_LIMITS.rowsPerStep });
  if (window.consumed === 0 && !final) {
    return { ...failure('row_too_large', `Row ${firstRow} is longer than ${IMPORT_LIMITS.windowBytes} bytes`, {}, [{ row: firstRow, field: null, message: 'the row is too long' }], firstRow), project };
  }

  let records: FileRecord[] = window.records;
  let columns: Column[] | undefined = job.columns?.map((header) => ({ header, path: header.split('.') }));
  const changes: Partial<ImportJob> = {};
  if (job.format === 'csv' && !columns) {
    const header = records[0];
    if (header) {
      const parsed = header.malformed ? { issues: [{ row: header.row, field: null, message: header.malformed }] } : csvColumns(header.cells);
      if ('issues' in parsed) return { ...failure('invalid_header', 'The header row cannot be imported; see the error report', {}, parsed.issues, firstRow), project };
      columns = parsed.columns;
      changes.columns = columns.map((c) => c.header);
      records = records.slice(1);
    }
  }

  const outcomes = records.map((r) => validateRow(columns ? csvRowToInput(columns, r) : jsonlLineToInput(r), project.answerSpec));
  // validateRow returned a gold row's expected answer checked and canonical.
  const valid = outcomes.flatMap((o, i): ValidRow[] => ('input' in o ? [{ row: o.row, start: records[i]!.start, input: o.input, expected: o.gold?.answer as Answer | undefined }] : []));
  let stoppedAt: { row: number; start: number; code: 'insufficient_funds' | 'budget_cap_reached' } | undefined;
  let imported = 0;
  // Chunked as POST /microtasks chunks: a gold row takes two items of the transaction.
  for (const { start, chunk: rows } of transactionChunks(valid.map((r) => ({ gold: r.expected })))) {
    const chunk = valid.slice(start, start + rows.length);
    try {
      project = await writeChunk(deps, job, project, chunk);
    } catch (e) {
      if (isDomainError(e) && (e.code === 'insufficient_funds' || e.code === 'budget_cap_reached')) {
        stoppedAt = { ...chunk[0]!, code: e.code };
        break;
      }
      if (isDomainError(e) && e.code === 'project_closed') return { ...failure('project_closed', e.message), project };
      throw e;
    }
    imported += chunk.length;
  }

  // After a stop, the step ends just before the first row that was not written.
  const lastRow = stoppedAt ? stoppedAt.row - 1 : window.nextRow - 1;
  const consumed = stoppedAt ? stoppedAt.start : window.consumed;
  const taken = outcomes.filter((o) => o.row <= lastRow);
  const issues = taken.flatMap((o) => ('issues' in o ? o.issues : []));
  Object.assign(changes, {
    offset: job.offset + skip + consumed,
    row: lastRow,
    rowsRead: job.rowsRead + taken.length,
    imported: job.imported + imported,
    failed: job.failed + taken.filter((o) => 'issues' in o).length,
    stop: undefined,
  } satisfies Partial<ImportJob>);
  if (stoppedAt) {
    const stop: JobStop = {
      code: stoppedAt.code,
      message:
        stoppedAt.code === 'insufficient_funds'
          ? `Not enough funds for the escrow of row ${stoppedAt.row} and later: top up and start the import again to import them`
          : `The project's budget cap leaves no room for row ${stoppedAt.row} and later (the project is paused): raise the cap, resume and start the import again`,
      fromRow: stoppedAt.row,
    };
    issues.push({ row: stoppedAt.row, field: null, message: `not imported, nor any later row: ${stop.message}` });
    return { changes: { ...changes, status: 'stopped', stop, finishedAt: deps.now() }, done: true, issues, firstRow, project };
  }
  if (final && changes.offset! >= size) {
    if (job.format === 'csv' && !columns) return { ...failure('no_header', 'The file has no header row', {}, [{ row: 1, field: null, message: 'the file has no header row' }], firstRow), project };
    return { changes: { ...changes, status: 'completed', finishedAt: deps.now() }, done: true, issues, firstRow, project };
  }
  return { changes, done: false, issues, firstRow, project };
}

/** Rewrites the error report with this step's lines (replacing those of an earlier attempt of the same step). */
async function report(deps: Deps, job: ImportJob, firstRow: number, issues: RowIssue[]): Promise<number> {
  const files = deps.jobFiles();
  const existing = job.errorsReported > 0 ? ((await files.readText(job.reportKey)) ?? '') : '';
  const merged = mergeReport(existing, firstRow, issues);
  await files.put(job.reportKey, merged.text, 'application/x-ndjson');
  return merged.lines;
}

/**
 * Runs an import from its checkpoint until it ends or the invocation's time is nearly up, then
 * hands over to the next message. `remainingMs` is the invocation's remaining time.
 */
export async function runImportUseCase(deps: Deps, importId: string, runner: string, remainingMs: () => number): Promise<{ outcome: 'not_mine' | 'continued' | ImportJob['status']; steps: number }> {
  let job = await deps.jobs.acquire('import', importId, runner, Date.parse(deps.now()), remainingMs());
  if (!job) return { outcome: 'not_mine', steps: 0 };
  let project = await deps.marketplace.getProject(job.projectId, true);
  let steps = 0;
  for (;;) {
    let step: StepResult;
    try {
      if (!project) throw conflict('project_closed', 'The project no longer exists');
      assertMicrotasksCanBeAdded(project);
      const r = await importStep(deps, job, project);
      project = r.project;
      step = r;
    } catch (e) {
      if (!(isDomainError(e) && e.code === 'project_closed')) throw e;
      step = failure('project_closed', e.message, {}, [], job.row + 1);
    }
    steps++;
    // A header failure, a resumed stop (whose line must go) or row errors: the report changes.
    if (step.issues.length || job.stop) step.changes.errorsReported = await report(deps, job, step.firstRow, step.issues);
    if (step.done && step.changes.status === 'failed' && !step.changes.finishedAt) step.changes.finishedAt = deps.now();
    const handOver = !step.done && remainingMs() < HANDOVER_MS;
    const committed = await deps.jobs.commit('import', importId, runner, step.changes, { release: step.done || handOver, now: deps.now() });
    if (!committed) return { outcome: 'not_mine', steps };
    job = { ...job, ...step.changes, seq: job.seq + 1 };
    if (step.done) return { outcome: job.status, steps };
    if (handOver) {
      await deps.importQueue().continueJob(importId);
      return { outcome: 'continued', steps };
    }
  }
}
