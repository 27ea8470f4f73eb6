import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localUser } from '../../infra/local/users';
import { apiClient, bootPlatform, type RunningPlatform } from '../support/local-platform';

/**
 * Issue 4 over HTTP against `npm start`'s platform: a worker fails a qualification test, is refused
 * the project and does not see it in the feed, is held back by the retake cooldown, passes after
 * it, then sees and claims the project; a blocked worker is refused; a worker exports and erases
 * their data.
 */
let platform: RunningPlatform;
type Call = ReturnType<typeof apiClient>;
let client: Call;
let admin: Call;
let ana: { sub: string; call: Call };
let ben: { sub: string; call: Call };

const COOLDOWN_SECONDS = 2;

beforeAll(async () => {
  platform = await bootPlatform();
  const url = platform.info.apiUrl;
  const user = async (email: string, groups: Parameters<typeof localUser>[2]) => {
    const u = await localUser(platform.info, email, groups);
    return { sub: u.sub, call: apiClient(url, u.accessToken) };
  };
  client = (await user('lab@example.com', ['clients'])).call;
  admin = (await user('ops@example.com', ['admins'])).call;
  ana = await user('ana.w@example.com', ['workers']);
  ben = await user('ben.w@example.com', ['workers']);
});

afterAll(async () => {
  const code = await platform?.stop();
  expect(code).toBe(0);
});

const questions = ['q1', 'q2', 'q3'].map((id, i) => ({
  questionId: id,
  text: `Which bird is in photo ${i + 1}?`,
  options: [
    { value: 'robin', label: 'Robin' },
    { value: 'wren', label: 'Wren' },
  ],
}));
const answerKey = { q1: 'robin', q2: 'wren', q3: 'robin' };

describe('workers on the local platform', () => {
  let typeId: string;
  let projectId: string;

  it('a client sets up a test and a project that requires passing it', async () => {
    const t = await client('POST', '/qualification-types', {
      name: 'Garden birds',
      assessment: { questions, answerKey, passingScore: 100, timeLimitSeconds: 120, retakeCooldownSeconds: COOLDOWN_SECONDS, maxAttempts: 3, revealWrongAnswers: true },
    });
    expect(t.status).toBe(201);
    typeId = t.body.qualificationTypeId;

    // Bad requirements are named: In needs values, Exists takes none.
    const bad = await client('POST', '/projects', {
      title: 'Birds',
      answerSpec: { type: 'single_choice', question: 'Which bird?', options: [{ value: 'robin', label: 'Robin' }, { value: 'wren', label: 'Wren' }] },
      reward: { amountMinor: 20 },
      requirements: { qualifications: [{ qualificationTypeId: typeId, comparator: 'In' }, { qualificationTypeId: typeId, comparator: 'Exists', values: [1] }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues.map((i: { path: string }) => i.path)).toEqual(['body.requirements.qualifications.0.values', 'body.requirements.qualifications.1.values']);

    expect((await client('POST', '/account/top-ups', { amountMinor: 10_000, currency: 'EUR' })).status).toBe(201);
    const p = await client('POST', '/projects', {
      title: 'Birds',
      answerSpec: { type: 'single_choice', question: 'Which bird?', options: [{ value: 'robin', label: 'Robin' }, { value: 'wren', label: 'Wren' }] },
      reward: { amountMinor: 20 },
      redundancy: 2,
      priority: 50,
      requirements: { qualifications: [{ qualificationTypeId: typeId, comparator: 'GreaterThanOrEqualTo', values: [100] }], countries: ['DE', 'AT'] },
    });
    expect(p.status).toBe(201);
    expect(p.body.requirements.qualifications[0].comparator).toBe('GreaterThanOrEqualTo');
    projectId = p.body.projectId;
    expect((await client('POST', `/projects/${projectId}/microtasks`, { microtasks: [{ input: { photo: 'a.jpg' } }, { input: { photo: 'b.jpg' } }] })).status).toBe(201);
    expect((await client('POST', `/projects/${projectId}/publish`, {})).status).toBe(200);
  });

  it('a worker fails the test, is refused and does not see the project, waits out the cooldown, passes, then sees and claims it', async () => {
    const profile = await ana.call('PUT', '/workers/me/profile', {
      country: 'DE',
      languages: [{ language: 'de', level: 'native' }],
      timeZone: 'Europe/Berlin',
      acceptedTermsVersion: '2026-01',
      demographicsConsent: false,
    });
    expect(profile.status).toBe(200);

    const refused = await ana.call('POST', `/projects/${projectId}/assignments`, {});
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('qualification_requirement_unmet');
    const feed = await ana.call('GET', '/workers/me/tasks');
    expect(feed.status).toBe(200);
    expect(feed.body.items.map((i: { projectId: string }) => i.projectId)).not.toContain(projectId);

    // A worker sees the type, never its key.
    const type = await ana.call('GET', `/qualification-types/${typeId}`);
    expect(type.status).toBe(200);
    expect(JSON.stringify(type.body)).not.toContain('answerKey');

    const first = await ana.call('POST', `/qualification-types/${typeId}/attempts`, {});
    expect(first.status).toBe(201);
    expect(first.body.questions).toHaveLength(3);
    expect(JSON.stringify(first.body)).not.toMatch(/answerKey|"robin","wren","robin"/);
    const failed = await ana.call('POST', `/qualification-types/${typeId}/attempts/${first.body.attempt.attemptId}/answers`, { answers: { q1: 'robin', q2: 'robin', q3: 'robin' } });
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ passed: false, score: 66, wrongQuestionIds: ['q2'] });

    const early = await ana.call('POST', `/qualification-types/${typeId}/attempts`, {});
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('retake_cooldown');

    await new Promise((r) => setTimeout(r, COOLDOWN_SECONDS * 1000 + 300));
    const second = await ana.call('POST', `/qualification-types/${typeId}/attempts`, {});
    expect(second.status).toBe(201);
    const passed = await ana.call('POST', `/qualification-types/${typeId}/attempts/${second.body.attempt.attemptId}/answers`, { answers: answerKey });
    expect(passed.body).toMatchObject({ passed: true, score: 100 });

    const mine = await ana.call('GET', '/workers/me/qualifications');
    expect(mine.body.items).toMatchObject([{ qualificationTypeId: typeId, score: 100, source: 'assessment', active: true }]);
    const feedAfter = await ana.call('GET', '/workers/me/tasks');
    expect(feedAfter.body.items.find((i: { projectId: string }) => i.projectId === projectId)).toMatchObject({ priority: 50, reward: { amountMinor: 20, currency: 'EUR' } });
    const claim = await ana.call('POST', `/projects/${projectId}/assignments`, {});
    expect(claim.status).toBe(201);
    expect(claim.body.microtask.projectId).toBe(projectId);

    const rep = await ana.call('GET', '/workers/me/reputation');
    expect(rep.status).toBe(200);
    expect(rep.body).toMatchObject({ approvedCount: 0, rejectedCount: 0, tier: 'bronze' });
  });

  it('a blocked worker is refused with the reason, and may appeal once', async () => {
    expect((await client('PUT', `/qualification-types/${typeId}/workers/${ben.sub}`, { score: 100 })).status).toBe(200);
    await ben.call('PUT', '/workers/me/profile', { country: 'AT', languages: [{ language: 'de', level: 'fluent' }], timeZone: 'Europe/Vienna', acceptedTermsVersion: '2026-01' });
    const block = await admin('PUT', `/admin/workers/${ben.sub}/standing`, { kind: 'block', reason: 'Duplicate accounts' });
    expect(block.status).toBe(200);

    const refused = await ben.call('POST', `/projects/${projectId}/assignments`, {});
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'worker_blocked', details: { reason: 'Duplicate accounts' } });
    expect((await ben.call('GET', '/workers/me/tasks')).body.items).toEqual([]);

    const standing = await ben.call('GET', '/workers/me/standing');
    expect(standing.body).toMatchObject({ status: 'blocked', decision: { reason: 'Duplicate accounts' } });
    const appeal = await ben.call('POST', '/workers/me/appeals', { decisionId: block.body.decisionId, statement: 'One account per household member' });
    expect(appeal.status).toBe(201);
    const again = await ben.call('POST', '/workers/me/appeals', { decisionId: block.body.decisionId, statement: 'Please' });
    expect(again.status).toBe(409);
    expect((await admin('GET', '/admin/appeals')).body.items.map((d: { workerId: string }) => d.workerId)).toContain(ben.sub);
    const ruling = await admin('POST', `/admin/workers/${ben.sub}/appeal-decision`, { decisionId: block.body.decisionId, outcome: 'overturned', note: 'Verified' });
    expect(ruling.status).toBe(200);
    expect((await ben.call('POST', `/projects/${projectId}/assignments`, {})).status).toBe(201);
  });

  it('a worker exports their data and erases their account', async () => {
    const page = await ben.call('GET', '/workers/me/export');
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ workerId: ben.sub, section: 'worker' });
    expect(JSON.stringify(page.body.items)).toContain('Europe/Vienna');
    const erased = await ben.call('DELETE', '/workers/me');
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({ complete: true, userDeleted: true });
    expect((await ben.call('GET', '/workers/me/profile')).status).toBe(404);
  });
});
