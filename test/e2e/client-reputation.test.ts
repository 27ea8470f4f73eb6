import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localUser } from '../../infra/local/users';
import { apiClient, bootPlatform, eventually, type RunningPlatform } from '../support/local-platform';

/**
 * Issue 4's client reputation and reviewer pools over HTTP against `npm start`'s platform: a
 * worker sees "not enough data" for a new client, then, after the review state machine decided
 * 21 answers, the client's measured facts in the task feed and on the client's reputation route;
 * the client lists its reviewer pool.
 */
let platform: RunningPlatform;
type Call = ReturnType<typeof apiClient>;
let client: Call;
const workers: { sub: string; call: Call }[] = [];

beforeAll(async () => {
  platform = await bootPlatform();
  const url = platform.info.apiUrl;
  client = apiClient(url, (await localUser(platform.info, 'studio@example.com', ['clients'])).accessToken);
  for (const name of ['ida', 'jon', 'kim']) {
    const w = await localUser(platform.info, `${name}.rep@example.com`, ['workers']);
    workers.push({ sub: w.sub, call: apiClient(url, w.accessToken) });
  }
});

afterAll(async () => {
  const code = await platform?.stop();
  expect(code).toBe(0);
});

const MICROTASKS = 7;
const answerSpec = { type: 'single_choice', question: 'Is the photo sharp?', options: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] };

describe('client reputation on the local platform', () => {
  let projectId: string;
  let laterProjectId: string;
  let orgId: string;

  it('a client publishes two projects, one with a reviewer qualification, and lists its reviewer pool', async () => {
    expect((await client('POST', '/account/top-ups', { amountMinor: 10_000, currency: 'EUR' })).status).toBe(201);
    const type = await client('POST', '/qualification-types', { name: 'Photo reviewer' });
    expect(type.status).toBe(201);
    const typeId = type.body.qualificationTypeId as string;

    const p = await client('POST', '/projects', { title: 'Sharp photos', answerSpec, reward: { amountMinor: 20 }, redundancy: 3, reviewerQualification: { qualificationTypeId: typeId, minScore: 80 } });
    expect(p.status).toBe(201);
    expect(p.body.reviewerQualification).toEqual({ qualificationTypeId: typeId, minScore: 80 });
    projectId = p.body.projectId;
    const microtasks = Array.from({ length: MICROTASKS }, (_, i) => ({ input: { photo: `p${i}.jpg` } }));
    expect((await client('POST', `/projects/${projectId}/microtasks`, { microtasks })).status).toBe(201);
    expect((await client('POST', `/projects/${projectId}/publish`, {})).status).toBe(200);

    const later = await client('POST', '/projects', { title: 'More photos', answerSpec, reward: { amountMinor: 25 }, redundancy: 1 });
    laterProjectId = later.body.projectId;
    await client('POST', `/projects/${laterProjectId}/microtasks`, { microtasks: [{ input: { photo: 'q.jpg' } }] });
    expect((await client('POST', `/projects/${laterProjectId}/publish`, {})).status).toBe(200);

    // ida and jon hold the reviewer qualification; only ida with the score the project asks.
    for (const [w, score] of [[workers[0]!, 92], [workers[1]!, 60]] as const) {
      expect((await client('PUT', `/qualification-types/${typeId}/workers/${w.sub}`, { score })).status).toBe(200);
    }
    const pool = await client('GET', `/projects/${projectId}/reviewer-pool?limit=10`);
    expect(pool.status).toBe(200);
    expect(pool.body.items.map((i: { workerId: string; score: number }) => [i.workerId, i.score])).toEqual([[workers[0]!.sub, 92]]);
    // Workers cannot list it.
    expect((await workers[0]!.call('GET', `/projects/${projectId}/reviewer-pool`)).status).toBe(403);
  });

  it('a new client shows "not enough data" in the feed and at claim, not a misleading number', async () => {
    const feed = await workers[0]!.call('GET', '/workers/me/tasks?limit=100');
    expect(feed.status).toBe(200);
    const entry = feed.body.items.find((i: { projectId: string }) => i.projectId === projectId);
    expect(entry.client).toMatchObject({ decisions: 0, minimumDecisions: 20, enoughData: false, facts: null });
    orgId = entry.client.orgId;
    const direct = await workers[0]!.call('GET', `/clients/${orgId}/reputation`);
    expect(direct.status).toBe(200);
    expect(direct.body).toEqual(entry.client);
  });

  it('after the review decided 21 answers, a worker reads the measured facts in the feed', async () => {
    // Every microtask: ida and jon say yes, kim says no; consensus approves two and rejects one.
    const choices = ['yes', 'yes', 'no'];
    for (let round = 0; round < MICROTASKS; round++) {
      for (const [i, w] of workers.entries()) {
        const c = await w.call('POST', `/projects/${projectId}/assignments`, {});
        expect(c.status).toBe(201);
        if (round === 0 && i === 0) expect(c.body.task.client).toMatchObject({ orgId, enoughData: false });
        const s = await w.call('POST', `/assignments/${c.body.assignment.assignmentId}/submission`, { answer: { choice: choices[i] }, timeSpentMs: 30_000 });
        expect(s.status).toBe(200);
      }
    }
    const reputation = await eventually(
      'every answer to be decided',
      async () => {
        const r = await workers[2]!.call('GET', `/clients/${orgId}/reputation`);
        return r.body.decisions === 3 * MICROTASKS ? r.body : undefined;
      },
      120_000,
    );
    expect(reputation.enoughData).toBe(true);
    expect(reputation.facts.rejectionRate).toBe(0.3333);
    expect(reputation.facts.overturnedRejections).toBe(0);
    // Decided within seconds of the last submission: the first bucket (up to an hour).
    expect(reputation.facts.medianTimeToDecision).toEqual({ fromSeconds: 0, toSeconds: 3_600 });
    // 14 approvals of 20 cents for 21 × 30 s of measured work: 280 cents per 10.5 minutes.
    expect(reputation.facts.effectiveHourlyPay).toEqual([{ currency: 'EUR', amountMinor: 1_600 }]);

    // The feed shows the same facts beside the client's other project, before anyone accepts it.
    const feed = await workers[1]!.call('GET', '/workers/me/tasks?limit=100');
    const entry = feed.body.items.find((i: { projectId: string }) => i.projectId === laterProjectId);
    expect(entry.client).toEqual(reputation);
  });
});
