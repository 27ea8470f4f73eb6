import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localUser } from '../../infra/local/users';
import { apiClient, bootPlatform, type RunningPlatform } from '../support/local-platform';

/**
 * POST /workers/me/assignments over HTTP against `npm start`'s platform: a worker asks for work
 * without naming a project and gets the best project that has some for them, the task feed's
 * order; nothing left is a 409 with a code that says so.
 */
let platform: RunningPlatform;
type Call = ReturnType<typeof apiClient>;
let client: Call;
const workers: Record<'ana' | 'ben' | 'cai', { sub: string; call: Call }> = {} as never;

beforeAll(async () => {
  platform = await bootPlatform();
  const url = platform.info.apiUrl;
  client = apiClient(url, (await localUser(platform.info, 'dispatch@example.com', ['clients'])).accessToken);
  for (const name of ['ana', 'ben', 'cai'] as const) {
    const w = await localUser(platform.info, `${name}.next@example.com`, ['workers']);
    workers[name] = { sub: w.sub, call: apiClient(url, w.accessToken) };
  }
});

afterAll(async () => {
  const code = await platform?.stop();
  expect(code).toBe(0);
});

const answerSpec = { type: 'single_choice', question: 'Is it a cat?', options: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] };

describe('claiming the next task across projects', () => {
  it('hands out the urgent project first, then the routine one, and says when nothing is left', async () => {
    expect((await client('POST', '/account/top-ups', { amountMinor: 10_000, currency: 'EUR' })).status).toBe(201);
    const create = async (title: string, priority: number, microtasks: number) => {
      const p = await client('POST', '/projects', { title, answerSpec, reward: { amountMinor: 20 }, redundancy: 1, priority });
      expect(p.status).toBe(201);
      await client('POST', `/projects/${p.body.projectId}/microtasks`, { microtasks: Array.from({ length: microtasks }, (_, i) => ({ input: { i } })) });
      expect((await client('POST', `/projects/${p.body.projectId}/publish`, {})).status).toBe(200);
      return p.body.projectId as string;
    };
    const urgent = await create('Urgent', 90, 1);
    const routine = await create('Routine', 10, 2);
    const next = (w: keyof typeof workers) => workers[w].call('POST', '/workers/me/assignments', {});

    const first = await next('ana');
    expect(first.status).toBe(201);
    expect(first.body.assignment).toMatchObject({ projectId: urgent, status: 'claimed' });
    expect(first.body.task.title).toBe('Urgent');
    expect(first.body.microtask).toEqual({ microtaskId: first.body.assignment.microtaskId, projectId: urgent, input: { i: 0 } });
    // The urgent project's only slot is taken: the routine project comes next.
    expect((await next('ana')).body.assignment.projectId).toBe(routine);

    // Ben is kept out of the routine project by its client; the urgent one has nothing left.
    expect((await client('PUT', `/projects/${routine}/exclusions/${workers.ben.sub}`, {})).status).toBe(200);
    const none = await next('ben');
    expect(none.status).toBe(409);
    expect(none.body.error).toMatchObject({ code: 'no_work_available', details: { projectsTried: 1 } });

    // Ana gives the urgent task back: its slot reopens and Ben, asking again, gets it.
    expect((await workers.ana.call('POST', `/assignments/${first.body.assignment.assignmentId}/return`, {})).status).toBe(200);
    expect((await next('ben')).body.assignment.projectId).toBe(urgent);

    // Cai takes the last routine microtask, then finds nothing.
    expect((await next('cai')).body.assignment.projectId).toBe(routine);
    expect((await next('cai')).body.error.code).toBe('no_work_available');
    // A client cannot claim.
    expect((await client('POST', '/workers/me/assignments', {})).status).toBe(403);
  });
});
