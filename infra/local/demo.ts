import { resolve } from 'node:path';
import { apiClient, eventually } from './client';
import { localUser, readPlatformInfo } from './users';

/**
 * `npm run demo`, against a running `npm start`: a client, three workers and an admin walk one
 * microtask from project to payout, printing each step.
 */
const info = readPlatformInfo(resolve(process.env.TESSERA_DATA_DIR ?? '.tessera'));
const stamp = Date.now().toString(36);
const step = (text: string, data?: unknown) => console.log(`\n▸ ${text}${data === undefined ? '' : `\n  ${JSON.stringify(data)}`}`);
const must = <T extends { status: number; body: any }>(r: T, expected: number): T => {
  if (r.status !== expected) throw new Error(`expected HTTP ${expected}, got ${r.status}: ${JSON.stringify(r.body)}`);
  return r;
};

const client = apiClient(info.apiUrl, (await localUser(info, `client-${stamp}@example.com`, ['clients'])).accessToken);
const admin = apiClient(info.apiUrl, (await localUser(info, `admin-${stamp}@example.com`, ['admins'])).accessToken);
const workers = await Promise.all(['ana', 'ben', 'cai'].map(async (n) => ({ name: n, call: apiClient(info.apiUrl, (await localUser(info, `${n}-${stamp}@example.com`, ['workers'])).accessToken) })));
step(`Signed in a client, an admin and three workers on ${info.apiUrl}`);

step('Client tops up €50.00', must(await client('POST', '/account/top-ups', { amountMinor: 5_000, currency: 'EUR' }, { 'idempotency-key': `demo-${stamp}` }), 201).body.balances);
const project = must(
  await client('POST', '/projects', {
    title: 'Is this review positive?',
    instructions: 'Read the review and choose.',
    answerSpec: { type: 'single_choice', question: 'Is the review positive?', options: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] },
    reward: { amountMinor: 1_000, currency: 'EUR' },
    redundancy: 3,
  }),
  201,
).body;
step(`Client creates project ${project.projectId} (reward €10.00, 3 answers per microtask)`, project.cost);
must(await client('POST', `/projects/${project.projectId}/microtasks`, { microtasks: [{ input: { review: 'Great battery, fast delivery.' } }] }), 201);
step('Client publishes it; escrow is reserved', (must(await client('POST', `/projects/${project.projectId}/publish`, {}), 200), (await client('GET', '/account')).body.balances));

const answers = ['yes', 'yes', 'no'];
for (const [i, w] of workers.entries()) {
  const claim = must(await w.call('POST', `/projects/${project.projectId}/assignments`, {}), 201).body;
  must(await w.call('POST', `/assignments/${claim.assignment.assignmentId}/submission`, { answer: { choice: answers[i] } }), 200);
  step(`${w.name} claims the microtask and answers "${answers[i]}"`);
}

const results = await eventually('the review', async () => {
  const r = await client('GET', `/projects/${project.projectId}/results`);
  return r.body.items[0]?.status === 'completed' ? r.body.items[0] : undefined;
});
step('The review state machine reached consensus', results.result);
for (const a of results.assignments) step(`  assignment ${a.assignmentId}: ${a.status} (${a.decision.rule})`);

// Payouts go only to a verified payout method: the details are stored sealed and shown masked.
for (const w of workers) {
  const method = must(await w.call('PUT', '/workers/me/payout-method', { type: 'paypal', email: `${w.name}-${stamp}@example.com` }), 200).body;
  step(`${w.name} sets a PayPal payout method`, { masked: method.masked, verification: method.verification.status });
}
const run = must(await admin('POST', '/admin/payout-runs', {}), 202).body;
const report = await eventually('the payout run', async () => {
  const r = await admin('GET', `/admin/payout-runs/${run.runId}`);
  return r.body.status === 'completed' ? r.body.report : undefined;
});
step(`Payout run ${run.runId} paid workers at or above the €10.00 minimum`, report);
for (const w of workers) step(`${w.name}'s earnings`, (await w.call('GET', '/workers/me/earnings')).body.balances);
console.log('\nDone.');
