import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/local/emulators';
import { newId } from '../../shared/adapters/ids';
import type { JobQueue } from '../../shared/adapters/messaging';
import { JobFiles } from '../../shared/adapters/s3/job-files';
import { createExportUseCase, getExportUseCase, runExportUseCase } from '../../shared/app/bulk-export';
import { createImportUseCase, runImportUseCase, startImportUseCase } from '../../shared/app/bulk-import';
import type { Deps } from '../../shared/app/deps';
import { createProjectUseCase, publishProjectUseCase } from '../../shared/app/projects';
import type { ImportJob } from '../../shared/domain/bulk/jobs';
import { Accounts, Entries } from '../../shared/domain/ledger/ledger';
import { escrowFor } from '../../shared/domain/marketplace/project';
import { makeDeps } from '../support/deps';
import { startDynamo, type LocalDynamo } from '../support/emulators';
import { newProject } from '../support/fixtures';

/**
 * Imports through the job use cases on DynamoDB Local and an in-process s3rver, with the queue
 * replaced by a list of sent messages that the test delivers (and redelivers) by hand.
 */
let dynamo: LocalDynamo;
let s3dir: string;
let s3server: S3rver;
let s3: S3Client;
let deps: Deps;
const BUCKET = 'bulk-test';
const sent: string[] = [];
/** The clock the leases read; a test moves it to let a crashed runner's lease run out. */
let clockMs = Date.now();

beforeAll(async () => {
  dynamo = await startDynamo();
  s3dir = mkdtempSync(join(tmpdir(), 'tessera-s3-'));
  const port = await freePort();
  s3server = new S3rver({ port, address: '127.0.0.1', directory: s3dir, silent: true });
  await s3server.run();
  s3 = new S3Client({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const files = new JobFiles(s3, BUCKET);
  const queue = { continueJob: async (id: string) => void sent.push(id) } as unknown as JobQueue;
  deps = makeDeps(dynamo.client, await dynamo.createTable(), {
    jobFiles: () => files,
    importQueue: () => queue,
    exportQueue: () => queue,
    now: () => new Date(clockMs).toISOString(),
  });
});

afterAll(async () => {
  s3?.destroy();
  await s3server?.close();
  if (s3dir) rmSync(s3dir, { recursive: true, force: true });
  await dynamo?.stop();
});

const COST = { rewardMinor: 15, feeBasisPoints: 1_000, redundancy: 2 };

async function fundedProject(orgId: string, fundsForMicrotasks: number, publish: boolean) {
  if (fundsForMicrotasks > 0) await deps.ledger.post(Entries.topUp(orgId, escrowFor(COST, fundsForMicrotasks), { entryId: newId('t'), currency: 'EUR', createdAt: deps.now() }));
  const { projectId } = await createProjectUseCase(deps, orgId, newProject({ redundancy: 2, rewardMinor: 15 }));
  if (publish) {
    // Publishing needs a microtask; one import of one row does it.
    const seed = await createImportUseCase(deps, orgId, projectId, 'jsonl');
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `jobs/imports/${seed.importId}/source`, Body: '{"input":{"seed":true}}\n' }));
    await startImportUseCase(deps, orgId, seed.importId);
    await drain();
    await publishProjectUseCase(deps, orgId, projectId);
  }
  return projectId;
}

/** A CSV of `rows` data rows (rows 2..rows+1), every `badEvery`-th one with a wrong number of cells. */
function csvFile(rows: number, badEvery: number): { text: string; bad: number[] } {
  const lines = ['\uFEFFtext,meta.n'];
  const bad: number[] = [];
  for (let i = 0; i < rows; i++) {
    const row = i + 2;
    if (badEvery && i % badEvery === badEvery - 1) {
      lines.push(`"broken, row ${row}"`);
      bad.push(row);
    } else lines.push(`"item ${i}, with a comma",${i}`);
  }
  return { text: `${lines.join('\r\n')}\r\n`, bad };
}

/** Delivers queued messages until none is left, each as its own invocation with a short time budget. */
async function drain(remaining = () => 60_000) {
  let runs = 0;
  while (sent.length) {
    const id = sent.shift()!;
    await runImportUseCase(deps, id, newId('inv'), remaining);
    runs++;
  }
  return runs;
}

async function importOf(orgId: string, projectId: string, text: string) {
  const created = await createImportUseCase(deps, orgId, projectId, 'csv');
  expect(created.upload.fields['Content-Type']).toBe('text/csv');
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `jobs/imports/${created.importId}/source`, Body: text }));
  return created.importId;
}

const job = async (importId: string) => (await deps.jobs.get('import', importId, true)) as ImportJob;
const escrow = async (orgId: string) => (await deps.ledger.balances([Accounts.clientEscrow(orgId)]))[Accounts.clientEscrow(orgId)];

async function microtaskIds(projectId: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.marketplace.listMicrotasks(projectId, 100, cursor);
    ids.push(...page.items.map((m) => m.microtaskId));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

describe('bulk import', () => {
  it('imports in checkpointed steps across messages, reserving escrow per chunk, and reports bad rows', async () => {
    const orgId = newId('org');
    const projectId = await fundedProject(orgId, 3_000, true);
    const { text, bad } = csvFile(2_000, 97);
    const importId = await importOf(orgId, projectId, text);
    await startImportUseCase(deps, orgId, importId);
    // Each invocation has just past the hand-over margin: one step, then the next message.
    const runs = await drain(() => 14_000);
    expect(runs).toBeGreaterThanOrEqual(3);

    const j = await job(importId);
    const valid = 2_000 - bad.length;
    expect(j).toMatchObject({ status: 'completed', rowsRead: 2_000, imported: valid, failed: bad.length, errorsReported: bad.length, row: 2_001 });
    expect(j.offset).toBe(j.source!.sizeBytes);
    expect(j.runner).toBeUndefined();
    const project = await deps.marketplace.getProject(projectId, true);
    expect(project!.microtaskCount).toBe(valid + 1);
    expect(await escrow(orgId)).toBe(escrowFor(COST, valid + 1));
    expect((await microtaskIds(projectId)).length).toBe(valid + 1);

    const report = (await deps.jobFiles().readText(j.reportKey))!.trim().split('\n').map((l) => JSON.parse(l));
    expect(report.map((r) => r.row)).toEqual(bad);
    expect(report[0]).toEqual({ row: bad[0], field: null, message: 'expected 2 cells, got 1' });
    const any = await deps.marketplace.listMicrotasks(projectId, 5);
    const m = any.items.find((x) => x.input.text !== undefined)!;
    expect(m.input).toMatchObject({ text: expect.stringMatching(/^item \d+, with a comma$/), meta: { n: expect.any(String) } });
  });

  it('never imports a row twice when a step crashes after writing and its message is redelivered, or a start is retried', async () => {
    const orgId = newId('org');
    const projectId = await fundedProject(orgId, 2_000, true);
    const { text, bad } = csvFile(1_500, 50);
    const importId = await importOf(orgId, projectId, text);
    await startImportUseCase(deps, orgId, importId);
    await startImportUseCase(deps, orgId, importId); // a retried start: a second message for the same job
    expect(sent.filter((s) => s === importId)).toHaveLength(2);

    // The first delivery writes its first step's microtasks, escrow and report, then dies before committing.
    const realCommit = deps.jobs.commit.bind(deps.jobs);
    let crashed = false;
    deps.jobs.commit = (async (...args: Parameters<typeof realCommit>) => {
      if (!crashed) {
        crashed = true;
        throw new Error('the function timed out');
      }
      return realCommit(...args);
    }) as typeof realCommit;
    const crashedRunner = newId('inv');
    await expect(runImportUseCase(deps, sent.shift()!, crashedRunner, () => 60_000)).rejects.toThrow('timed out');
    deps.jobs.commit = realCommit;
    expect((await job(importId)).imported).toBe(0);
    const afterCrash = (await deps.marketplace.getProject(projectId, true))!.microtaskCount;
    expect(afterCrash).toBeGreaterThan(1); // the crashed step did write

    // The retried start's message arrives while the crashed runner's lease still holds: it leaves the job alone.
    expect(await runImportUseCase(deps, sent.shift()!, newId('inv'), () => 60_000)).toEqual({ outcome: 'not_mine', steps: 0 });

    // SQS redelivers the crashed message once its visibility timeout (longer than the lease) is over.
    clockMs += 61_000;
    const redelivered = await runImportUseCase(deps, importId, newId('inv'), () => 60_000);
    expect(redelivered.outcome).toBe('completed');
    // And a late duplicate of it finds the job finished.
    expect((await runImportUseCase(deps, importId, newId('inv'), () => 60_000)).outcome).toBe('not_mine');

    const valid = 1_500 - bad.length;
    expect(await job(importId)).toMatchObject({ status: 'completed', imported: valid, failed: bad.length, errorsReported: bad.length });
    expect((await deps.marketplace.getProject(projectId, true))!.microtaskCount).toBe(valid + 1);
    const ids = await microtaskIds(projectId);
    expect(ids.length).toBe(valid + 1);
    expect(new Set(ids).size).toBe(ids.length);
    expect(await escrow(orgId)).toBe(escrowFor(COST, valid + 1));
    const report = (await deps.jobFiles().readText((await job(importId)).reportKey))!.trim().split('\n');
    expect(report).toHaveLength(bad.length);
  });

  it('stops when funds run out, reports the rows left out, and goes on after a top-up and a new start', async () => {
    const orgId = newId('org');
    // Funds for the seed row and 400 more: the import of 1,000 stops inside its first step.
    const projectId = await fundedProject(orgId, 401, true);
    const { text } = csvFile(1_000, 0);
    const importId = await importOf(orgId, projectId, text);
    await startImportUseCase(deps, orgId, importId);
    await drain();

    let j = await job(importId);
    // Chunks of 90: four fit in the funds of 400, the fifth does not.
    expect(j).toMatchObject({ status: 'stopped', imported: 360, failed: 0, stop: { code: 'insufficient_funds', fromRow: 362 } });
    expect(j.row).toBe(361);
    const stopLine = JSON.parse((await deps.jobFiles().readText(j.reportKey))!.trim());
    expect(stopLine).toMatchObject({ row: 362, field: null, message: expect.stringContaining('not imported, nor any later row') });
    expect(await escrow(orgId)).toBe(escrowFor(COST, 361));

    await deps.ledger.post(Entries.topUp(orgId, escrowFor(COST, 640), { entryId: newId('t'), currency: 'EUR', createdAt: deps.now() }));
    expect((await startImportUseCase(deps, orgId, importId)).status).toBe('running');
    await drain();
    j = await job(importId);
    expect(j).toMatchObject({ status: 'completed', imported: 1_000, failed: 0, errorsReported: 0, rowsRead: 1_000 });
    expect(j.stop).toBeUndefined();
    expect(await deps.jobFiles().readText(j.reportKey)).toBe('');
    expect((await deps.marketplace.getProject(projectId, true))!.microtaskCount).toBe(1_001);
    expect(await escrow(orgId)).toBe(escrowFor(COST, 1_001));
  });

  it('fails a CSV whose header cannot be imported, and hides jobs of other organisations', async () => {
    const orgId = newId('org');
    const projectId = await fundedProject(orgId, 0, false);
    const importId = await importOf(orgId, projectId, 'text,gold.label\nhello,cat\n');
    await expect(startImportUseCase(deps, newId('org'), importId)).rejects.toMatchObject({ kind: 'not_found' });
    await startImportUseCase(deps, orgId, importId);
    await drain();
    const j = await job(importId);
    expect(j).toMatchObject({ status: 'failed', stop: { code: 'invalid_header' }, imported: 0, errorsReported: 1 });
    expect(JSON.parse((await deps.jobFiles().readText(j.reportKey))!)).toMatchObject({ row: 1, field: 'gold.label' });
    expect((await deps.marketplace.getProject(projectId, true))!.microtaskCount).toBe(0);
  });

  it('imports JSONL, reporting bad JSON, unknown fields, a malformed gold and inputs the API would refuse, each with its line', async () => {
    const orgId = newId('org');
    const projectId = await fundedProject(orgId, 0, false);
    const lines = [
      '{"input":{"text":"one","tags":["a","b"]}}',
      '{"input":{"text":"two"}',
      '',
      '{"input":{"text":"three"},"gold":"cat"}',
      `{"input":{"text":"${'x'.repeat(16_001)}"}}`,
      '{"input":{"nested":{"deep":true}}}\r',
    ];
    const created = await createImportUseCase(deps, orgId, projectId, 'jsonl');
    expect(created.upload.fields['Content-Type']).toBe('application/x-ndjson');
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `jobs/imports/${created.importId}/source`, Body: lines.join('\n') }));
    await startImportUseCase(deps, orgId, created.importId);
    await drain();
    const j = await job(created.importId);
    expect(j).toMatchObject({ status: 'completed', rowsRead: 5, imported: 2, failed: 3, errorsReported: 3 });
    const report = (await deps.jobFiles().readText(j.reportKey))!.trim().split('\n').map((l) => JSON.parse(l));
    expect(report.map((r) => [r.row, r.field])).toEqual([
      [2, null],
      [4, 'gold'],
      [5, 'input'],
    ]);
    const inputs = (await deps.marketplace.listMicrotasks(projectId, 10)).items.map((m) => m.input);
    expect(inputs).toEqual(expect.arrayContaining([{ text: 'one', tags: ['a', 'b'] }, { nested: { deep: true } }]));
  });

  it('imports gold rows from CSV (a JSON gold column) with their expected answer beside the microtask, reporting bad ones by field', async () => {
    const orgId = newId('org');
    const projectId = await fundedProject(orgId, 0, false);
    // 100 rows, every other one gold: 150 items, more than one transaction holds.
    const rows = Array.from({ length: 100 }, (_, i) => `row ${i},${i % 2 ? '' : `"{""choice"":""${i % 4 ? 'dog' : 'cat'}""}"`}`);
    rows.push('bad gold,"{""choice"":""cow""}"', 'not json,cat');
    const importId = await importOf(orgId, projectId, ['text,gold', ...rows].join('\n'));
    await startImportUseCase(deps, orgId, importId);
    await drain();
    const j = await job(importId);
    expect(j).toMatchObject({ status: 'completed', imported: 100, failed: 2 });
    const report = (await deps.jobFiles().readText(j.reportKey))!.trim().split('\n').map((l) => JSON.parse(l));
    expect(report.map((r) => [r.row, r.field])).toEqual([
      [102, 'gold.answer.choice'],
      [103, 'gold'],
    ]);
    const page = await deps.marketplace.listMicrotasks(projectId, 200);
    expect(page.items).toHaveLength(100);
    const byText = new Map(page.items.map((m) => [m.input['text'], m]));
    for (const n of [0, 1, 2, 98, 99]) {
      const m = byText.get(`row ${n}`)!;
      // The expected answer is never part of the microtask (the item every worker route reads).
      expect(m.input).toEqual({ text: `row ${n}` });
      expect(JSON.stringify(m)).not.toContain('choice');
      const gold = await deps.marketplace.getGold(m.microtaskId);
      expect(gold?.answer ?? null).toEqual(n % 2 ? null : { choice: n % 4 ? 'dog' : 'cat' });
    }
  });

  it('imports a JSONL gold line and exports its expected answer to the client', async () => {
    const orgId = newId('org');
    const projectId = await fundedProject(orgId, 0, false);
    const created = await createImportUseCase(deps, orgId, projectId, 'jsonl');
    const lines = ['{"input":{"text":"g"},"gold":{"answer":{"choice":"cat"}}}', '{"input":{"text":"n"}}', '{"input":{"text":"x"},"gold":{"answer":{"choice":"cow"}}}'];
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `jobs/imports/${created.importId}/source`, Body: lines.join('\n') }));
    await startImportUseCase(deps, orgId, created.importId);
    await drain();
    expect(await job(created.importId)).toMatchObject({ status: 'completed', imported: 2, failed: 1 });
    const exp = await createExportUseCase(deps, orgId, projectId, 'jsonl');
    while (sent.length) await runExportUseCase(deps, sent.shift()!, newId('inv'), () => 60_000);
    const view = await getExportUseCase(deps, orgId, exp.exportId);
    const exported = (await (await fetch(view.download!.url)).text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(Object.fromEntries(exported.map((m) => [m.input.text, m.gold]))).toEqual({ g: { answer: { choice: 'cat' } }, n: null });
  });

  it('refuses to start before the file is uploaded', async () => {
    const orgId = newId('org');
    const projectId = await fundedProject(orgId, 0, false);
    const created = await createImportUseCase(deps, orgId, projectId, 'jsonl');
    await expect(startImportUseCase(deps, orgId, created.importId)).rejects.toMatchObject({ code: 'upload_missing' });
  });
});

describe('bulk export', () => {
  it('writes every microtask of the project once, across hand-overs with a carried remainder', async () => {
    const orgId = newId('org');
    const projectId = await fundedProject(orgId, 0, false);
    const importId = await importOf(orgId, projectId, csvFile(450, 0).text);
    await startImportUseCase(deps, orgId, importId);
    await drain();

    const created = await createExportUseCase(deps, orgId, projectId, 'csv');
    let invocations = 0;
    while (sent.length) {
      // One page per invocation: hand over after each, carrying lines smaller than a part.
      await runExportUseCase(deps, sent.shift()!, newId('inv'), () => 14_000);
      invocations++;
    }
    expect(invocations).toBe(5);
    const view = await getExportUseCase(deps, orgId, created.exportId);
    expect(view).toMatchObject({ status: 'completed', progress: { microtasks: 450 } });
    const text = await (await fetch(view.download!.url)).text();
    const lines = text.trim().split('\r\n');
    expect(lines[0]).toBe('microtaskId,status,input,gold,resultAnswer,resultLabel,resultConfidence,assignments');
    expect(lines).toHaveLength(451);
    expect(new Set(lines.slice(1).map((l) => l.split(',')[0])).size).toBe(450);
    await expect(getExportUseCase(deps, newId('org'), created.exportId)).rejects.toMatchObject({ kind: 'not_found' });
  });
});
