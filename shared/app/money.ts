import { notFound, precondition } from '../domain/errors';
import { Accounts, Entries } from '../domain/ledger/ledger';
import type { Currency } from '../domain/money';
import { payoutAmount, summarize, type Payout, type PayoutRun } from '../domain/payouts/payouts';
import { ACCOUNT_SHARDS } from '../adapters/dynamodb/table-design';
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
  const b = await deps.ledger.balances([funds, escrow]);
  return { balances: { availableMinor: b[funds] ?? 0, escrowMinor: b[escrow] ?? 0 } };
}

export async function earningsUseCase(deps: Deps, workerId: string) {
  const available = Accounts.workerAvailable(workerId);
  const b = await deps.ledger.balances([available]);
  const payouts = await deps.payouts.payoutsOfWorker(workerId, 20);
  return {
    balances: { availableMinor: b[available] ?? 0, paidMinor: payouts.filter((p) => p.status === 'paid').reduce((s, p) => s + p.amountMinor, 0) },
    minimumPayoutMinor: deps.settings.minPayoutMinor,
    recentPayouts: payouts,
  };
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

/**
 * Pays one shard, a page at a time: first finishes payouts a crash left in flight, then pays every
 * balance at or above the minimum. Each payout is unique per (run, worker), so a retried or resumed
 * shard pays nobody twice. Returns `done: false` with a cursor when the shard has more pages.
 */
export async function payShardUseCase(deps: Deps, input: { runId: string; shard: number; cursor?: Record<string, unknown> }) {
  const run = await deps.payouts.getRun(input.runId);
  if (!run) throw notFound('payout_run', input.runId);
  for (const p of await deps.payouts.startedPayouts(run.runId, input.shard)) await settle(deps, p);
  const page = await deps.payouts.payableAccounts(input.shard, run.minPayoutMinor, input.cursor);
  for (const account of page.accounts) {
    const workerId = account.accountId.split(':')[1]!;
    const amount = payoutAmount(account.balance, run.minPayoutMinor);
    if (!amount) continue;
    const now = deps.now();
    const payout: Payout = { runId: run.runId, workerId, amountMinor: amount, currency: account.currency as Currency, status: 'started', shard: input.shard, createdAt: now, updatedAt: now };
    const begun = await deps.payouts.begin(payout, Entries.startPayout(workerId, amount, { entryId: `payout:${run.runId}:${workerId}`, currency: payout.currency, createdAt: now, refs: { runId: run.runId } }));
    if (begun) await settle(deps, payout);
  }
  return { runId: run.runId, shard: input.shard, done: !page.cursor, ...(page.cursor ? { cursor: page.cursor } : {}) };
}

async function settle(deps: Deps, p: Payout) {
  const outcome = await deps.payoutProvider.send({ payoutId: `${p.runId}:${p.workerId}`, workerId: p.workerId, amountMinor: p.amountMinor, currency: p.currency });
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
