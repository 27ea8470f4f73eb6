import { conflict, isDomainError, notFound, precondition } from '../domain/errors';
import { Accounts, Entries } from '../domain/ledger/ledger';
import { feeOn, type Currency } from '../domain/money';
import { effectiveHourlyRateMinor, payoutAmount, summarize, type Payout, type PayoutRun } from '../domain/payouts/payouts';
import type { Sealed } from '../adapters/crypto/envelope';
import { maskPayoutMethod, payoutSkipReason, validatePayoutMethod, type PayoutMethod, type PayoutMethodRecord } from '../domain/payouts/payout-method';
import { ACCOUNT_SHARDS } from '../adapters/dynamodb/table-design';
import { assertFee, extendSubscription, feeBasisPointsFor, payPerTask, subscriptionActive, SUBSCRIPTION, type ClientBilling } from '../domain/billing/plans';
import { ACCOUNT_KINDS } from '../adapters/dynamodb/ledger-store';
import type { Assignment } from '../domain/marketplace/assignment';
import type { Project } from '../domain/marketplace/project';
import type { Deps } from './deps';

export async function topUpUseCase(deps: Deps, orgId: string, body: { amountMinor: number; currency: Currency }, idempotencyKey: string) {
  const charge = await deps.payments.charge({ orgId, amountMinor: body.amountMinor, currency: body.currency, idempotencyKey: `${orgId}:${idempotencyKey}` });
  if (charge.status !== 'succeeded') throw precondition('payment_failed', charge.reason ?? 'The payment provider declined the payment');
  const { applied } = await deps.ledger.post(
    Entries.topUp(orgId, body.amountMinor, { entryId: `topup:${charge.paymentId}`, currency: body.currency, createdAt: deps.now(), refs: { paymentId: charge.paymentId } }),
  );
  return { paymentId: charge.paymentId, replayed: !applied, ...(await accountUseCase(deps, orgId)) };
}

export async function accountUseCase(deps: Deps, orgId: string) {
  const funds = Accounts.clientFunds(orgId);
  const escrow = Accounts.clientEscrow(orgId);
  const [b, billing] = await Promise.all([deps.ledger.balances([funds, escrow]), deps.billing.get(orgId)]);
  return { balances: { availableMinor: b[funds] ?? 0, escrowMinor: b[escrow] ?? 0 }, billing: billingView(deps, billing) };
}

function billingView(deps: Deps, b: ClientBilling | undefined) {
  const now = deps.now();
  const active = subscriptionActive(b, now);
  return {
    plan: active ? 'subscription' : 'pay_per_task',
    feeBasisPoints: feeBasisPointsFor(b, now, deps.settings.feeBasisPoints),
    negotiatedFee: b?.feeOverrideBasisPoints !== undefined,
    ...(active ? { subscriptionPaidThrough: b!.subscriptionPaidThrough } : {}),
    subscription: { monthlyMinor: SUBSCRIPTION.monthlyMinor, currency: SUBSCRIPTION.currency, feeBasisPoints: SUBSCRIPTION.feeBasisPoints },
  };
}

/** Pays one month of the subscription from the client's funds; a running period is extended. */
export async function subscribeUseCase(deps: Deps, orgId: string, idempotencyKey: string) {
  const now = deps.now();
  const previous = await deps.billing.get(orgId);
  const next = extendSubscription(previous, orgId, now);
  const entry = Entries.subscriptionFee(orgId, SUBSCRIPTION.monthlyMinor, { entryId: `subscription:${orgId}:${idempotencyKey}`, currency: SUBSCRIPTION.currency, createdAt: now });
  const applied = await deps.billing.saveWithPayment(next, previous, entry);
  return { replayed: !applied, ...(await accountUseCase(deps, orgId)) };
}

/** An admin sets (or, with null, removes) the fee negotiated with one client; new projects use it. */
export async function setClientFeeUseCase(deps: Deps, orgId: string, feeBasisPoints: number | null) {
  if (feeBasisPoints !== null) assertFee(feeBasisPoints);
  const now = deps.now();
  const previous = await deps.billing.get(orgId);
  const { feeOverrideBasisPoints: _old, ...rest } = previous ?? payPerTask(orgId, now);
  await deps.billing.save({ ...rest, ...(feeBasisPoints === null ? {} : { feeOverrideBasisPoints: feeBasisPoints }), updatedAt: now }, previous);
  return { orgId, billing: billingView(deps, await deps.billing.get(orgId)) };
}

export async function earningsUseCase(deps: Deps, workerId: string) {
  const available = Accounts.workerAvailable(workerId);
  const pending = Accounts.workerPending(workerId);
  const b = await deps.ledger.balances([available, pending]);
  const payouts = await deps.payouts.payoutsOfWorker(workerId, 20);
  return {
    balances: { pendingMinor: b[pending] ?? 0, availableMinor: b[available] ?? 0, paidMinor: payouts.filter((p) => p.status === 'paid').reduce((s, p) => s + p.amountMinor, 0) },
    minimumPayoutMinor: deps.settings.minPayoutMinor,
    holdPeriodHours: deps.settings.holdPeriodHours,
    // Rewards (not bonuses) per hour of measured task time, per currency earned in.
    work: (await deps.marketplace.workerStats(workerId)).map((s) => ({ ...s, effectiveHourlyRateMinor: effectiveHourlyRateMinor(s) })),
    recentPayouts: payouts,
  };
}

// ------------------------------------------------------------------ payout method

const sealContext = (workerId: string) => ({ workerId, purpose: 'payout-method' });

function payoutMethodView(r: PayoutMethodRecord) {
  const { workerId: _w, ...view } = r;
  return view;
}

/**
 * A worker sets where their money goes. The provider verifies the destination first; the details are
 * sealed before they are stored and only their masked form is ever returned. A rejected destination
 * is stored as rejected (so the worker sees why runs skip them), never silently dropped.
 */
export async function setPayoutMethodUseCase(deps: Deps, workerId: string, input: PayoutMethod) {
  const method = validatePayoutMethod(input);
  const check = await deps.payoutProvider.verifyRecipient(method);
  const now = deps.now();
  const record: PayoutMethodRecord = {
    workerId,
    methodType: method.type,
    masked: maskPayoutMethod(method),
    verification: { status: check.status, ...(check.reason ? { reason: check.reason } : {}), checkedAt: now },
    updatedAt: now,
  };
  await deps.payouts.savePayoutMethod(record, await deps.payoutDetails().seal(JSON.stringify(method), sealContext(workerId)));
  return payoutMethodView(record);
}

export async function getPayoutMethodUseCase(deps: Deps, workerId: string) {
  const r = await deps.payouts.getPayoutMethod(workerId);
  if (!r) throw notFound('payout_method', 'of this worker');
  return payoutMethodView(r);
}

type StoredPayoutMethod = PayoutMethodRecord & { sealed: Sealed };

/** The destination in clear, only for a verified method; undefined otherwise. */
async function payoutDestination(deps: Deps, workerId: string, stored: StoredPayoutMethod | undefined): Promise<PayoutMethod | undefined> {
  if (!stored || payoutSkipReason(stored)) return undefined;
  return JSON.parse(await deps.payoutDetails().open(stored.sealed, sealContext(workerId))) as PayoutMethod;
}

// ------------------------------------------------------------------ payout runs

/** A run's first step: record it (or find it again when resuming) and fan out over the balance shards. */
export async function preparePayoutRunUseCase(deps: Deps, input: { runId?: string; trigger?: 'schedule' | 'admin' }) {
  const run: PayoutRun = {
    runId: input.runId ?? deps.newId('run'),
    trigger: input.trigger ?? 'schedule',
    status: 'running',
    minPayoutMinor: deps.settings.minPayoutMinor,
    startedAt: deps.now(),
  };
  const stored = await deps.payouts.startRun(run);
  return { runId: stored.runId, shards: [...Array(ACCOUNT_SHARDS).keys()].map((shard) => ({ runId: stored.runId, shard })) };
}

const HOLDS_PER_STEP = 200;

/**
 * Pays one shard, a page at a time: first finishes payouts a crash left in flight, then pays every
 * balance at or above the minimum. Each payout is unique per (run, worker), so a retried or resumed
 * shard pays nobody twice. Returns `done: false` (with a cursor when it paid a page) while the shard
 * has more due holds or more balances to pay.
 */
export async function payShardUseCase(deps: Deps, input: { runId: string; shard: number; cursor?: Record<string, unknown> }) {
  const run = await deps.payouts.getRun(input.runId);
  if (!run) throw notFound('payout_run', input.runId);
  for (const p of await deps.payouts.startedPayouts(run.runId, input.shard)) await settle(deps, p, await deps.payouts.getPayoutMethod(p.workerId, true));
  // Rewards whose hold period is over become available first, so this run can pay them.
  const due = await deps.payouts.dueHolds(input.shard, deps.now(), HOLDS_PER_STEP);
  for (const h of due) {
    await deps.payouts.release(h, Entries.releaseHold(h.workerId, h.amountMinor, { entryId: `release:${h.assignmentId}`, currency: h.currency, createdAt: deps.now(), refs: { assignmentId: h.assignmentId } }));
  }
  // A full page means more may be due: loop (the state machine calls again) before paying.
  if (due.length === HOLDS_PER_STEP) return { runId: run.runId, shard: input.shard, done: false };
  const page = await deps.payouts.payableAccounts(input.shard, run.minPayoutMinor, input.cursor);
  for (const account of page.accounts) {
    const workerId = account.accountId.split(':')[1]!;
    const amount = payoutAmount(account.balance, run.minPayoutMinor);
    if (!amount) continue;
    const now = deps.now();
    const payout: Payout = { runId: run.runId, workerId, amountMinor: amount, currency: account.currency as Currency, status: 'started', shard: input.shard, createdAt: now, updatedAt: now };
    // Only a verified destination is paid; the balance stays available and the report says why.
    // One read of the method serves the check and, for a verified one, the payout itself.
    const method = await deps.payouts.getPayoutMethod(workerId, true);
    const skipReason = payoutSkipReason(method);
    if (skipReason) {
      await deps.payouts.skip({ ...payout, status: 'skipped', skipReason });
      continue;
    }
    const begun = await deps.payouts.begin(payout, Entries.startPayout(workerId, amount, { entryId: `payout:${run.runId}:${workerId}`, currency: payout.currency, createdAt: now, refs: { runId: run.runId } }));
    if (begun) await settle(deps, payout, method);
  }
  return { runId: run.runId, shard: input.shard, done: !page.cursor, ...(page.cursor ? { cursor: page.cursor } : {}) };
}

async function settle(deps: Deps, p: Payout, method: StoredPayoutMethod | undefined) {
  const destination = await payoutDestination(deps, p.workerId, method);
  // The method was removed or failed verification since the payout began: the money goes back to available.
  const outcome = destination
    ? await deps.payoutProvider.send({ payoutId: `${p.runId}:${p.workerId}`, workerId: p.workerId, amountMinor: p.amountMinor, currency: p.currency, destination })
    : { status: 'failed' as const, reason: 'The payout method is no longer verified' };
  const now = deps.now();
  const meta = { entryId: `payout-${outcome.status}:${p.runId}:${p.workerId}`, currency: p.currency, createdAt: now, refs: { runId: p.runId } };
  const entry = outcome.status === 'paid' ? Entries.settlePayout(p.workerId, p.amountMinor, meta) : Entries.failPayout(p.workerId, p.amountMinor, meta);
  await deps.payouts.finish(p, outcome, entry, now);
}

export async function completePayoutRunUseCase(deps: Deps, input: { runId: string }) {
  const all: Payout[] = [];
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await deps.payouts.listPayouts(input.runId, cursor);
    all.push(...page.payouts);
    cursor = page.cursor;
  } while (cursor);
  const report = summarize(all);
  await deps.payouts.completeRun(input.runId, report, deps.now());
  return { runId: input.runId, report };
}

export async function startPayoutRunUseCase(deps: Deps) {
  const runId = deps.newId('run');
  await deps.payoutWorkflow().start(runId, { runId, trigger: 'admin' });
  return { runId, status: 'running' };
}

export async function getPayoutRunUseCase(deps: Deps, runId: string) {
  const run = await deps.payouts.getRun(runId);
  if (!run) throw notFound('payout_run', runId);
  return run;
}

// ------------------------------------------------------------------ bonuses, statements, reconciliation

/** A client pays a worker extra for an answered assignment of one of its projects; the worker sees the reason. */
export async function bonusUseCase(deps: Deps, orgId: string, assignmentId: string, body: { amountMinor: number; reason: string }, idempotencyKey: string) {
  const a = await deps.marketplace.getAssignment(assignmentId);
  if (!a || a.orgId !== orgId) throw notFound('assignment', assignmentId);
  const project = await deps.marketplace.getProject(a.projectId);
  if (!project) throw notFound('project', a.projectId);
  return payBonus(deps, a, project, body, idempotencyKey);
}

async function payBonus(deps: Deps, a: Assignment, project: Project, body: { amountMinor: number; reason: string }, idempotencyKey: string) {
  const { assignmentId, orgId } = a;
  if (a.status === 'claimed') throw conflict('assignment_not_answered', 'A bonus is paid on answered work; this assignment is still open');
  const fee = feeOn(body.amountMinor, project.feeBasisPoints);
  const entryId = `bonus:${assignmentId}:${idempotencyKey}`;
  const { applied } = await deps.marketplace.postBonus(
    project,
    body.amountMinor + fee,
    Entries.bonus(orgId, a.workerId, body.amountMinor, fee, body.reason, { entryId, currency: project.currency, createdAt: deps.now(), refs: { assignmentId, projectId: a.projectId } }),
  );
  return { entryId, assignmentId, workerId: a.workerId, bonusMinor: body.amountMinor, feeMinor: fee, currency: project.currency, reason: body.reason, replayed: !applied };
}

/**
 * Many bonuses in one request. Each one is its own idempotent ledger entry, so one refused bonus (an
 * open assignment, not enough funds) leaves the others paid; the answer says which is which.
 */
export async function bulkBonusUseCase(
  deps: Deps,
  orgId: string,
  projectId: string,
  bonuses: { assignmentId: string; amountMinor: number; reason: string }[],
  idempotencyKey: string,
) {
  const project = await deps.marketplace.getProject(projectId);
  if (!project || project.orgId !== orgId) throw notFound('project', projectId);
  const results = [];
  for (const [i, b] of bonuses.entries()) {
    try {
      const a = await deps.marketplace.getAssignment(b.assignmentId);
      if (!a || a.projectId !== projectId) throw notFound('assignment', b.assignmentId);
      const paid = await payBonus(deps, a, project, b, `${idempotencyKey}:${i}`);
      results.push({ assignmentId: b.assignmentId, status: 'paid' as const, bonusMinor: paid.bonusMinor, feeMinor: paid.feeMinor, replayed: paid.replayed });
    } catch (e) {
      if (!isDomainError(e)) throw e;
      results.push({ assignmentId: b.assignmentId, status: 'refused' as const, error: { code: e.code, message: e.message } });
    }
  }
  return { paid: results.filter((r) => r.status === 'paid').length, refused: results.filter((r) => r.status === 'refused').length, results };
}

/** The platform compensates a worker without an assignment, out of its fee income. */
export async function compensationUseCase(deps: Deps, body: { workerId: string; amountMinor: number; currency: Currency; reason: string }, idempotencyKey: string) {
  const entryId = `compensation:${body.workerId}:${idempotencyKey}`;
  const { applied } = await deps.ledger.post(Entries.compensation(body.workerId, body.amountMinor, body.reason, { entryId, currency: body.currency, createdAt: deps.now() }));
  return { entryId, ...body, replayed: !applied };
}

export async function statementUseCase(deps: Deps, accountId: string, limit: number, cursor?: string) {
  const [page, balances] = await Promise.all([deps.ledger.statement(accountId, limit, cursor), deps.ledger.balances([accountId])]);
  return { balanceMinor: balances[accountId] ?? 0, items: page.items, nextCursor: page.nextCursor ?? null };
}

/**
 * Sums every account, per currency and per kind. Double entry means each currency sums to zero;
 * anything else is a bug to investigate, so the report says where the money sits.
 */
export async function reconciliationUseCase(deps: Deps) {
  const currencies: Record<string, { sumMinor: number; accounts: number; byKind: Record<string, number> }> = {};
  for (const kind of ACCOUNT_KINDS) {
    for (let shard = 0; shard < ACCOUNT_SHARDS; shard++) {
      for await (const a of deps.ledger.accounts(kind, shard)) {
        const c = (currencies[a.currency] ??= { sumMinor: 0, accounts: 0, byKind: {} });
        c.sumMinor += a.balance;
        c.accounts++;
        c.byKind[kind] = (c.byKind[kind] ?? 0) + a.balance;
      }
    }
  }
  return { balanced: Object.values(currencies).every((c) => c.sumMinor === 0), currencies, checkedAt: deps.now() };
}

/** Starts the workflow again for a run that stopped part-way; every step is idempotent, so nobody is paid twice. */
export async function resumePayoutRunUseCase(deps: Deps, runId: string) {
  const run = await deps.payouts.getRun(runId);
  if (!run) throw notFound('payout_run', runId);
  if (run.status === 'completed') throw conflict('payout_run_completed', 'This payout run has completed; start a new one', { completedAt: run.completedAt });
  await deps.payoutWorkflow().start(`${runId}-resume-${deps.newId('r')}`, { runId, trigger: run.trigger });
  return { runId, status: 'running', resumed: true };
}
