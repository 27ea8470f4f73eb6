import { performance } from 'node:perf_hooks';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readCsvWindow } from '../../shared/domain/bulk/records';
import { TASK_TYPES, type TaskTypeName } from '../../shared/domain/marketplace/task-types/registry';
import { jpeg } from '../../test/support/media-fixtures';
import { CASES, type Case } from '../../test/support/task-type-cases';
import { apiClient, eventually } from './client';
import { localUser, readPlatformInfo, type PlatformInfo } from './users';

/**
 * `npm run tour [-- --types-only] [-- --rows N]`, against a running `npm start`: what a new user
 * would try, over HTTP only. A client runs one project of every task type in the registry (top-up,
 * create, add a microtask, publish), three workers answer it (photos through the presigned POST,
 * the external page through its completion token), the review settles it, and one line per type
 * shows the result. Then a CSV of N generated rows (100,000 by default) goes through the bulk
 * import, the project is published, and its results are exported as JSONL and CSV, downloaded
 * through their presigned links and counted. Any unexpected HTTP status ends the tour with exit
 * code 1 and the response printed.
 */
const { values } = parseArgs({ options: { 'types-only': { type: 'boolean', default: false }, rows: { type: 'string', default: '100000' } } });
const ROWS = Number(values.rows);
if (!Number.isInteger(ROWS) || ROWS < 1) {
  console.error(`--rows takes a whole number of rows, at least 1 (got ${values.rows})`);
  process.exit(2);
}
/** The machine may be busy: a review takes about a second alone, much longer on two loaded cores. */
const REVIEW_TIMEOUT_MS = 240_000;

class UnexpectedResponse extends Error {}

type Call = ReturnType<typeof apiClient>;
type Expecting = (method: string, path: string, expected: number, body?: unknown, headers?: Record<string, string>) => Promise<any>;

/** A user's calls, each expecting one status; any other ends the tour with the response. */
function expecting(who: string, call: Call): Expecting {
  return async (method, path, expected, body, headers) => {
    const r = await call(method, path, body, headers);
    if (r.status !== expected) throw new UnexpectedResponse(`${who}: ${method} ${path} answered HTTP ${r.status}, expected ${expected}:\n${typeof r.body === 'string' ? r.body : JSON.stringify(r.body, null, 2)}`);
    return r.body;
  };
}

/** The browser's part of a presigned POST: the form's fields, then the file, straight to storage (S3 answers 204). */
async function presignedPost(what: string, upload: { url: string; fields: Record<string, string> }, bytes: Uint8Array | string, type: string, filename: string) {
  const form = new FormData();
  for (const [k, v] of Object.entries(upload.fields)) form.append(k, v);
  form.append('file', new Blob([bytes], { type }), filename);
  const r = await fetch(upload.url, { method: 'POST', body: form });
  if (r.status !== 204) throw new UnexpectedResponse(`${what}: POST ${upload.url} answered HTTP ${r.status}, expected 204:\n${await r.text()}`);
}

async function download(what: string, url: string): Promise<Uint8Array> {
  const r = await fetch(url);
  if (r.status !== 200) throw new UnexpectedResponse(`${what}: GET ${url} answered HTTP ${r.status}, expected 200:\n${await r.text()}`);
  return new Uint8Array(await r.arrayBuffer());
}

const seconds = (fromMs: number) => `${((performance.now() - fromMs) / 1000).toFixed(1)} s`;
const size = (bytes: number) => (bytes < 1e6 ? `${(bytes / 1e3).toFixed(1)} kB` : `${(bytes / 1e6).toFixed(1)} MB`);
const short = (v: unknown, max = 72) => {
  const s = JSON.stringify(v) ?? '—';
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
};

interface Worker {
  name: string;
  call: Expecting;
}

/** One project of a type: its spec, its microtask, and each worker's way of answering it. */
interface Scenario {
  answerSpec: Record<string, unknown>;
  input: Record<string, unknown>;
  answer(worker: Worker, claim: any, index: number): Promise<void>;
  /** What to check and say once the review is done, beyond the result. */
  after?(projectId: string, item: any): Promise<string>;
}

function submitting(answers: readonly unknown[]): Scenario['answer'] {
  return async (w, claim, i) => void (await w.call('POST', `/assignments/${claim.assignment.assignmentId}/submission`, 200, { answer: answers[i] }));
}

const fromCase = (c: Case): Scenario => ({ answerSpec: c.answerSpec, input: c.input, answer: submitting(c.answers) });

/** Where the photos are taken: the geofence of the media project. */
const SITE = { lat: 52.5163, lon: 13.3777 };

function scenarios(client: Expecting, anonymous: Expecting): Record<TaskTypeName, Scenario> {
  const photos = new Map<string, Uint8Array>();
  return {
    single_choice: {
      answerSpec: { type: 'single_choice', question: 'Is the review positive?', options: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] },
      input: { review: 'Great battery, fast delivery.' },
      answer: submitting([{ choice: 'yes' }, { choice: 'yes' }, { choice: 'no' }]),
    },
    ...(Object.fromEntries(Object.entries(CASES).map(([type, c]) => [type, fromCase(c)])) as Record<keyof typeof CASES, Scenario>),
    media_collection: {
      answerSpec: {
        type: 'media_collection',
        prompt: 'Photograph the shop entrance, with its opening hours readable.',
        kinds: ['photo'],
        mimeTypes: ['image/jpeg', 'image/png'],
        maxBytesPerFile: 100_000,
        minCount: 1,
        maxCount: 2,
        geofence: { type: 'circle', centre: SITE, radiusMetres: 200 },
      },
      input: { shop: 'Pariser Platz 1', city: 'Berlin' },
      async answer(w, claim, i) {
        const assignmentId = claim.assignment.assignmentId as string;
        // A JPEG with EXIF capture time and GPS a few tens of metres from the site.
        const photo = jpeg({ capturedAt: `2026:03:0${i + 1} 09:1${i}:00`, gps: { lat: SITE.lat + 0.0002 * (i + 1), lon: SITE.lon } }, 3_000);
        const asked = await w.call('POST', `/assignments/${assignmentId}/media`, 201, { contentType: 'image/jpeg', sizeBytes: photo.length });
        await presignedPost(`${w.name}'s photo`, asked.upload, photo, 'image/jpeg', 'entrance.jpg');
        const mediaId = asked.media.mediaId as string;
        const confirmed = await w.call('POST', `/assignments/${assignmentId}/media/${mediaId}/confirm`, 200, {});
        if (!confirmed.media.facts.gps) throw new Error(`the confirm step read no GPS from ${w.name}'s photo: ${JSON.stringify(confirmed.media)}`);
        photos.set(assignmentId, photo);
        await w.call('POST', `/assignments/${assignmentId}/submission`, 200, { answer: { media: [mediaId], note: `entrance, photo ${i + 1}` } });
      },
      async after(projectId, item) {
        // The client looks at one photo through its short-lived presigned GET: the bytes the worker uploaded.
        const a = item.assignments[0];
        const seen = await client('GET', `/assignments/${a.assignmentId}/media/${a.answer.media[0]}`, 200);
        const bytes = await download(`the photo of ${projectId}`, seen.download.url);
        if (Buffer.compare(Buffer.from(bytes), Buffer.from(photos.get(a.assignmentId)!)) !== 0) throw new Error(`the downloaded photo of ${a.assignmentId} differs from the upload`);
        return `photo downloaded (${bytes.length} B, taken ${seen.media.facts.capturedAt})`;
      },
    },
    external: {
      answerSpec: {
        type: 'external',
        taskUrl: 'https://tasks.example.com/sentiment',
        answerFields: [
          { name: 'label', type: 'string', required: true },
          { name: 'secondsOnPage', type: 'number' },
        ],
      },
      input: { tweet: 'The new timetable is a mess.' },
      async answer(w, claim, i) {
        // The worker's browser shows the client's page in an iframe; the page posts the answer with the token.
        const token = new URL(claim.task.external.frameUrl).searchParams.get('completionToken');
        await anonymous('POST', `/assignments/${claim.assignment.assignmentId}/external-answer`, 200, { completionToken: token, answer: { label: i === 2 ? 'neutral' : 'negative', secondsOnPage: 20 + i } });
      },
    },
  };
}

interface Outcome {
  type: string;
  projectId: string;
  item: any;
  extra: string;
}

async function runTaskTypes(client: Expecting, anonymous: Expecting, workers: Worker[]): Promise<Outcome[]> {
  const all = scenarios(client, anonymous);
  const started: { type: TaskTypeName; projectId: string }[] = [];
  for (const type of Object.keys(TASK_TYPES) as TaskTypeName[]) {
    const s = all[type];
    const project = await client('POST', '/projects', 201, { title: `Tour: ${type.replace(/_/g, ' ')}`, instructions: 'Answer as the question asks.', answerSpec: s.answerSpec, reward: { amountMinor: 50, currency: 'EUR' }, redundancy: workers.length });
    // Publishing reserves the escrow of every answer slot: fund exactly that.
    const escrow = project.cost.totalMinor * project.redundancy;
    await client('POST', '/account/top-ups', 201, { amountMinor: Math.max(100, escrow), currency: 'EUR' }, { 'idempotency-key': `tour-topup-${project.projectId}` });
    await client('POST', `/projects/${project.projectId}/microtasks`, 201, { microtasks: [{ input: s.input }] }, { 'idempotency-key': `tour-add-${project.projectId}` });
    await client('POST', `/projects/${project.projectId}/publish`, 200, {});
    // Each worker claims and answers before the next project: a worker holds at most a few claims at once.
    for (const [i, w] of workers.entries()) {
      const claim = await w.call('POST', `/projects/${project.projectId}/assignments`, 201, {});
      await s.answer(w, claim, i);
    }
    started.push({ type, projectId: project.projectId });
  }
  const outcomes: Outcome[] = [];
  for (const { type, projectId } of started) {
    const item = await eventually(
      `the review of the ${type} project ${projectId}`,
      async () => {
        const page = await client('GET', `/projects/${projectId}/results`, 200);
        return page.items[0]?.status === 'completed' ? page.items[0] : undefined;
      },
      REVIEW_TIMEOUT_MS,
    );
    outcomes.push({ type, projectId, item, extra: (await all[type].after?.(projectId, item)) ?? '' });
  }
  return outcomes;
}

function printOutcome({ type, projectId, item, extra }: Outcome) {
  const decided = item.assignments.map((a: { status: string }) => a.status);
  const approved = decided.filter((s: string) => s === 'approved').length;
  const confidence = typeof item.result?.confidence === 'number' ? item.result.confidence.toFixed(2) : '—';
  console.log(
    `  ${type.padEnd(20)} ${projectId}  ${decided.length} answers (${approved} approved, ${decided.length - approved} rejected)  ` +
      `${item.result?.method ?? ''} → ${short(item.result?.answer)}  confidence ${confidence}  ${item.status}${extra ? `; ${extra}` : ''}`,
  );
}

/** Product reviews to label, as a client's export would give them: commas and quotes in the text, a nested column. */
function generatedCsv(rows: number): string {
  const products = ['kettle', 'headphones', 'desk lamp', 'backpack', 'phone case'];
  const lines = ['sku,review,meta.stars,meta.source'];
  for (let i = 0; i < rows; i++) {
    const product = products[i % products.length]!;
    const review = i % 3 === 0 ? `The ${product} broke after ${(i % 9) + 1} days, sadly` : `Love this ${product}; it's "just right", review #${i}`;
    lines.push(`SKU-${String(i).padStart(6, '0')},"${review.replace(/"/g, '""')}",${(i % 5) + 1},${i % 2 ? 'web' : 'app'}`);
  }
  return `${lines.join('\n')}\n`;
}

async function runBulk(client: Expecting, workers: Worker[]) {
  const project = await client('POST', '/projects', 201, {
    title: 'Tour: product reviews, in bulk',
    instructions: 'Read the review and say whether it is positive.',
    answerSpec: { type: 'single_choice', question: 'Is the review positive?', options: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] },
    reward: { amountMinor: 10, currency: 'EUR' },
    redundancy: 1,
  });
  const projectId = project.projectId as string;
  const csv = generatedCsv(ROWS);
  const imp = await client('POST', `/projects/${projectId}/imports`, 201, { format: 'csv' }, { 'idempotency-key': `tour-import-${projectId}` });
  let t = performance.now();
  await presignedPost('the import file', imp.upload, csv, 'text/csv', 'reviews.csv');
  console.log(`  uploaded ${ROWS.toLocaleString('en')} rows (${size(Buffer.byteLength(csv))}) through the presigned POST in ${seconds(t)}`);

  t = performance.now();
  await client('POST', `/imports/${imp.importId}/start`, 202, {}, { 'idempotency-key': `tour-start-${imp.importId}` });
  let job: any;
  let printed = performance.now();
  for (;;) {
    job = await client('GET', `/imports/${imp.importId}`, 200);
    if (job.status !== 'running') break;
    if (performance.now() - printed > 10_000) {
      printed = performance.now();
      console.log(`    ${seconds(t)}: ${job.progress.imported.toLocaleString('en')} imported, ${job.progress.failed} failed`);
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
  const importSeconds = (performance.now() - t) / 1000;
  if (job.status !== 'completed' || job.progress.imported !== ROWS || job.progress.failed !== 0) throw new Error(`the import ended ${job.status}: ${JSON.stringify(job, null, 2)}`);
  console.log(`  import ${imp.importId} completed: ${job.progress.imported.toLocaleString('en')} microtasks in ${importSeconds.toFixed(1)} s (${Math.round(ROWS / importSeconds)} rows/s)`);

  // Publishing reserves escrow for every imported microtask: fund exactly that, in top-ups the provider accepts.
  let escrow = project.cost.totalMinor * project.redundancy * ROWS;
  for (let n = 0; escrow > 0; n++) {
    const amountMinor = Math.max(100, Math.min(escrow, 1_000_000_00));
    await client('POST', '/account/top-ups', 201, { amountMinor, currency: 'EUR' }, { 'idempotency-key': `tour-topup-${projectId}-${n}` });
    escrow -= amountMinor;
  }
  await client('POST', `/projects/${projectId}/publish`, 200, {});
  const answered = new Map<string, string>();
  for (const w of workers) {
    const claim = await w.call('POST', `/projects/${projectId}/assignments`, 201, {});
    const choice = /broke/.test(claim.microtask.input.review) ? 'no' : 'yes';
    await w.call('POST', `/assignments/${claim.assignment.assignmentId}/submission`, 200, { answer: { choice } });
    answered.set(claim.assignment.microtaskId, choice);
  }
  for (const w of workers) {
    await eventually(`the review of ${w.name}'s answer`, async () => (await w.call('GET', '/workers/me/assignments', 200)).items[0]?.status === 'approved', REVIEW_TIMEOUT_MS);
  }
  console.log(`  published ${projectId}; ${workers.length} workers answered a microtask each and were approved`);

  // One after the other: on a busy machine two exports at once took longer than both in a row.
  for (const format of ['jsonl', 'csv'] as const) await exportResults(client, projectId, format, answered);
}

/** Exports the project's results, follows the job, downloads the file through its link and counts its rows. */
async function exportResults(client: Expecting, projectId: string, format: 'jsonl' | 'csv', answered: Map<string, string>) {
  const t = performance.now();
  const exp = await client('POST', `/projects/${projectId}/exports`, 202, { format }, { 'idempotency-key': `tour-export-${projectId}-${format}` });
  let printed = performance.now();
  let shown = 0;
  let job: any;
  for (;;) {
    job = await client('GET', `/exports/${exp.exportId}`, 200);
    if (job.status !== 'running') break;
    // The job counts microtasks at its checkpoints, each after about 5 MiB of file.
    if (performance.now() - printed > 10_000 && job.progress.microtasks !== shown) {
      printed = performance.now();
      shown = job.progress.microtasks;
      console.log(`    ${seconds(t)}: ${shown.toLocaleString('en')} microtasks written`);
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
  if (job.status !== 'completed') throw new Error(`the ${format} export ended ${job.status}: ${JSON.stringify(job, null, 2)}`);
  const file = await download(`the ${format} export`, job.download.url);
  const { rows, results } = format === 'jsonl' ? countJsonl(file, answered) : countCsv(file);
  if (rows !== ROWS || results !== answered.size) throw new Error(`the ${format} export has ${rows} rows (${results} with a result); expected ${ROWS} (${answered.size} with a result)`);
  console.log(`  export ${exp.exportId} (${format}): ${rows.toLocaleString('en')} rows, ${results} with a result, ${size(file.length)} downloaded through the presigned link; ${seconds(t)}`);
}

/** JSONL rows; each result must be the answer its worker gave (redundancy 1: the answer is the result). */
function countJsonl(file: Uint8Array, answered: Map<string, string>) {
  const lines = new TextDecoder().decode(file).split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));
  const withResult = lines.filter((l) => l.result !== null);
  for (const l of withResult) {
    if (l.result.label !== answered.get(l.microtaskId)) throw new Error(`the JSONL export's result of ${l.microtaskId} is ${JSON.stringify(l.result)}; the worker answered ${answered.get(l.microtaskId)}`);
  }
  return { rows: lines.length, results: withResult.length };
}

/** CSV records, not lines: a cell may hold a line break. The first record is the header. */
function countCsv(file: Uint8Array) {
  const { records } = readCsvWindow(file, { firstRow: 1, final: true, maxRecords: Number.POSITIVE_INFINITY });
  const [header, ...rows] = records;
  const confidence = header?.cells.indexOf('resultConfidence') ?? -1;
  if (confidence < 0) throw new Error(`the CSV export has no resultConfidence column: ${JSON.stringify(header?.cells)}`);
  return { rows: rows.length, results: rows.filter((r) => r.cells[confidence] !== '').length };
}

async function main() {
  const began = performance.now();
  const dataDir = resolve(process.env.TESSERA_DATA_DIR ?? '.tessera');
  let info: PlatformInfo;
  try {
    info = readPlatformInfo(dataDir);
  } catch {
    throw new Error(`no platform.json in ${dataDir}: start the platform with \`npm start\` first (set TESSERA_DATA_DIR if it runs with --data-dir)`);
  }
  const stamp = Date.now().toString(36);
  const anonymous = expecting('anonymous', apiClient(info.apiUrl));
  const health = await anonymous('GET', '/health', 200);
  const client = expecting('client', apiClient(info.apiUrl, (await localUser(info, `tour-client-${stamp}@example.com`, ['clients'])).accessToken));
  const workers: Worker[] = [];
  for (const name of ['ana', 'ben', 'cai']) {
    workers.push({ name, call: expecting(`worker ${name}`, apiClient(info.apiUrl, (await localUser(info, `tour-${name}-${stamp}@example.com`, ['workers'])).accessToken)) });
  }
  console.log(`Tessera tour on ${info.apiUrl} (health: ${health.status ?? short(health)}): a client and ${workers.length} workers signed in`);

  let t = performance.now();
  console.log(`\nOne project of each of the ${Object.keys(TASK_TYPES).length} task types, ${workers.length} answers each:`);
  for (const outcome of await runTaskTypes(client, anonymous, workers)) printOutcome(outcome);
  console.log(`  task types: ${seconds(t)}`);

  if (!values['types-only']) {
    t = performance.now();
    console.log(`\nBulk import of ${ROWS.toLocaleString('en')} microtasks from a CSV, then the export of the project's results:`);
    await runBulk(client, workers);
    console.log(`  bulk: ${seconds(t)}`);
  }
  console.log(`\nTour completed in ${seconds(began)}.`);
}

main().catch((e: Error) => {
  console.error(`\nThe tour stopped: ${e instanceof UnexpectedResponse ? e.message : (e.stack ?? e.message)}`);
  process.exitCode = 1;
});
