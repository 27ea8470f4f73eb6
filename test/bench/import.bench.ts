/**
 * Bulk import benchmark on the local platform (`npm start`'s process, booted fresh): a client
 * uploads a generated CSV of 100,000 rows through the presigned upload, starts the import into a
 * published project (so escrow is reserved chunk by chunk), and polls the job until it ends. The
 * import runs as it does deployed: the SQS poller hands each job message to the runner, which
 * checkpoints after every step and hands over to a new message before its timeout.
 *
 *   npm run bench:import              human-readable summary
 *   npm run bench:import -- --rows 20000 --json
 *
 * Write units: the platform's functions run in its own process, where this bench cannot see their
 * DynamoDB calls. So after the timed run, the same import use case is run in this process on a
 * sample file, against the platform's own DynamoDB Local and s3rver, with a client that asks for
 * ReturnConsumedCapacity=TOTAL on every call and sums the units (DynamoDB Local's own figures).
 */
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { localUser } from '../../infra/local/users';
import { newId } from '../../shared/adapters/ids';
import type { JobQueue } from '../../shared/adapters/messaging';
import { JobFiles } from '../../shared/adapters/s3/job-files';
import { JobKeys } from '../../shared/adapters/s3/job-keys';
import { createImportUseCase, runImportUseCase, startImportUseCase } from '../../shared/app/bulk-import';
import { createProjectUseCase, publishProjectUseCase, addMicrotasksUseCase } from '../../shared/app/projects';
import { Entries } from '../../shared/domain/ledger/ledger';
import { escrowFor } from '../../shared/domain/marketplace/project';
import { makeDeps } from '../support/deps';
import { newProject } from '../support/fixtures';
import { apiClient, bootPlatform } from '../support/local-platform';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '100000' }, sample: { type: 'string', default: '2700' }, json: { type: 'boolean', default: false } } });
const ROWS = Number(values.rows);
const SAMPLE_ROWS = Number(values.sample);
const progress = (line: string) => process.stderr.write(`${line}\n`);
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/** Rows like a labelling job's: an id, a sentence with commas and quotes, a nested source column. */
function generatedCsv(rows: number): string {
  const out = ['id,text,meta.source,meta.lang'];
  for (let i = 0; i < rows; i++) out.push(`${i},"Sentence number ${i}, to label; it says ""${(i * 7919) % 1000}""",${i % 3 === 0 ? 'web' : 'app'},en`);
  return `${out.join('\n')}\n`;
}

async function upload(form: { url: string; fields: Record<string, string> }, body: string) {
  const data = new FormData();
  for (const [k, v] of Object.entries(form.fields)) data.append(k, v);
  data.append('file', new Blob([body], { type: 'text/csv' }), 'bench.csv');
  const r = await fetch(form.url, { method: 'POST', body: data });
  if (r.status >= 300) throw new Error(`upload failed: ${r.status} ${await r.text()}`);
}

/** DynamoDB write units per imported row, from DynamoDB Local's ConsumedCapacity, for the use case run in this process. */
async function writeUnitsPerRow(endpoints: { dynamodb: string; s3: string }, bucket: string, rows: number) {
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const raw = new DynamoDBClient({ endpoint: endpoints.dynamodb, region: 'us-east-1', credentials });
  const tables = (await raw.send(new ListTablesCommand({}))).TableNames ?? [];
  const table = tables.find((t) => /Stateful-Table/.test(t) && !/Idempotency/.test(t));
  if (!table) throw new Error(`no main table among ${tables.join(', ')}`);
  const client = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  const units = { write: 0, read: 0, calls: 0, callsWithoutCapacity: 0, itemsWritten: 0 };
  let counting = false;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (!counting) return next(args);
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      const r = await next(args);
      const cc = (r.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }).ConsumedCapacity;
      units.calls++;
      if (!cc) units.callsWithoutCapacity++;
      const sum = [cc ?? []].flat().reduce((n, c) => n + (c.CapacityUnits ?? 0), 0);
      const command = context.commandName ?? '';
      if (command === 'TransactWriteItemsCommand') units.itemsWritten += ((args.input as { TransactItems?: unknown[] }).TransactItems ?? []).length;
      else if (/Put|Update|Delete/.test(command)) units.itemsWritten += 1;
      if (/Put|Update|Delete|TransactWrite|BatchWrite/.test(command)) units.write += sum;
      else units.read += sum;
      return r;
    },
    { step: 'initialize', name: 'benchConsumedCapacity' },
  );
  const s3 = new S3Client({ endpoint: endpoints.s3, region: 'us-east-1', forcePathStyle: true, credentials });
  const files = new JobFiles(s3, bucket);
  const queue: string[] = [];
  const deps = makeDeps(client, table, { jobFiles: () => files, importQueue: () => ({ continueJob: async (id: string) => void queue.push(id) }) as unknown as JobQueue });
  const orgId = newId('org');
  const cost = { rewardMinor: 1, feeBasisPoints: 1_000, redundancy: 1 };
  await deps.ledger.post(Entries.topUp(orgId, escrowFor(cost, rows + 1), { entryId: newId('t'), currency: 'EUR', createdAt: deps.now() }));
  const { projectId } = await createProjectUseCase(deps, orgId, newProject({ rewardMinor: 1, redundancy: 1 }));
  await addMicrotasksUseCase(deps, orgId, projectId, [{ input: { seed: true } }], 'seed');
  await publishProjectUseCase(deps, orgId, projectId);
  const created = await createImportUseCase(deps, orgId, projectId, 'csv');
  await files.put(JobKeys.importSource(created.importId), generatedCsv(rows), 'text/csv');
  await startImportUseCase(deps, orgId, created.importId);
  counting = true;
  while (queue.length) await runImportUseCase(deps, queue.shift()!, newId('inv'), () => 120_000);
  counting = false;
  const job = await deps.jobs.get('import', created.importId, true);
  s3.destroy();
  client.destroy();
  return { rows: job!.imported, writeUnits: round(units.write), readUnits: round(units.read), writeUnitsPerRow: round(units.write / job!.imported, 3), itemWritesPerRow: round(units.itemsWritten / job!.imported, 3), callsWithoutCapacity: units.callsWithoutCapacity };
}

async function main() {
  progress(`import bench: booting the local platform…`);
  const platform = await bootPlatform();
  const stop = () => void platform.stop().finally(() => process.exit(130));
  process.once('SIGINT', stop);
  try {
    const local = JSON.parse(readFileSync(join(platform.dataDir, 'platform.json'), 'utf8')) as { endpoints: { dynamodb: string; s3: string } };
    const client = apiClient(platform.info.apiUrl, (await localUser(platform.info, 'bench-client@example.com', ['clients'])).accessToken);
    const must = async (r: Promise<{ status: number; body: any }>, what: string) => {
      const x = await r;
      if (x.status >= 300) throw new Error(`${what}: ${x.status} ${JSON.stringify(x.body)}`);
      return x.body;
    };
    await must(client('POST', '/account/top-ups', { amountMinor: ROWS + 1_000, currency: 'EUR' }), 'top-up');
    const project = await must(
      client('POST', '/projects', { title: 'Import bench', answerSpec: { type: 'single_choice', question: 'Label?', options: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] }, reward: { amountMinor: 1, currency: 'EUR' }, redundancy: 1 }),
      'create project',
    );
    await must(client('POST', `/projects/${project.projectId}/microtasks`, { microtasks: [{ input: { seed: true } }] }), 'seed microtask');
    await must(client('POST', `/projects/${project.projectId}/publish`, {}), 'publish');

    const csv = generatedCsv(ROWS);
    const imp = await must(client('POST', `/projects/${project.projectId}/imports`, { format: 'csv' }), 'create import');
    const uploadStarted = performance.now();
    await upload(imp.upload, csv);
    const uploadMs = performance.now() - uploadStarted;
    progress(`import bench: uploaded ${ROWS} rows (${(Buffer.byteLength(csv) / 1e6).toFixed(1)} MB) in ${(uploadMs / 1000).toFixed(1)} s; starting`);

    const started = performance.now();
    await must(client('POST', `/imports/${imp.importId}/start`, {}), 'start');
    let job: any;
    let lastPrint = 0;
    for (;;) {
      job = await must(client('GET', `/imports/${imp.importId}`), 'poll');
      const elapsed = performance.now() - started;
      if (elapsed - lastPrint > 10_000) {
        lastPrint = elapsed;
        progress(`  ${(elapsed / 1000).toFixed(0)} s: ${job.progress.imported} imported (${round(job.progress.imported / (elapsed / 1000), 0)} rows/s)`);
      }
      if (job.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const durationMs = performance.now() - started;
    progress(`import bench: ${job.status} in ${(durationMs / 1000).toFixed(1)} s; sampling write units on ${SAMPLE_ROWS} rows in-process…`);
    const s3 = new S3Client({ endpoint: local.endpoints.s3, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    const bucket = ((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name!).find((b) => /mediabucket/i.test(b))!;
    s3.destroy();
    const sample = await writeUnitsPerRow(local.endpoints, bucket, SAMPLE_ROWS);
    const project2 = await must(client('GET', `/projects/${project.projectId}`), 'project');

    const summary = {
      env: { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', loadAverageAtEnd: os.loadavg().map((x) => round(x)) },
      measures: 'the local platform end to end: HTTP API, presigned upload to s3rver, SQS (local-aws-sqs) poller, import runner with checkpoints and hand-overs, DynamoDB Local',
      rows: ROWS,
      fileBytes: Buffer.byteLength(csv),
      uploadSeconds: round(uploadMs / 1000),
      status: job.status,
      imported: job.progress.imported,
      failed: job.progress.failed,
      projectMicrotasks: project2.microtaskCount,
      durationSeconds: round(durationMs / 1000, 1),
      rowsPerSecond: round(job.progress.imported / (durationMs / 1000), 1),
      writeUnitsSample: sample,
    };
    if (summary.imported !== ROWS || summary.projectMicrotasks !== ROWS + 1) process.exitCode = 1;
    if (values.json) console.log(JSON.stringify(summary));
    else {
      console.log(`\nBulk import of ${ROWS.toLocaleString('en')} CSV rows on the local platform (${summary.env.cpus} CPUs, ${summary.env.cpuModel})`);
      console.log(`  status            ${summary.status}: ${summary.imported} imported, ${summary.failed} failed; project has ${summary.projectMicrotasks} microtasks`);
      console.log(`  upload            ${(summary.fileBytes / 1e6).toFixed(1)} MB in ${summary.uploadSeconds} s`);
      console.log(`  import duration   ${summary.durationSeconds} s (start to completed, polled every second)`);
      console.log(`  throughput        ${summary.rowsPerSecond} rows/s`);
      console.log(`  write units/row   ${sample.writeUnitsPerRow} (DynamoDB Local's ConsumedCapacity over ${sample.rows} rows in-process: ${sample.writeUnits} WCU, ${sample.readUnits} RCU${sample.callsWithoutCapacity ? `, ${sample.callsWithoutCapacity} calls without capacity` : ''})`);
      console.log(`  item writes/row   ${sample.itemWritesPerRow} (items in transactions and single writes; deployed, a transactional write of an item up to 1 KB costs 2 WCU, plus 1 WCU per GSI it lands in)`);
      console.log(`  load average      ${summary.env.loadAverageAtEnd.join(' ')} at the end (2 cores shared with other work)`);
    }
  } finally {
    await platform.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
