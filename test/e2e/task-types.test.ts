import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localUser } from '../../infra/local/users';
import { apiClient, bootPlatform, eventually, type RunningPlatform } from '../support/local-platform';
import { CASES, car, image, type Case } from '../support/task-type-cases';

/**
 * Every task type of issue #3 over HTTP against the local platform: a project of each type is
 * created, given a microtask, published and answered by three workers (the third disagrees);
 * the review state machine settles each one by its own consensus rule.
 */
let platform: RunningPlatform;
let client: ReturnType<typeof apiClient>;
const workers: ReturnType<typeof apiClient>[] = [];

beforeAll(async () => {
  platform = await bootPlatform();
  const url = platform.info.apiUrl;
  const c = await localUser(platform.info, 'types-client@example.com', ['clients']);
  client = apiClient(url, c.accessToken);
  for (const name of ['tia', 'udo', 'vic']) {
    const w = await localUser(platform.info, `${name}@example.com`, ['workers']);
    workers.push(apiClient(url, w.accessToken));
  }
  const topUp = await client('POST', '/account/top-ups', { amountMinor: 50_000, currency: 'EUR' }, { 'idempotency-key': 'types-topup' });
  expect(topUp.status).toBe(201);
});

afterAll(async () => {
  const code = await platform?.stop();
  expect(code).toBe(0);
});

async function createProject(type: string, answerSpec: unknown) {
  const r = await client('POST', '/projects', { title: `A ${type} project`, answerSpec, reward: { amountMinor: 100, currency: 'EUR' }, redundancy: 3 });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.projectId as string;
}

describe('task types', () => {
  it('refuses microtasks that do not fit the type, naming the row and field, and writes none of them', async () => {
    const projectId = await createProject('bounding_boxes', CASES['bounding_boxes']!.answerSpec);
    const bad = await client('POST', `/projects/${projectId}/microtasks`, {
      microtasks: [{ input: { image } }, { input: { image: { url: image.url, width: 640 } } }, { input: { image: { url: 'http://plain.example.com/a.jpg', width: 10, height: 10 } } }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_microtask_input');
    expect(bad.body.error.details.issues.map((i: { path: string }) => i.path)).toEqual(['microtasks.1.input.image.height', 'microtasks.2.input.image.url']);
    expect((await client('GET', `/projects/${projectId}`)).body.microtaskCount).toBe(0);
    expect((await client('GET', `/projects/${projectId}/results`)).body.items).toEqual([]);

    const badSpec = await client('POST', '/projects', { title: 'x', answerSpec: { type: 'rating', question: 'q', min: 5, max: 1 }, reward: { amountMinor: 100 } });
    expect(badSpec.status).toBe(400);
    expect(badSpec.body.error.details.issues[0].path).toBe('answerSpec.max');
  });

  it('runs a project of each type from creation to a reviewed result', async () => {
    const started: { type: string; c: Case; projectId: string; assignmentIds: string[] }[] = [];
    for (const [type, c] of Object.entries(CASES)) {
      const projectId = await createProject(type, c.answerSpec);
      const added = await client('POST', `/projects/${projectId}/microtasks`, { microtasks: [{ input: c.input }] }, { 'idempotency-key': `types-${type}` });
      expect(added.status, JSON.stringify(added.body)).toBe(201);
      expect((await client('POST', `/projects/${projectId}/publish`, {})).status).toBe(200);
      const claims = await Promise.all(workers.map((w) => w('POST', `/projects/${projectId}/assignments`, {})));
      for (const claim of claims) expect(claim.status).toBe(201);
      expect(claims[0]!.body.task.answerSpec.type).toBe(type);
      expect(claims[0]!.body.microtask.input).toEqual(c.input);
      const assignmentIds = claims.map((claim) => claim.body.assignment.assignmentId as string);
      started.push({ type, c, projectId, assignmentIds });

      // A box outside the image is refused on submit, naming the box and field.
      if (type === 'bounding_boxes') {
        const outside = await workers[0]!('POST', `/assignments/${assignmentIds[0]}/submission`, { answer: { boxes: [car(600, 10)] } });
        expect(outside.status).toBe(400);
        expect(outside.body.error.code).toBe('invalid_answer');
        expect(outside.body.error.details.issues.map((i: { path: string }) => i.path)).toEqual(['answer.boxes.0.width']);
      }
      // A survey answer missing a required question is refused, naming the question.
      if (type === 'survey') {
        const missing = await workers[0]!('POST', `/assignments/${assignmentIds[0]}/submission`, { answer: { stars: { value: 3 } } });
        expect(missing.status).toBe(400);
        expect(missing.body.error.details.issues.map((i: { path: string }) => i.path)).toEqual(['answer.tone']);
      }
      // Answered before the next project: a worker holds at most a few claimed tasks at once.
      for (const [i, id] of assignmentIds.entries()) {
        const r = await workers[i]!('POST', `/assignments/${id}/submission`, { answer: c.answers[i] });
        expect(r.status, `${type}: ${JSON.stringify(r.body)}`).toBe(200);
      }
    }

    for (const s of started) {
      const results = await eventually(`the ${s.type} review`, async () => {
        const r = await client('GET', `/projects/${s.projectId}/results`);
        return r.body.items[0]?.status === 'completed' ? r.body : undefined;
      });
      const item = results.items[0];
      expect(item.result, s.type).toMatchObject({ answer: s.c.aggregate, method: s.c.method, decided: true });
      expect(item.result.confidence, s.type).toBeCloseTo(2 / 3);
      const byId = Object.fromEntries(item.assignments.map((a: { assignmentId: string }) => [a.assignmentId, a]));
      const [a0, a1, a2] = s.assignmentIds as [string, string, string];
      expect([byId[a0].status, byId[a1].status, byId[a2].status], s.type).toEqual(['approved', 'approved', 'rejected']);
      const rejection = byId[a2].decision;
      expect(rejection.rule, s.type).toBe(s.c.rule);
      expect(rejection.evidence, s.type).toMatchObject({ aggregate: s.c.aggregate, yourAnswer: s.c.answers[2], measure: s.c.measure });
      expect(typeof rejection.evidence.value).toBe('number');
      expect(typeof rejection.evidence.threshold).toBe('number');
    }
  });
});
