import { conflict, notFound } from '../domain/errors';
import { assertAppealable, isInForce, type StandingDecision } from '../domain/workers/standing';
import type { Deps } from './deps';
import { ownedProject } from './projects';

/** An admin blocks (fraud) or suspends a worker platform-wide, with a reason the worker sees. */
export async function decidePlatformStandingUseCase(deps: Deps, workerId: string, input: { kind: 'block' | 'suspension'; reason: string; until?: string }) {
  const now = deps.now();
  if (input.kind === 'suspension' && !input.until) throw conflict('suspension_needs_end', 'A suspension ends at a time: give `until`; a block lasts until lifted');
  if (input.until && input.until <= now) throw conflict('until_in_past', '`until` must be in the future');
  const d: StandingDecision = {
    decisionId: deps.newId('dec'),
    workerId,
    scope: 'platform',
    kind: input.kind,
    reason: input.reason,
    ...(input.until ? { until: input.until } : {}),
    decidedAt: now,
  };
  await deps.workers.putDecision(d);
  return d;
}

export async function liftPlatformStandingUseCase(deps: Deps, workerId: string) {
  if (!(await deps.workers.liftDecision(workerId, 'platform', deps.now()))) throw notFound('decision', `in force for worker ${workerId}`);
  return { workerId, lifted: true };
}

/** A client blocks a worker from all of its organisation's projects; it does not touch their reputation. */
export async function blockWorkerForClientUseCase(deps: Deps, orgId: string, workerId: string, reason: string) {
  const d: StandingDecision = { decisionId: deps.newId('dec'), workerId, scope: { orgId }, kind: 'block', reason, decidedAt: deps.now() };
  await deps.workers.putDecision(d);
  const { scope: _scope, ...view } = d;
  return view;
}

export async function unblockWorkerForClientUseCase(deps: Deps, orgId: string, workerId: string) {
  if (!(await deps.workers.liftDecision(workerId, { orgId }, deps.now()))) throw notFound('block', `of worker ${workerId}`);
  return { workerId, lifted: true };
}

/** Keeps a worker out of one project (e.g. earlier participants of a repeat study), or lets them back in. */
export async function setProjectExclusionUseCase(deps: Deps, orgId: string, projectId: string, workerId: string, excluded: boolean) {
  await ownedProject(deps, orgId, projectId);
  await deps.workers.setExcluded(workerId, projectId, excluded, deps.now());
  return { projectId, workerId, excluded };
}

/** What the worker may know: the platform decision about them, its reason and any appeal. */
export async function myStandingUseCase(deps: Deps, workerId: string) {
  const d = await deps.workers.getPlatformDecision(workerId);
  const now = deps.now();
  if (!d) return { status: 'good', decision: null };
  return { status: isInForce(d, now) ? (d.kind === 'block' ? 'blocked' : 'suspended') : 'good', decision: { ...d, scope: 'platform', inForce: isInForce(d, now) } };
}

/** One appeal per decision; admins decide it. */
export async function appealUseCase(deps: Deps, workerId: string, input: { decisionId: string; statement: string }) {
  const d = await deps.workers.getPlatformDecision(workerId, true);
  if (!d || d.decisionId !== input.decisionId) throw notFound('decision', input.decisionId);
  const now = deps.now();
  assertAppealable(d, now);
  if (!(await deps.workers.fileAppeal(d, input.statement, now))) throw conflict('already_appealed', 'This decision was already appealed');
  return { decisionId: d.decisionId, appeal: { statement: input.statement, filedAt: now, status: 'pending' } };
}

export async function listPendingAppealsUseCase(deps: Deps, limit: number, cursor?: string) {
  const page = await deps.workers.listPendingAppeals(limit, cursor);
  return { items: page.items, nextCursor: page.nextCursor ?? null };
}

export async function decideAppealUseCase(deps: Deps, workerId: string, input: { decisionId: string; outcome: 'upheld' | 'overturned'; note: string }) {
  const now = deps.now();
  if (!(await deps.workers.decideAppeal(workerId, input.decisionId, { status: input.outcome, note: input.note }, now))) {
    throw conflict('no_pending_appeal', 'There is no pending appeal of this decision');
  }
  return { workerId, decisionId: input.decisionId, appeal: { status: input.outcome, note: input.note, decidedAt: now }, inForce: input.outcome === 'upheld' };
}
