import { conflict } from '../errors';
import type { WorkerFacts } from './requirements';

/** A platform decision about a worker (fraud block or suspension), or a client's block of a worker. */
export interface StandingDecision {
  decisionId: string;
  workerId: string;
  /** `platform`, or the organisation whose projects the block covers. */
  scope: 'platform' | { orgId: string };
  kind: 'block' | 'suspension';
  reason: string;
  /** A suspension ends by itself at this time; a block lasts until lifted. */
  until?: string;
  decidedAt: string;
  appeal?: Appeal;
}

export interface Appeal {
  statement: string;
  filedAt: string;
  status: 'pending' | 'upheld' | 'overturned';
  decidedAt?: string;
  note?: string;
}

export function isInForce(d: StandingDecision | undefined, now: string): d is StandingDecision {
  return !!d && (!d.until || d.until > now);
}

/** Platform decisions outrank client blocks, which outrank a project's exclusion list. */
export function standingFor(
  platform: StandingDecision | undefined,
  client: StandingDecision | undefined,
  excluded: boolean,
  now: string,
): WorkerFacts['standing'] {
  if (isInForce(platform, now)) return { code: platform.kind === 'block' ? 'worker_blocked' : 'worker_suspended', reason: platform.reason };
  if (isInForce(client, now)) return { code: 'blocked_by_client', reason: client.reason };
  // An exclusion keeps a worker out of one study; it says nothing about their work, so no reason is shown.
  if (excluded) return { code: 'excluded_from_project' };
  return undefined;
}

/** One appeal per decision, only of a platform decision in force. */
export function assertAppealable(d: StandingDecision, now: string): void {
  if (d.appeal) throw conflict('already_appealed', 'This decision was already appealed', { status: d.appeal.status });
  if (!isInForce(d, now)) throw conflict('decision_not_in_force', 'This decision is no longer in force');
}
