import { createHash, randomBytes } from 'node:crypto';

/** Time-ordered ids (`prj_…`): 9 base-36 chars of milliseconds, then 16 random hex chars. */
export function newId(prefix: string, now = Date.now()): string {
  return `${prefix}_${now.toString(36).padStart(9, '0')}${randomBytes(8).toString('hex')}`;
}

/** Deterministic ids, so that replaying a batch writes the same items instead of new ones. */
export function derivedId(prefix: string, ...parts: string[]): string {
  return `${prefix}_${createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32)}`;
}
