import { conflict, notFound } from '../domain/errors';
import { clientReputationOf, type ClientReputation } from '../domain/workers/client-reputation';
import type { Deps } from './deps';

/** Each organisation's measured facts, by key: one BatchGet for a feed page's clients. */
export async function clientReputations(deps: Deps, orgIds: string[]): Promise<Map<string, ClientReputation>> {
  const counters = await deps.marketplace.clientCounters(orgIds);
  return new Map([...counters].map(([orgId, c]) => [orgId, clientReputationOf(orgId, c)]));
}

/** GET /clients/{orgId}/reputation: what a worker may know about a client before accepting its work. */
export async function clientReputationUseCase(deps: Deps, orgId: string): Promise<ClientReputation> {
  return (await clientReputations(deps, [orgId])).get(orgId)!;
}

/**
 * The hook an appeals flow for rejected assignments calls once it overturns a rejection: the
 * client's `overturnedRejections` counts it, once per assignment however often it is called.
 * (Appeals of assignment rejections belong to the quality issue; standing appeals are not these.)
 */
export async function recordOverturnedRejectionUseCase(deps: Deps, assignmentId: string) {
  const a = await deps.marketplace.getAssignment(assignmentId, true);
  if (!a) throw notFound('assignment', assignmentId);
  if (a.decision?.outcome !== 'rejected') throw conflict('not_rejected', `The assignment was not rejected (it is ${a.status}); only a rejection can be overturned`, { status: a.status });
  const recorded = await deps.marketplace.recordOverturnedRejection(a.orgId, assignmentId, deps.now());
  return { assignmentId, recorded };
}
