import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localUser } from '../../infra/local/users';
import { apiClient, bootPlatform, eventually, type RunningPlatform } from '../support/local-platform';

/**
 * Adaptive redundancy over HTTP against the local platform: two workers split on a microtask, so
 * the review state machine opens a third slot instead of finalizing; the third answer starts the
 * next review round, which finalizes at the maximum with the posterior in the result, and every
 * slot's escrow is paid or returned.
 */
let platform: RunningPlatform;
let client: ReturnType<typeof apiClient>;
const workers: ReturnType<typeof apiClient>[] = [];

beforeAll(async () => {
  platform = await bootPlatform();
  const url = platform.info.apiUrl;
  client = apiClient(url, (await localUser(platform.info, 'adaptive-client@example.com', ['clients'])).accessToken);
  for (const name of ['ada', 'abe', 'amy']) workers.push(apiClient(url, (await localUser(platform.info, `${name}@example.com`, ['workers'])).accessToken));
  expect((await client('POST', '/account/top-ups', { amountMinor: 10_000, currency: 'EUR' }, { 'idempotency-key': 'adaptive-topup' })).status).toBe(201);
});

afterAll(async () => {
  const code = await platform?.stop();
  expect(code).toBe(0);
});

describe('adaptive redundancy', () => {
  it('opens one more slot on a split and finalizes the next round at the maximum', async () => {
    const created = await client('POST', '/projects', {
      title: 'Cat or dog',
      answerSpec: { type: 'single_choice', question: 'Which animal?', options: [{ value: 'cat', label: 'Cat' }, { value: 'dog', label: 'Dog' }] },
      reward: { amountMinor: 100, currency: 'EUR' },
      redundancy: 2,
      adaptiveRedundancy: { initialAnswers: 2, maxAnswers: 3, targetConfidence: 0.95 },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const projectId = created.body.projectId as string;
    expect(created.body.adaptiveRedundancy).toEqual({ initialAnswers: 2, maxAnswers: 3, targetConfidence: 0.95 });
    const added = await client('POST', `/projects/${projectId}/microtasks`, { microtasks: [{ input: { photo: 'p1.jpg' } }] }, { 'idempotency-key': 'adaptive-add' });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    const microtaskId = added.body.microtaskIds[0] as string;
    expect((await client('POST', `/projects/${projectId}/publish`, {})).status).toBe(200);
    const escrowAfterPublish = (await client('GET', '/account')).body.balances.escrowMinor as number;

    const submit = async (w: ReturnType<typeof apiClient>, choice: string) => {
      const claim = await w('POST', `/projects/${projectId}/assignments`, {});
      expect(claim.status, JSON.stringify(claim.body)).toBe(201);
      const r = await w('POST', `/assignments/${claim.body.assignment.assignmentId}/submission`, { answer: { choice } });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    };
    await submit(workers[0]!, 'cat');
    await submit(workers[1]!, 'dog');

    // The review opened a third slot: a third worker can claim it, and one more slot's escrow is reserved.
    const claim3 = await eventually('the third slot', async () => {
      const r = await workers[2]!('POST', `/projects/${projectId}/assignments`, {});
      return r.status === 201 ? r : undefined;
    });
    expect(claim3.body.microtask.microtaskId).toBe(microtaskId);
    const escrowWithThird = (await client('GET', '/account')).body.balances.escrowMinor as number;
    expect(escrowWithThird).toBe(escrowAfterPublish + escrowAfterPublish / 2);
    const r = await workers[2]!('POST', `/assignments/${claim3.body.assignment.assignmentId}/submission`, { answer: { choice: 'cat' } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);

    const done = await eventually('the second review round', async () => {
      const m = await client('GET', `/projects/${projectId}/microtasks/${microtaskId}`);
      return m.status === 200 && m.body.status === 'completed' ? m.body : undefined;
    });
    expect(done.result).toMatchObject({ label: 'cat', decided: true });
    expect(done.result.details.posteriorConfidence).toBeGreaterThan(0.5);
    expect(done.result.details.posteriorConfidence).toBeLessThan(0.95);
    expect(done.assignments).toHaveLength(3);
    expect(done.assignments.every((a: { decision: unknown }) => a.decision !== null)).toBe(true);
    // Every slot was paid or returned.
    expect((await client('GET', '/account')).body.balances.escrowMinor).toBe(0);
  });
});
