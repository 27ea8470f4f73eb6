import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localUser } from '../../infra/local/users';
import { apiClient, bootPlatform, eventually, type RunningPlatform } from '../support/local-platform';

/**
 * The money issue's end-to-end run: a funded client runs a project, pays a bonus, the platform pays
 * a compensation, the books reconcile, and a payout run killed part-way (the whole platform and
 * its emulators killed at once) is resumed after a restart without paying anyone twice.
 */
let platform: RunningPlatform;
type Call = ReturnType<typeof apiClient>;
const names = ['ana', 'ben', 'cai'] as const;

async function signIn(p: RunningPlatform) {
  const url = p.info.apiUrl;
  const as = async (email: string, group: 'clients' | 'workers' | 'admins') => localUser(p.info, email, [group]);
  const client = apiClient(url, (await as('client@example.com', 'clients')).accessToken);
  const rival = apiClient(url, (await as('rival@example.com', 'clients')).accessToken);
  const admin = apiClient(url, (await as('admin@example.com', 'admins')).accessToken);
  const workers: Record<string, { sub: string; call: Call }> = {};
  for (const n of names) {
    const u = await as(`${n}@example.com`, 'workers');
    workers[n] = { sub: u.sub, call: apiClient(url, u.accessToken) };
  }
  return { client, rival, admin, workers };
}

beforeAll(async () => {
  // Each sandbox payout takes 1.5 s, so that a run can be killed while it is paying.
  platform = await bootPlatform({ env: { SANDBOX_PAYOUT_DELAY_MS: '1500' } });
});

afterAll(async () => {
  await platform?.stop();
});

describe('money, end to end', () => {
  it('funds, rewards, bonuses, compensates, reconciles, and survives a payout run killed part-way', async () => {
    const first = await signIn(platform);
    const { rival } = first;
    let { client, admin, workers } = first;

    for (const n of names) expect((await workers[n]!.call('PUT', '/workers/me/payout-method', { type: 'paypal', email: `${n}@example.com` })).status, n).toBe(200);
    expect((await client('POST', '/account/top-ups', { amountMinor: 20_000 }, { 'idempotency-key': 'fund' })).status).toBe(201);
    const project = (
      await client('POST', '/projects', {
        title: 'Label a photo',
        answerSpec: { type: 'single_choice', question: 'Cat?', options: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] },
        reward: { amountMinor: 1_000 },
        redundancy: 1,
      })
    ).body;
    await client('POST', `/projects/${project.projectId}/microtasks`, { microtasks: names.map((n) => ({ input: { photo: `${n}.jpg` } })) });
    expect((await client('POST', `/projects/${project.projectId}/publish`, {})).status).toBe(200);

    const assignmentOf: Record<string, string> = {};
    for (const n of names) {
      const claim = await workers[n]!.call('POST', `/projects/${project.projectId}/assignments`, {});
      expect(claim.status).toBe(201);
      assignmentOf[n] = claim.body.assignment.assignmentId;
      expect((await workers[n]!.call('POST', `/assignments/${assignmentOf[n]}/submission`, { answer: { choice: 'yes' } })).status).toBe(200);
    }
    await eventually('every microtask reviewed', async () => {
      const r = await client('GET', `/projects/${project.projectId}/results`);
      return r.body.items.length === 3 && r.body.items.every((i: { status: string }) => i.status === 'completed');
    });

    // A bonus with a reason the worker sees; the retry with the same key is not paid again.
    const bonus = await client('POST', `/assignments/${assignmentOf.ana}/bonuses`, { amountMinor: 500, reason: 'Great detail' }, { 'idempotency-key': 'bonus-1' });
    expect(bonus.status).toBe(201);
    expect(bonus.body).toMatchObject({ bonusMinor: 500, feeMinor: 50, workerId: workers.ana!.sub, replayed: false });
    expect((await client('POST', `/assignments/${assignmentOf.ana}/bonuses`, { amountMinor: 500, reason: 'Great detail' }, { 'idempotency-key': 'bonus-1' })).body.entryId).toBe(bonus.body.entryId);
    // Another client cannot pay or even see a bonus on this work.
    expect((await rival('POST', `/assignments/${assignmentOf.ana}/bonuses`, { amountMinor: 500, reason: 'x' })).status).toBe(404);

    // Bonuses in bulk: each is paid or refused on its own, with the reason why.
    const bulk = await client('POST', `/projects/${project.projectId}/bonuses`, {
      bonuses: [
        { assignmentId: assignmentOf.cai, amountMinor: 100, reason: 'Fast and right' },
        { assignmentId: 'asg_0000000000000000000000', amountMinor: 100, reason: 'Nobody' },
      ],
    });
    expect(bulk.status).toBe(200);
    expect(bulk.body).toMatchObject({ paid: 1, refused: 1 });
    expect(bulk.body.results[1].error.code).toBe('assignment_not_found');

    // A compensation out of platform fees (3 × 100 + 50 + 10 so far); more than the fees hold is refused.
    const comp = await admin('POST', '/admin/compensations', { workerId: workers.ben!.sub, amountMinor: 200, reason: 'Outage on 20 November' }, { 'idempotency-key': 'comp-1' });
    expect(comp.status).toBe(201);
    const tooMuch = await admin('POST', '/admin/compensations', { workerId: workers.ben!.sub, amountMinor: 10_000, reason: 'Too much' });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.error.code).toBe('insufficient_funds');
    expect((await client('POST', '/admin/compensations', { workerId: workers.ben!.sub, amountMinor: 1, reason: 'x' })).status).toBe(403);

    // Workers see every credit with its reason; the client sees its movements.
    const anaStatement = (await workers.ana!.call('GET', '/workers/me/statement')).body;
    expect(anaStatement.balanceMinor).toBe(1_500);
    expect(anaStatement.items.map((l: { kind: string; memo: string; amountMinor: number }) => [l.kind, l.memo, l.amountMinor])).toEqual(
      expect.arrayContaining([['bonus', 'Great detail', 500], ['assignment_approved', 'Assignment approved', 1_000]]),
    );
    expect((await workers.ben!.call('GET', '/workers/me/statement')).body.items[0]).toMatchObject({ kind: 'compensation', memo: 'Outage on 20 November', amountMinor: 200 });
    const funds = (await client('GET', '/account/statement')).body;
    expect(funds.balanceMinor).toBe(20_000 - 3_300 - 550 - 110);
    expect(funds.items.map((l: { kind: string }) => l.kind).sort()).toEqual(['bonus', 'bonus', 'escrow_reserve', 'top_up']);

    const books = (await admin('GET', '/admin/reconciliation')).body;
    expect(books.balanced).toBe(true);
    expect(books.currencies.EUR.sumMinor).toBe(0);
    expect(books.currencies.EUR.byKind).toMatchObject({ 'worker-available': 1_500 + 1_200 + 1_100, external: -20_000 });

    // A payout run, killed with the whole platform while the sandbox provider is paying: the first
    // payout has left the worker's balance (in transit) and the provider has not answered yet.
    const run = (await admin('POST', '/admin/payout-runs', {})).body.runId as string;
    await eventually(
      'a payout in transit',
      async () => {
        for (const n of names) if ((await workers[n]!.call('GET', '/workers/me/earnings')).body.balances.availableMinor === 0) return true;
        return false;
      },
      10_000,
    );
    const dataDir = platform.dataDir;
    await platform.crash();

    platform = await bootPlatform({ dataDir });
    ({ client, admin, workers } = await signIn(platform));
    expect((await admin('GET', `/admin/payout-runs/${run}`)).body.status).toBe('running');
    expect((await admin('POST', `/admin/payout-runs/${run}/resume`, {})).status).toBe(202);
    const report = await eventually('the resumed run', async () => {
      const r = await admin('GET', `/admin/payout-runs/${run}`);
      return r.body.status === 'completed' ? r.body.report : undefined;
    });
    expect(report).toMatchObject({ paid: 3, failed: 0, paidMinor: 3_800 });
    const expected = { ana: 1_500, ben: 1_200, cai: 1_100 };
    for (const n of names) {
      expect((await workers[n]!.call('GET', '/workers/me/earnings')).body.balances, n).toEqual({ pendingMinor: 0, availableMinor: 0, paidMinor: expected[n] });
    }
    expect((await admin('POST', `/admin/payout-runs/${run}/resume`, {})).body.error.code).toBe('payout_run_completed');

    // Run again: nothing new to pay. The books still balance, with the money now outside.
    const again = (await admin('POST', '/admin/payout-runs', {})).body.runId;
    const second = await eventually('the second run', async () => {
      const r = await admin('GET', `/admin/payout-runs/${again}`);
      return r.body.status === 'completed' ? r.body.report : undefined;
    });
    expect(second).toMatchObject({ paid: 0, paidMinor: 0 });
    const after = (await admin('GET', '/admin/reconciliation')).body;
    expect(after.balanced).toBe(true);
    expect(after.currencies.EUR.byKind).toMatchObject({ 'worker-available': 0, external: -20_000 + 3_800 });
  });

  it('runs a subscription and a negotiated fee into the cost of new projects', async () => {
    const { client, rival, admin } = await signIn(platform);
    const spec = {
      title: 'Fee check',
      answerSpec: { type: 'single_choice', question: 'Cat?', options: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] },
      reward: { amountMinor: 1_000 },
    };
    const before = (await client('GET', '/account')).body;
    expect(before.billing).toMatchObject({ plan: 'pay_per_task', feeBasisPoints: 1_000 });

    // One month of the subscription, paid from funds; the retry is not charged again.
    const sub = await client('POST', '/account/subscription', {}, { 'idempotency-key': 'month-1' });
    expect(sub.status).toBe(201);
    expect(sub.body.billing).toMatchObject({ plan: 'subscription', feeBasisPoints: 500 });
    expect(sub.body.balances.availableMinor).toBe(before.balances.availableMinor - 4_900);
    expect((await client('POST', '/account/subscription', {}, { 'idempotency-key': 'month-1' })).body.balances.availableMinor).toBe(before.balances.availableMinor - 4_900);
    expect((await client('POST', '/projects', spec)).body.cost).toMatchObject({ rewardMinor: 1_000, feeMinor: 50 });

    // A client without funds cannot subscribe.
    const broke = await rival('POST', '/account/subscription', {});
    expect(broke.status).toBe(422);
    expect(broke.body.error.code).toBe('insufficient_funds');

    // An admin negotiates 12 % with the rival; only admins may.
    const rivalId = JSON.parse(Buffer.from((await localUser(platform.info, 'rival@example.com', ['clients'])).accessToken.split('.')[1]!, 'base64url').toString()).sub;
    expect((await client('PUT', `/admin/clients/${rivalId}/fee`, { feeBasisPoints: 1_200 })).status).toBe(403);
    expect((await admin('PUT', `/admin/clients/${rivalId}/fee`, { feeBasisPoints: 12_000 })).status).toBe(400);
    expect((await admin('PUT', `/admin/clients/${rivalId}/fee`, { feeBasisPoints: 1_200 })).body.billing).toMatchObject({ feeBasisPoints: 1_200, negotiatedFee: true });
    expect((await rival('POST', '/projects', spec)).body.cost).toMatchObject({ feeMinor: 120 });
    await admin('PUT', `/admin/clients/${rivalId}/fee`, { feeBasisPoints: null });
    expect((await rival('POST', '/projects', spec)).body.cost).toMatchObject({ feeMinor: 100 });

    expect((await admin('GET', '/admin/reconciliation')).body.balanced).toBe(true);
  });

  it('cancels a project: unclaimed slots give their escrow back, claimed work is still reviewed and paid', async () => {
    const { client, admin, workers } = await signIn(platform);
    const project = (
      await client('POST', '/projects', {
        title: 'To be cancelled',
        answerSpec: { type: 'single_choice', question: 'Cat?', options: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] },
        reward: { amountMinor: 1_000 },
        redundancy: 2,
      })
    ).body;
    const slot = project.cost.totalMinor as number;
    await client('POST', `/projects/${project.projectId}/microtasks`, { microtasks: [1, 2, 3].map((i) => ({ input: { i } })) });
    const before = (await client('GET', '/account')).body.balances;
    await client('POST', `/projects/${project.projectId}/publish`, {});
    expect((await client('GET', '/account')).body.balances.escrowMinor).toBe(before.escrowMinor + 6 * slot);

    // Ana answers; Ben claims and has not answered yet when the client cancels.
    // Paused, it takes no claims; resumed, it does again.
    expect((await client('POST', `/projects/${project.projectId}/pause`, {})).body.status).toBe('paused');
    expect((await workers.ana!.call('POST', `/projects/${project.projectId}/assignments`, {})).body.error.code).toBe('project_not_open');
    expect((await client('POST', `/projects/${project.projectId}/resume`, {})).body.status).toBe('published');
    // A worker may give a claimed task back; its slot reopens for others.
    const given = (await workers.cai!.call('POST', `/projects/${project.projectId}/assignments`, {})).body.assignment.assignmentId;
    const back = await workers.cai!.call('POST', `/assignments/${given}/return`, {});
    expect(back.status).toBe(200);
    expect(back.body.assignment.status).toBe('returned');
    expect((await workers.ana!.call('POST', `/assignments/${given}/return`, {})).status).toBe(404);
    const ana = (await workers.ana!.call('POST', `/projects/${project.projectId}/assignments`, {})).body.assignment.assignmentId;
    await workers.ana!.call('POST', `/assignments/${ana}/submission`, { answer: { choice: 'yes' } });
    const ben = (await workers.ben!.call('POST', `/projects/${project.projectId}/assignments`, {})).body.assignment.assignmentId;

    const cancelled = await client('POST', `/projects/${project.projectId}/cancel`, {});
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect((await workers.cai!.call('POST', `/projects/${project.projectId}/assignments`, {})).body.error.code).toBe('project_not_open');
    expect((await client('POST', `/projects/${project.projectId}/publish`, {})).status).toBe(409);

    // The closure returns the four unclaimed slots; Ben's claimed slot stays reserved for him.
    await eventually('the unclaimed slots released', async () => (await client('GET', '/account')).body.balances.escrowMinor <= before.escrowMinor + 2 * slot);
    expect((await workers.ben!.call('POST', `/assignments/${ben}/submission`, { answer: { choice: 'yes' } })).status).toBe(200);

    const results = await eventually('every microtask closed', async () => {
      const r = await client('GET', `/projects/${project.projectId}/results`);
      return r.body.items.every((i: { status: string }) => i.status === 'completed' || i.status === 'cancelled') ? r.body.items : undefined;
    });
    expect(results.filter((i: { status: string }) => i.status === 'cancelled').length).toBeGreaterThanOrEqual(1);
    const decided = results.flatMap((i: { assignments: { assignmentId: string; status: string }[] }) => i.assignments);
    expect(decided.map((a: { assignmentId: string; status: string }) => [a.assignmentId, a.status]).sort()).toEqual([[ana, 'approved'], [ben, 'approved']].sort());
    // Two answers paid; everything else came back.
    expect((await client('GET', '/account')).body.balances).toEqual({ availableMinor: before.availableMinor - 2 * slot, escrowMinor: before.escrowMinor });
    expect((await admin('GET', '/admin/reconciliation')).body.balanced).toBe(true);
  });
});