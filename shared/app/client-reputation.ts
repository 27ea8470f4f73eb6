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
