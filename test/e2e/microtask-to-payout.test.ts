import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localUser } from '../../infra/local/users';
import { ROUTES } from '../../shared/api/routes';
import { apiClient, bootPlatform, eventually, type RunningPlatform } from '../support/local-platform';

/**
 * Section 4 of the foundation issue, over HTTP against `npm start`'s platform: a client funds and
 * publishes a project, three workers answer one microtask, the queue feeds the review state
 * machine, majority consensus approves two and rejects one, and the payout run pays the two.
 */
let platform: RunningPlatform;
let client: ReturnType<typeof apiClient>;
let admin: ReturnType<typeof apiClient>;
let anonymous: ReturnType<typeof apiClient>;
const workers: { sub: string; call: ReturnType<typeof apiClient> }[] = [];

beforeAll(async () => {
  platform = await bootPlatform();
  const url = platform.info.apiUrl;
  const c = await localUser(platform.info, 'client@example.com', ['clients']);
  const a = await localUser(platform.info, 'admin@example.com', ['admins']);
  client = apiClient(url, c.accessToken);
  admin = apiClient(url, a.accessToken);
  anonymous = apiClient(url);
  for (const name of ['ana', 'ben', 'cai']) {
    const w = await localUser(platform.info, `${name}@example.com`, ['workers']);
    workers.push({ sub: w.sub, call: apiClient(url, w.accessToken) });
  }
});

afterAll(async () => {
  const code = await platform?.stop();
  expect(code).toBe(0);
});

describe('the local platform', () => {
  it('reports every backing service healthy', async () => {
    const r = await anonymous('GET', '/health');
    expect(r.status).toBe(200);
    expect(Object.keys(r.body.services).sort()).toEqual(['cognito', 'dynamodb', 's3', 'sqs', 'stepfunctions']);
    for (const s of Object.values(r.body.services) as { status: string }[]) expect(s.status).toBe('ok');
  });

  it('serves an OpenAPI 3.1 document with every route of the route table', async () => {
    const r = await anonymous('GET', '/openapi.json');
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe('3.1.0');
    for (const route of Object.values(ROUTES)) expect(r.body.paths[route.path]?.[route.method.toLowerCase()]).toBeDefined();
    const ref = r.body.paths['/projects'].post.requestBody.content['application/json'].schema.$ref as string;
    expect(ref).toBe('#/components/schemas/CreateProject');
    expect(r.body.components.schemas.CreateProject.properties.reward.properties.amountMinor.type).toBe('integer');
  });

  it('rejects a missing token with 401, a wrong group with 403 and bad input with a 400 naming the field', async () => {
    expect((await anonymous('GET', '/projects')).status).toBe(401);
    expect((await apiClient(platform.info.apiUrl, 'not-a-jwt')('GET', '/projects')).status).toBe(401);
    const wrongGroup = await workers[0]!.call('POST', '/projects', { title: 'x' });
    expect(wrongGroup.status).toBe(403);
    expect(wrongGroup.body.error.code).toBe('wrong_group');

    const bad = await client('POST', '/projects', { title: '', answerSpec: { type: 'single_choice', question: 'q', options: [] }, reward: { amountMinor: 1.5 }, colour: 'red' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    const paths = bad.body.error.details.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['body.title', 'body.answerSpec.options', 'body.reward.amountMinor', 'body']));
    expect(JSON.stringify(bad.body.error.details)).toContain('colour');

    const malformed = await client('POST', '/projects', '{"title": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('malformed_json');

    const foreign = await client('GET', '/projects/prj_0000000000000000000000');
    expect(foreign.status).toBe(404);
    expect((await client('GET', '/projects/not-an-id')).status).toBe(400);
  });

  it('walks one microtask from the API to the payout', async () => {
    // Fund the client; a retried top-up with the same key is not charged twice.
    const topUp = await client('POST', '/account/top-ups', { amountMinor: 10_000, currency: 'EUR' }, { 'idempotency-key': 'topup-1' });
    expect(topUp.status).toBe(201);
    const again = await client('POST', '/account/top-ups', { amountMinor: 10_000, currency: 'EUR' }, { 'idempotency-key': 'topup-1' });
    expect(again.body.paymentId).toBe(topUp.body.paymentId);
    const reused = await client('POST', '/account/top-ups', { amountMinor: 20_000, currency: 'EUR' }, { 'idempotency-key': 'topup-1' });
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe('idempotency_key_reused');
    expect((await client('GET', '/account')).body.balances).toEqual({ availableMinor: 10_000, escrowMinor: 0 });

    const created = await client('POST', '/projects', {
      title: 'Is this tweet positive?',
      instructions: 'Read the tweet and answer.',
      answerSpec: { type: 'single_choice', question: 'Is the sentiment positive?', options: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] },
      reward: { amountMinor: 1_000, currency: 'EUR' },
      redundancy: 3,
    });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('draft');
    expect(created.body.cost).toEqual({ rewardMinor: 1_000, bonusMinor: 0, feeMinor: 100, totalMinor: 1_100, currency: 'EUR' });
    const projectId = created.body.projectId as string;

    // Workers cannot claim from a draft.
    expect((await workers[0]!.call('POST', `/projects/${projectId}/assignments`, {})).body.error.code).toBe('project_not_open');

    const added = await client('POST', `/projects/${projectId}/microtasks`, { microtasks: [{ input: { text: 'I love this phone!' } }] }, { 'idempotency-key': 'batch-1' });
    expect(added.status).toBe(201);
    expect(added.body.added).toBe(1);

    const published = await client('POST', `/projects/${projectId}/publish`, {});
    expect(published.status).toBe(200);
    expect(published.body.status).toBe('published');
    expect((await client('GET', '/account')).body.balances).toEqual({ availableMinor: 10_000 - 3_300, escrowMinor: 3_300 });

    // Three workers each claim the microtask's three slots; nobody gets a fourth or a second.
    const claims = await Promise.all(workers.map((w) => w.call('POST', `/projects/${projectId}/assignments`, {})));
    for (const c of claims) expect(c.status).toBe(201);
    expect(new Set(claims.map((c) => c.body.assignment.microtaskId)).size).toBe(1);
    expect(claims[0]!.body.microtask.input).toEqual({ text: 'I love this phone!' });
    expect(claims[0]!.body.assignment).not.toHaveProperty('orgId');
    const extra = await workers[0]!.call('POST', `/projects/${projectId}/assignments`, {});
    expect(extra.status).toBe(409);
    expect(extra.body.error.code).toBe('no_work_available');

    // A worker cannot see or submit another worker's assignment; a wrong answer is a 400.
    const [a0, a1, a2] = claims.map((c) => c.body.assignment.assignmentId as string) as [string, string, string];
    expect((await workers[1]!.call('GET', `/assignments/${a0}`)).status).toBe(404);
    expect((await workers[1]!.call('POST', `/assignments/${a0}/submission`, { answer: { choice: 'yes' } })).status).toBe(403);
    const wrong = await workers[0]!.call('POST', `/assignments/${a0}/submission`, { answer: { choice: 'maybe' } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('invalid_answer');
    expect(wrong.body.error.details.issues[0].path).toBe('answer.choice');

    const answers = ['yes', 'yes', 'no'];
    for (const [i, id] of [a0, a1, a2].entries()) {
      const r = await workers[i]!.call('POST', `/assignments/${id}/submission`, { answer: { choice: answers[i] } });
      expect(r.status).toBe(200);
      expect(r.body.assignment.status).toBe('submitted');
    }
    // A retried submit returns the same result instead of failing.
    expect((await workers[0]!.call('POST', `/assignments/${a0}/submission`, { answer: { choice: 'yes' } })).status).toBe(200);
    // Changing the answer after submitting is refused.
    expect((await workers[0]!.call('POST', `/assignments/${a0}/submission`, { answer: { choice: 'no' } })).status).toBe(409);

    // The queue starts the review state machine; consensus decides and the ledger moves the money.
    const results = await eventually('the review to complete', async () => {
      const r = await client('GET', `/projects/${projectId}/results`);
      return r.body.items[0]?.status === 'completed' ? r.body : undefined;
    });
    const item = results.items[0];
    expect(item.result.label).toBe('yes');
    expect(item.result.votes).toEqual({ yes: 2, no: 1 });
    const byId = Object.fromEntries(item.assignments.map((a: { assignmentId: string }) => [a.assignmentId, a]));
    expect(byId[a0].status).toBe('approved');
    expect(byId[a1].status).toBe('approved');
    expect(byId[a2].status).toBe('rejected');
    expect(byId[a2].decision.rule).toBe('consensus.disagrees_with_majority');
    expect(byId[a2].decision.evidence.votes).toEqual({ yes: 2, no: 1 });

    // The rejected worker sees why.
    const mine = await workers[2]!.call('GET', '/workers/me/assignments');
    expect(mine.body.items[0].decision.evidence.yourAnswer).toBe('no');

    expect((await workers[0]!.call('GET', '/workers/me/earnings')).body.balances.availableMinor).toBe(1_000);
    expect((await workers[2]!.call('GET', '/workers/me/earnings')).body.balances.availableMinor).toBe(0);
    expect((await workers[0]!.call('GET', '/workers/me/earnings')).body.work[0]).toMatchObject({ approvedCount: 1, rejectedCount: 0, earnedMinor: 1_000 });
    expect((await workers[2]!.call('GET', '/workers/me/earnings')).body.work[0]).toMatchObject({ approvedCount: 0, rejectedCount: 1, earnedMinor: 0 });
    // Escrow is spent on two approvals (2 × 1,100) and the rejected slot (1,100) went back to the client.
    expect((await client('GET', '/account')).body.balances).toEqual({ availableMinor: 6_700 + 1_100, escrowMinor: 0 });
    // Its only microtask done with, the project completed itself; its progress says how the work went.
    const finished = await eventually('the project to complete', async () => {
      const r = await client('GET', `/projects/${projectId}`);
      return r.body.status === 'completed' ? r.body : undefined;
    });
    expect(finished.progress).toEqual({
      microtasks: { total: 1, open: 0, reviewing: 0, completed: 1, reviewFailed: 0, cancelled: 0 },
      assignments: { submitted: 0, approved: 2, rejected: 1 },
    });
    expect((await workers[0]!.call('GET', '/workers/me/tasks')).body.items.map((p: { projectId: string }) => p.projectId)).not.toContain(projectId);

    // Payout details: checked, verified, stored sealed, shown masked. Ben has not given any yet.
    const badIban = await workers[0]!.call('PUT', '/workers/me/payout-method', { type: 'iban', iban: 'DE89 3704 0044 0532 0130 01', holderName: 'Ana' });
    expect(badIban.status).toBe(400);
    expect(badIban.body.error).toMatchObject({ code: 'invalid_payout_method', details: { issues: [{ path: 'iban' }] } });
    expect((await workers[0]!.call('GET', '/workers/me/payout-method')).status).toBe(404);
    const method = await workers[0]!.call('PUT', '/workers/me/payout-method', { type: 'iban', iban: 'DE89 3704 0044 0532 0130 00', holderName: 'Ana' });
    expect(method.status).toBe(200);
    expect(method.body).toMatchObject({ methodType: 'iban', masked: 'DE** **** 3000', verification: { status: 'verified' } });
    expect(JSON.stringify((await workers[0]!.call('GET', '/workers/me/payout-method')).body)).not.toContain('370400440532');
    expect((await client('PUT', '/workers/me/payout-method', { type: 'paypal', email: 'x@example.com' })).status).toBe(403);

    const runToEnd = async (what: string) => {
      const run = await admin('POST', '/admin/payout-runs', {});
      expect(run.status).toBe(202);
      return eventually(what, async () => {
        const r = await admin('GET', `/admin/payout-runs/${run.body.runId}`);
        return r.body?.status === 'completed' ? r.body.report : undefined;
      });
    };
    // Only admins start payout runs.
    expect((await client('POST', '/admin/payout-runs', {})).status).toBe(403);
    const report = await runToEnd('the payout run');
    expect(report).toMatchObject({ paid: 1, failed: 0, paidMinor: 1_000, skipped: 1, skips: [{ workerId: workers[1]!.sub, reason: 'no_payout_method', amountMinor: 1_000 }] });
    const paid = (await workers[0]!.call('GET', '/workers/me/earnings')).body;
    expect(paid.balances).toEqual({ pendingMinor: 0, availableMinor: 0, paidMinor: 1_000 });
    expect((await workers[1]!.call('GET', '/workers/me/earnings')).body.recentPayouts[0]).toMatchObject({ status: 'skipped', skipReason: 'no_payout_method' });

    // Ben adds his PayPal address: the next run pays him, and nobody twice.
    expect((await workers[1]!.call('PUT', '/workers/me/payout-method', { type: 'paypal', email: 'Ben@Example.com' })).body.masked).toBe('b***@example.com');
    expect(await runToEnd('the second payout run')).toMatchObject({ paid: 1, paidMinor: 1_000, skipped: 0 });
    // A third run finds nothing new to pay.
    expect(await runToEnd('the third payout run')).toMatchObject({ paid: 0, paidMinor: 0, skipped: 0 });
  });
});
