import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localUser } from '../../infra/local/users';
import { apiClient, bootPlatform, eventually, type RunningPlatform } from '../support/local-platform';

/**
 * Bulk import and export over HTTP against `npm start`'s platform: a client uploads a CSV of a few
 * thousand rows (some bad) through the presigned upload, the import job runs on its queue, the
 * client publishes, workers answer a few microtasks, and the export file is downloaded through its
 * presigned link.
 */
let platform: RunningPlatform;
let client: ReturnType<typeof apiClient>;
let stranger: ReturnType<typeof apiClient>;
const workers: ReturnType<typeof apiClient>[] = [];

beforeAll(async () => {
  platform = await bootPlatform();
  const url = platform.info.apiUrl;
  client = apiClient(url, (await localUser(platform.info, 'bulk-client@example.com', ['clients'])).accessToken);
  stranger = apiClient(url, (await localUser(platform.info, 'other-client@example.com', ['clients'])).accessToken);
  for (const name of ['dia', 'eli', 'fay']) workers.push(apiClient(url, (await localUser(platform.info, `${name}@example.com`, ['workers'])).accessToken));
});

afterAll(async () => {
  const code = await platform?.stop();
  expect(code).toBe(0);
});

const ROWS = 3_000;

/** A CSV with a BOM, CRLF line ends, quoted commas and line breaks, a nested column, and bad rows at known numbers. */
function generatedCsv() {
  const lines = ['\uFEFFtext,meta.source'];
  const bad = new Map<number, string>();
  for (let i = 0; i < ROWS; i++) {
    const row = i + 2;
    if (i % 250 === 249) {
      lines.push(`only one cell ${i}`);
      bad.set(row, 'expected 2 cells, got 1');
    } else if (i % 400 === 399) {
      lines.push(`"ok","bad"quote`);
      bad.set(row, 'unexpected characters after a closing quote');
    } else if (i % 7 === 0) lines.push(`"tweet ${i}, with a comma and a ""quote""\nand a second line",feed`);
    else lines.push(`tweet ${i},web`);
  }
  return { text: `${lines.join('\r\n')}\r\n`, bad };
}

async function upload(form: { url: string; fields: Record<string, string> }, body: string, type: string) {
  const data = new FormData();
  for (const [k, v] of Object.entries(form.fields)) data.append(k, v);
  data.append('file', new Blob([body], { type }), 'microtasks.csv');
  return fetch(form.url, { method: 'POST', body: data });
}

describe('bulk import and export', () => {
  it('imports a CSV through a presigned upload, publishes, and exports the results', async () => {
    expect((await client('POST', '/account/top-ups', { amountMinor: 100_000, currency: 'EUR' }, { 'idempotency-key': 'bulk-topup' })).status).toBe(201);
    const created = await client('POST', '/projects', {
      title: 'Tweets, in bulk',
      answerSpec: { type: 'single_choice', question: 'Positive?', options: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] },
      reward: { amountMinor: 10, currency: 'EUR' },
      redundancy: 1,
    });
    const projectId = created.body.projectId as string;

    // Unknown formats and foreign projects are refused.
    expect((await client('POST', `/projects/${projectId}/imports`, { format: 'xlsx' })).body.error.details.issues[0].path).toBe('body.format');
    expect((await stranger('POST', `/projects/${projectId}/imports`, { format: 'csv' })).status).toBe(404);

    const imp = await client('POST', `/projects/${projectId}/imports`, { format: 'csv' }, { 'idempotency-key': 'bulk-import-1' });
    expect(imp.status).toBe(201);
    expect(imp.body).toMatchObject({ status: 'awaiting_upload', upload: { method: 'POST', contentType: 'text/csv', fields: { 'Content-Type': 'text/csv' } } });
    expect(imp.body.upload.fields.Policy ?? imp.body.upload.fields.policy).toBeDefined();
    const importId = imp.body.importId as string;

    // Starting before the upload is a conflict, not a job that finds nothing.
    expect((await client('POST', `/imports/${importId}/start`, {})).body.error.code).toBe('upload_missing');

    const { text, bad } = generatedCsv();
    const uploaded = await upload(imp.body.upload, text, 'text/csv');
    expect(uploaded.status).toBeLessThan(300);

    const started = await client('POST', `/imports/${importId}/start`, {}, { 'idempotency-key': 'bulk-start-1' });
    expect(started.status).toBe(202);
    expect(started.body.status).toBe('running');
    // A retried start (new key) is harmless: the job has one runner at a time and ids per row.
    expect((await client('POST', `/imports/${importId}/start`, {})).status).toBe(202);
    expect((await stranger('GET', `/imports/${importId}`)).status).toBe(404);

    const done = await eventually(
      'the import to complete',
      async () => {
        const r = await client('GET', `/imports/${importId}`);
        return r.body.status === 'completed' || r.body.status === 'failed' ? r.body : undefined;
      },
      180_000,
    );
    expect(done).toMatchObject({ status: 'completed', progress: { rowsRead: ROWS, imported: ROWS - bad.size, failed: bad.size, sizeBytes: Buffer.byteLength(text) }, errorsReported: bad.size });
    expect((await client('GET', `/projects/${projectId}`)).body.microtaskCount).toBe(ROWS - bad.size);

    const report = (await (await fetch(done.errorReport.url)).text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(report.map((r) => [r.row, r.message])).toEqual([...bad.entries()].sort(([a], [b]) => a - b));

    // Publishing reserves escrow for every imported microtask.
    expect((await client('POST', `/projects/${projectId}/publish`, {})).status).toBe(200);
    expect((await client('GET', '/account')).body.balances.escrowMinor).toBe((ROWS - bad.size) * 11);

    // Three workers answer one microtask each; with redundancy 1 each is reviewed alone.
    const answered = new Map<string, string>();
    for (const [i, w] of workers.entries()) {
      const claim = await w('POST', `/projects/${projectId}/assignments`, {});
      expect(claim.status).toBe(201);
      expect(claim.body.microtask.input.meta.source).toMatch(/^(web|feed)$/);
      const choice = i === 2 ? 'no' : 'yes';
      expect((await w('POST', `/assignments/${claim.body.assignment.assignmentId}/submission`, { answer: { choice } })).status).toBe(200);
      answered.set(claim.body.assignment.microtaskId, choice);
    }
    for (const w of workers) {
      await eventually('the review of the answers', async () => (await w('GET', '/workers/me/assignments')).body.items[0]?.status === 'approved');
    }

    const exp = await client('POST', `/projects/${projectId}/exports`, { format: 'jsonl' }, { 'idempotency-key': 'bulk-export-1' });
    expect(exp.status).toBe(202);
    expect((await stranger('GET', `/exports/${exp.body.exportId}`)).status).toBe(404);
    const exported = await eventually(
      'the export to complete',
      async () => {
        const r = await client('GET', `/exports/${exp.body.exportId}`);
        return r.body.status === 'completed' ? r.body : undefined;
      },
      180_000,
    );
    expect(exported.progress.microtasks).toBe(ROWS - bad.size);
    expect(Date.parse(exported.download.expiresAt)).toBeLessThanOrEqual(Date.now() + 5 * 60_000 + 5_000);
    const file = await fetch(exported.download.url);
    expect(file.status).toBe(200);
    const lines = (await file.text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(ROWS - bad.size);
    expect(new Set(lines.map((l) => l.microtaskId)).size).toBe(lines.length);
    const texts = new Set(lines.map((l) => l.input.text));
    expect(texts.has('tweet 7, with a comma and a "quote"\nand a second line')).toBe(true);
    expect(texts.has('tweet 1')).toBe(true);
    for (const l of lines) {
      const choice = answered.get(l.microtaskId);
      if (!choice) {
        expect(l).toMatchObject({ status: 'open', result: null, assignments: [] });
        continue;
      }
      expect(l.status).toBe('completed');
      expect(l.result).toMatchObject({ label: choice, confidence: 1 });
      expect(l.assignments).toHaveLength(1);
      expect(l.assignments[0]).toMatchObject({ answer: { choice }, status: 'approved', decision: { outcome: 'approved' } });
      expect(typeof l.assignments[0].workerId).toBe('string');
    }
    expect(lines.filter((l) => answered.has(l.microtaskId))).toHaveLength(3);
  });
});
