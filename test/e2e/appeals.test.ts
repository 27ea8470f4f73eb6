import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localUser } from '../../infra/local/users';
import { apiClient, bootPlatform, eventually, type RunningPlatform } from '../support/local-platform';

/**
 * Issue 5's appeal of a rejection over HTTP against `npm start`'s platform: the review state
 * machine rejects a worker by consensus, the worker appeals, the client finds the appeal and
 * overturns it; the worker is paid (their statement shows it), both read the decision log, and
 * the client's overturned-rejection count moves. Then a training item answered with feedback.
 */
let platform: RunningPlatform;
type Call = ReturnType<typeof apiClient>;
let client: Call;
const workers: { sub: string; call: Call }[] = [];

beforeAll(async () => {
  platform = await bootPlatform();
  const url = platform.info.apiUrl;
  client = apiClient(url, (await localUser(platform.info, 'appeals-client@example.com', ['clients'])).accessToken);
  for (const name of ['lea', 'max', 'noa']) {
    const w = await localUser(platform.info, `${name}.appeals@example.com`, ['workers']);
    workers.push({ sub: w.sub, call: apiClient(url, w.accessToken) });
  }
});

afterAll(async () => {
  const code = await platform?.stop();
  expect(code).toBe(0);
});

// 21 decisions: the client's facts (overturned rejections among them) show from 20 on.
const MICROTASKS = 7;
const answerSpec = { type: 'single_choice', question: 'Is there a cat?', options: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] };

describe('appeal of a rejection on the local platform', () => {
  let projectId: string;
  let orgId: string;
  let rejected: string[] = [];

  it('the review rejects the odd worker out of every microtask', async () => {
    expect((await client('POST', '/account/top-ups', { amountMinor: 10_000, currency: 'EUR' })).status).toBe(201);
    const p = await client('POST', '/projects', { title: 'Cats', answerSpec, reward: { amountMinor: 20 }, redundancy: 3 });
    expect(p.status).toBe(201);
    projectId = p.body.projectId;
    const microtasks = Array.from({ length: MICROTASKS }, (_, i) => ({ input: { photo: `c${i}.jpg` } }));
    expect((await client('POST', `/projects/${projectId}/microtasks`, { microtasks })).status).toBe(201);
    expect((await client('POST', `/projects/${projectId}/publish`, {})).status).toBe(200);

    const choices = ['yes', 'yes', 'no'];
    const noas: string[] = [];
    for (let round = 0; round < MICROTASKS; round++) {
      for (const [i, w] of workers.entries()) {
        const c = await w.call('POST', `/projects/${projectId}/assignments`, {});
        expect(c.status).toBe(201);
        if (i === 0 && round === 0) orgId = c.body.task.client.orgId;
        expect((await w.call('POST', `/assignments/${c.body.assignment.assignmentId}/submission`, { answer: { choice: choices[i] }, timeSpentMs: 20_000 })).status).toBe(200);
        if (i === 2) noas.push(c.body.assignment.assignmentId);
      }
    }
    const reputation = await eventually(
      'every answer to be decided',
      async () => {
        const r = await workers[0]!.call('GET', `/clients/${orgId}/reputation`);
        return r.body.decisions === 3 * MICROTASKS ? r.body : undefined;
      },
      120_000,
    );
    expect(reputation.facts).toMatchObject({ rejectionRate: 0.3333, overturnedRejections: 0 });
    rejected = noas;
    const first = await workers[2]!.call('GET', `/assignments/${rejected[0]}`);
    expect(first.body.assignment.status).toBe('rejected');
    expect(first.body.decisionLog.decisions).toEqual([expect.objectContaining({ stage: 'review', outcome: 'rejected', rule: expect.stringMatching(/^consensus\./), current: true })]);
  });

  it('the worker appeals once; the client finds it, overturns it, and the worker is paid', async () => {
    const noa = workers[2]!;
    const assignmentId = rejected[0]!;
    // Only the worker of the rejection may appeal it, and only once.
    const notYours = await workers[0]!.call('POST', '/workers/me/appeals', { assignmentId, statement: 'Not mine to appeal' });
    expect([notYours.status, notYours.body.error.code]).toEqual([403, 'not_your_assignment']);
    const filed = await noa.call('POST', '/workers/me/appeals', { assignmentId, statement: 'There is a cat? No: it is a lynx.' });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    expect(filed.body.appeal).toMatchObject({ status: 'pending' });
    const again = await noa.call('POST', '/workers/me/appeals', { assignmentId, statement: 'Once more' });
    expect([again.status, again.body.error.code]).toEqual([409, 'already_appealed']);

    const pending = await client('GET', `/projects/${projectId}/appeals`);
    expect(pending.status).toBe(200);
    expect(pending.body.items).toEqual([expect.objectContaining({ assignmentId, workerId: noa.sub, statement: 'There is a cat? No: it is a lynx.' })]);
    // Workers decide nothing.
    expect((await noa.call('POST', `/assignments/${assignmentId}/appeal-decision`, { outcome: 'overturned', note: 'Self-service' })).status).toBe(403);

    const decided = await client('POST', `/assignments/${assignmentId}/appeal-decision`, { outcome: 'overturned', note: 'A lynx is no cat: you were right.' }, { 'idempotency-key': 'overturn-1' });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    expect(decided.body).toMatchObject({ status: 'approved', appeal: { status: 'overturned' }, paymentEntryId: `appeal:${assignmentId}` });

    const statement = await noa.call('GET', '/workers/me/statement');
    expect(statement.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ entryId: `appeal:${assignmentId}`, kind: 'rejection_overturned', amountMinor: 20 })]));
    const funds = await client('GET', '/account/statement');
    expect(funds.body.items[0]).toMatchObject({ entryId: `appeal:${assignmentId}`, kind: 'rejection_overturned', amountMinor: -22 });

    // Both read the log: the rejection, then the overturn and the appeal; the worker without the others.
    const log = (await noa.call('GET', `/assignments/${assignmentId}`)).body;
    expect(log.assignment.status).toBe('approved');
    expect(log.decisionLog.decisions.map((d: { stage: string; outcome: string }) => [d.stage, d.outcome])).toEqual([
      ['review', 'rejected'],
      ['appeal', 'approved'],
    ]);
    expect(log.decisionLog.appeal).toMatchObject({ status: 'overturned', note: 'A lynx is no cat: you were right.' });
    for (const other of workers.slice(0, 2)) expect(JSON.stringify(log)).not.toContain(other.sub);
    const clientView = await client('GET', `/assignments/${assignmentId}`);
    expect(clientView.status).toBe(200);
    expect(clientView.body.assignment.workerId).toBe(noa.sub);
    expect(clientView.body.decisionLog.appeal.status).toBe('overturned');
    expect((await workers[0]!.call('GET', `/assignments/${assignmentId}`)).status).toBe(404);

    const reputation = await noa.call('GET', `/clients/${orgId}/reputation`);
    expect(reputation.body.facts.overturnedRejections).toBe(1);
    const mine = await noa.call('GET', '/workers/me/reputation');
    expect(mine.body).toMatchObject({ approvedCount: 1, rejectedCount: MICROTASKS - 1 });
    expect((await client('GET', `/projects/${projectId}/appeals`)).body.items).toEqual([]);
  });

  it('a training item answers at once, right or wrong and why, and changes no score', async () => {
    const type = await client('POST', '/qualification-types', {
      name: 'Cat spotter',
      training: [{ itemId: 'lynx', text: 'Is a lynx a house cat?', options: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }], answer: 'no', explanation: 'A lynx is a wild cat.' }],
    });
    expect(type.status, JSON.stringify(type.body)).toBe(201);
    const typeId = type.body.qualificationTypeId as string;
    const seen = await workers[0]!.call('GET', `/qualification-types/${typeId}`);
    expect(seen.body.training).toEqual([{ itemId: 'lynx', text: 'Is a lynx a house cat?', options: expect.any(Array) }]);
    const answered = await workers[0]!.call('POST', `/qualification-types/${typeId}/training-answers`, { itemId: 'lynx', answer: 'yes' });
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({ correct: false, answer: 'no', explanation: 'A lynx is a wild cat.', countsForScore: false });
    expect((await workers[0]!.call('GET', '/workers/me/qualifications')).body.items).toEqual([]);
  });
});
