import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localUser } from '../../infra/local/users';
import { apiClient, bootPlatform, eventually, type RunningPlatform } from '../support/local-platform';

/**
 * Gold microtasks over HTTP against the local platform: a client adds a microtask with the answer
 * it expects; workers claim and read it without any trace of that answer; the review state machine
 * approves the worker who matched it, rejects the other with the expected answer as evidence, and
 * the client reads the gold answer with the decisions.
 */
let platform: RunningPlatform;
let client: ReturnType<typeof apiClient>;
let otherClient: ReturnType<typeof apiClient>;
const workers: ReturnType<typeof apiClient>[] = [];

beforeAll(async () => {
  platform = await bootPlatform();
  const url = platform.info.apiUrl;
  client = apiClient(url, (await localUser(platform.info, 'gold-client@example.com', ['clients'])).accessToken);
  otherClient = apiClient(url, (await localUser(platform.info, 'gold-other@example.com', ['clients'])).accessToken);
  for (const name of ['gia', 'gus']) workers.push(apiClient(url, (await localUser(platform.info, `${name}@example.com`, ['workers'])).accessToken));
  const topUp = await client('POST', '/account/top-ups', { amountMinor: 10_000, currency: 'EUR' }, { 'idempotency-key': 'gold-topup' });
  expect(topUp.status).toBe(201);
});

afterAll(async () => {
  const code = await platform?.stop();
  expect(code).toBe(0);
});

describe('gold microtasks', () => {
  it('hides the expected answer from workers, decides their answers by it, and shows it to the client', async () => {
    // A value found nowhere else, so its absence from a worker's JSON means the answer never reached them.
    const marker = `expected-${randomUUID()}`;
    const created = await client('POST', '/projects', {
      title: 'Read the sign',
      answerSpec: { type: 'free_text', question: 'What does the sign say?', maxLength: 200 },
      reward: { amountMinor: 100, currency: 'EUR' },
      redundancy: 2,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const projectId = created.body.projectId as string;

    // An expected answer the task type refuses is a 400 naming it, and nothing is written.
    const bad = await client('POST', `/projects/${projectId}/microtasks`, { microtasks: [{ input: { sign: 'a.jpg' } }, { input: { sign: 'b.jpg' }, gold: { answer: { text: '   ' } } }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_gold_answer');
    expect(bad.body.error.details.issues.map((i: { path: string }) => i.path)).toEqual(['microtasks.1.gold.answer.text']);
    expect((await client('GET', `/projects/${projectId}`)).body.microtaskCount).toBe(0);

    const added = await client('POST', `/projects/${projectId}/microtasks`, { microtasks: [{ input: { sign: 'photo-7.jpg' }, gold: { answer: { text: marker } } }] }, { 'idempotency-key': 'gold-add' });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    const microtaskId = added.body.microtaskIds[0] as string;
    expect((await client('POST', `/projects/${projectId}/publish`, {})).status).toBe(200);

    const claims = await Promise.all(workers.map((w) => w('POST', `/projects/${projectId}/assignments`, {})));
    const assignmentIds = claims.map((c) => c.body.assignment.assignmentId as string);
    for (const [i, claim] of claims.entries()) {
      expect(claim.status).toBe(201);
      expect(claim.body.microtask).toEqual({ microtaskId, projectId, input: { sign: 'photo-7.jpg' } });
      const read = await workers[i]!('GET', `/assignments/${assignmentIds[i]}`);
      const listed = await workers[i]!('GET', '/workers/me/assignments');
      expect(listed.status).toBe(200);
      expect(read.status).toBe(200);
      for (const json of [claim.body, read.body, listed.body].map((b) => JSON.stringify(b))) {
        expect(json).not.toContain(marker);
        expect(json).not.toMatch(/gold/i);
      }
    }
    // A worker cannot read the client's view of the microtask.
    expect((await workers[0]!('GET', `/projects/${projectId}/microtasks/${microtaskId}`)).status).toBe(403);

    const answers = [{ text: marker }, { text: 'closed for lunch' }];
    for (const [i, id] of assignmentIds.entries()) {
      const r = await workers[i]!('POST', `/assignments/${id}/submission`, { answer: answers[i] });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }

    const one = await eventually('the gold review', async () => {
      const r = await client('GET', `/projects/${projectId}/microtasks/${microtaskId}`);
      return r.status === 200 && r.body.status === 'completed' ? r.body : undefined;
    });
    expect(one).toMatchObject({ microtaskId, gold: { answer: { text: marker } }, result: { method: 'gold_standard', answer: { text: marker }, confidence: 0.5 } });
    const byId = Object.fromEntries(one.assignments.map((a: { assignmentId: string }) => [a.assignmentId, a]));
    expect(byId[assignmentIds[0]!]).toMatchObject({ status: 'approved', decision: { rule: 'gold.matches_expected', evidence: { expected: { text: marker } } } });
    expect(byId[assignmentIds[1]!]).toMatchObject({
      status: 'rejected',
      decision: { rule: 'gold.differs_from_expected', evidence: { expected: { text: marker }, yourAnswer: { text: 'closed for lunch' } } },
    });
    // The results list the same item; another organisation finds nothing.
    expect((await client('GET', `/projects/${projectId}/results`)).body.items).toEqual([one]);
    expect((await otherClient('GET', `/projects/${projectId}/microtasks/${microtaskId}`)).status).toBe(404);

    // Once decided, the worker sees why, expected answer included (the rejection is the contract).
    const decided = await workers[1]!('GET', `/assignments/${assignmentIds[1]}`);
    expect(decided.body.assignment).toMatchObject({ status: 'rejected', decision: { rule: 'gold.differs_from_expected', evidence: { expected: { text: marker } } } });
  });

  it("blocks a worker from the project once their gold accuracy falls below the project's floor, and tells them why", async () => {
    const gold = { answer: { choice: 'cat' } };
    const created = await client('POST', '/projects', {
      title: 'Cat or dog',
      answerSpec: { type: 'single_choice', question: 'Which animal?', options: [{ value: 'cat', label: 'Cat' }, { value: 'dog', label: 'Dog' }] },
      reward: { amountMinor: 50, currency: 'EUR' },
      redundancy: 2,
      goldPolicy: { minAnswers: 2, accuracyFloor: 0.7, action: 'block_from_project' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const projectId = created.body.projectId as string;
    const added = await client('POST', `/projects/${projectId}/microtasks`, { microtasks: [{ input: { n: 1 }, gold }, { input: { n: 2 }, gold }, { input: { n: 3 } }] });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    const goldIds = new Set((added.body.microtaskIds as string[]).slice(0, 2));
    expect((await client('POST', `/projects/${projectId}/publish`, {})).status).toBe(200);

    // gia answers right, gus wrong, on both gold microtasks; the other microtask goes back.
    const [gia, gus] = workers as [ReturnType<typeof apiClient>, ReturnType<typeof apiClient>];
    for (const [w, choice] of [[gia, 'cat'], [gus, 'dog']] as const) {
      const answered = new Set<string>();
      for (let tries = 0; answered.size < 2 && tries < 8; tries++) {
        const claim = await w('POST', `/projects/${projectId}/assignments`, {});
        expect(claim.status, JSON.stringify(claim.body)).toBe(201);
        const { microtaskId } = claim.body.microtask as { microtaskId: string };
        const assignmentId = claim.body.assignment.assignmentId as string;
        const r = goldIds.has(microtaskId) ? await w('POST', `/assignments/${assignmentId}/submission`, { answer: { choice } }) : await w('POST', `/assignments/${assignmentId}/return`, {});
        expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
        if (goldIds.has(microtaskId)) answered.add(microtaskId);
      }
      expect(answered.size).toBe(2);
    }
    for (const id of goldIds) {
      await eventually(`the review of ${id}`, async () => {
        const r = await client('GET', `/projects/${projectId}/microtasks/${id}`);
        return r.status === 200 && r.body.status === 'completed' ? true : undefined;
      });
    }
    // The policy acted on gus alone: told on the reputation page, kept out at claim.
    const told = await eventually('the gold policy action', async () => {
      const r = await gus('GET', '/workers/me/reputation');
      return r.status === 200 && r.body.gold?.actions?.length ? r.body : undefined;
    });
    expect(told.gold.actions).toEqual([expect.objectContaining({ projectId, action: 'block_from_project', rule: 'gold_policy.accuracy_below_floor' })]);
    const refused = await gus('POST', `/projects/${projectId}/assignments`, {});
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('excluded_from_project');
    const stillWelcome = await gia('GET', '/workers/me/reputation');
    expect(stillWelcome.body.gold?.actions ?? []).toEqual([]);
    // gia has done or given back every microtask, so the feed has nothing for her, but she is not kept out.
    const giaClaim = await gia('POST', `/projects/${projectId}/assignments`, {});
    expect(giaClaim.body.error?.code).not.toBe('excluded_from_project');
  });
});
