import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localUser } from '../../infra/local/users';
import { apiClient, bootPlatform, eventually, type RunningPlatform } from '../support/local-platform';

/**
 * The review workflow's human stages over HTTP on the local platform, run by the synthesized
 * definition with the local runner's task tokens: a reviewer asks for a revision then approves, a
 * spot check overturns consensus, a client rejects with evidence, and a silent client's window
 * ends in acceptance (the window is shortened for the test, as a test may shorten any human wait).
 */
const ACCEPTANCE_WINDOW_MS = 12_000;
type Call = ReturnType<typeof apiClient>;
let platform: RunningPlatform;
let client: Call;
let reviewer: Call;
const workers: { sub: string; call: Call }[] = [];
let typeId: string;

beforeAll(async () => {
  platform = await bootPlatform({ env: { TESSERA_TASK_TIMEOUT_OVERRIDES: JSON.stringify({ ClientAcceptance: ACCEPTANCE_WINDOW_MS }) } });
  const url = platform.info.apiUrl;
  client = apiClient(url, (await localUser(platform.info, 'review-client@example.com', ['clients'])).accessToken);
  const rev = await localUser(platform.info, 'review-reviewer@example.com', ['workers']);
  reviewer = apiClient(url, rev.accessToken);
  for (const name of ['rae', 'ros']) {
    const w = await localUser(platform.info, `${name}.review@example.com`, ['workers']);
    workers.push({ sub: w.sub, call: apiClient(url, w.accessToken) });
  }
  expect((await client('POST', '/account/top-ups', { amountMinor: 10_000, currency: 'EUR' }, { 'idempotency-key': 'review-topup' })).status).toBe(201);
  const type = await client('POST', '/qualification-types', { name: 'Animal reviewer' });
  typeId = type.body.qualificationTypeId as string;
  expect((await client('PUT', `/qualification-types/${typeId}/workers/${rev.sub}`, { score: 90 })).status).toBe(200);
});

afterAll(async () => {
  const code = await platform?.stop();
  expect(code).toBe(0);
});

const answerSpec = { type: 'single_choice', question: 'Which animal?', options: [{ value: 'cat', label: 'Cat' }, { value: 'dog', label: 'Dog' }] };

/** A published project of one microtask under `reviewPolicy`, answered by the first `choices.length` workers. */
async function answeredMicrotask(title: string, reviewPolicy: unknown, choices: string[]) {
  const created = await client('POST', '/projects', { title, answerSpec, reward: { amountMinor: 20 }, redundancy: choices.length, reviewPolicy, reviewerQualification: { qualificationTypeId: typeId, minScore: 50 } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const projectId = created.body.projectId as string;
  const added = await client('POST', `/projects/${projectId}/microtasks`, { microtasks: [{ input: { photo: `${title}.jpg` } }] });
  const microtaskId = added.body.microtaskIds[0] as string;
  expect((await client('POST', `/projects/${projectId}/publish`, {})).status).toBe(200);
  const assignmentIds: string[] = [];
  for (const [i, choice] of choices.entries()) {
    const claim = await workers[i]!.call('POST', `/projects/${projectId}/assignments`, {});
    expect(claim.status, JSON.stringify(claim.body)).toBe(201);
    // The worker sees every stage their answer may go through before answering.
    expect(claim.body.task.reviewPolicy.version).toBe(1);
    const id = claim.body.assignment.assignmentId as string;
    expect((await workers[i]!.call('POST', `/assignments/${id}/submission`, { answer: { choice } })).status).toBe(200);
    assignmentIds.push(id);
  }
  return { projectId, microtaskId, assignmentIds };
}

/** The reviewer claims the project's next review task once the workflow has opened it. */
const claimReviewTask = (projectId: string) =>
  eventually(`a review task of ${projectId}`, async () => {
    const r = await reviewer('POST', `/projects/${projectId}/review-tasks`, {});
    return r.status === 201 ? r.body : r.status === 409 && r.body.error.code === 'no_review_task' ? undefined : expect.fail(JSON.stringify(r.body));
  }, 60_000);

const completed = (projectId: string, microtaskId: string) =>
  eventually(`${microtaskId} completed`, async () => {
    const r = await client('GET', `/projects/${projectId}/microtasks/${microtaskId}`);
    return r.body.status === 'completed' && r.body;
  }, 60_000);

describe('review stages on the local platform', () => {
  it('a reviewer asks for a revision, the worker revises, review resumes and the reviewer approves', async () => {
    const { projectId, microtaskId, assignmentIds } = await answeredMicrotask('revise', { reviewer: { mode: 'always' }, maxRevisions: 1 }, ['cat', 'dog']);
    // A worker of the microtask is not in the pool, and could never review their own answer.
    expect((await workers[0]!.call('POST', `/projects/${projectId}/review-tasks`, {})).body.error.code).toBe('not_a_reviewer');
    const first = await claimReviewTask(projectId);
    expect(first.reviewTask).toMatchObject({ kind: 'reviewer', round: 0 });
    expect(first.answers.map((a: { assignmentId: string }) => a.assignmentId).sort()).toEqual([...assignmentIds].sort());
    for (const w of workers) expect(JSON.stringify(first)).not.toContain(w.sub);

    const decided = await reviewer('POST', `/review-tasks/${first.reviewTask.reviewTaskId}/decision`, {
      verdicts: [
        { assignmentId: assignmentIds[0], verdict: 'ok' },
        { assignmentId: assignmentIds[1], verdict: 'revise', tags: ['wrong_animal'], comment: 'Look at the ears' },
      ],
    });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);

    const asked = await eventually('the revision request', async () => {
      const r = await workers[1]!.call('GET', `/assignments/${assignmentIds[1]}`);
      return r.body.assignment.status === 'revision_requested' && r.body.assignment;
    });
    expect(asked.revision).toMatchObject({ round: 1, tags: ['wrong_animal'], comment: 'Look at the ears' });
    const revised = await workers[1]!.call('POST', `/assignments/${assignmentIds[1]}/revision`, { answer: { choice: 'cat' } });
    expect(revised.status, JSON.stringify(revised.body)).toBe(200);
    expect(revised.body.assignment).toMatchObject({ status: 'submitted', answer: { choice: 'cat' }, previousAnswers: [{ choice: 'dog' }] });

    const second = await claimReviewTask(projectId);
    expect(second.reviewTask).toMatchObject({ kind: 'reviewer', round: 1 });
    const again = await reviewer('POST', `/review-tasks/${second.reviewTask.reviewTaskId}/decision`, {
      verdicts: assignmentIds.map((assignmentId) => ({ assignmentId, verdict: 'ok' })),
    });
    expect(again.status, JSON.stringify(again.body)).toBe(200);

    const result = await completed(projectId, microtaskId);
    expect(result.assignments.map((a: { status: string; decision: { rule: string } }) => [a.status, a.decision.rule])).toEqual([
      ['approved', 'review.approved'],
      ['approved', 'review.approved'],
    ]);
    expect(result.result.review).toMatchObject({ policyVersion: 1, stages: [{ outcome: 'revision_requested', round: 0 }, { outcome: 'decided', round: 1 }] });
  });

  it('a spot check sends an agreed microtask to the reviewer, who overturns consensus', async () => {
    const { projectId, microtaskId, assignmentIds } = await answeredMicrotask('spot', { spotCheckRate: 1 }, ['dog', 'dog']);
    const task = await claimReviewTask(projectId);
    expect(task.reviewTask.kind).toBe('spot_check');
    // A spot check confirms or overturns; it sends nothing back.
    const revise = await reviewer('POST', `/review-tasks/${task.reviewTask.reviewTaskId}/decision`, { verdicts: assignmentIds.map((assignmentId) => ({ assignmentId, verdict: 'revise', tags: ['x'] })) });
    expect(revise.body.error.code).toBe('revision_not_allowed');
    const decided = await reviewer('POST', `/review-tasks/${task.reviewTask.reviewTaskId}/decision`, {
      verdicts: assignmentIds.map((assignmentId) => ({ assignmentId, verdict: 'reject', tags: ['it_is_a_cat'], comment: 'Whiskers and a cat collar' })),
    });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    const result = await completed(projectId, microtaskId);
    for (const a of result.assignments) expect(a).toMatchObject({ status: 'rejected', decision: { rule: 'spot_check.overturned', evidence: { tags: ['it_is_a_cat'], replaced: { outcome: 'approved' } } } });
  });

  it('a client rejects within the window, with evidence the worker sees', async () => {
    const { projectId, microtaskId, assignmentIds } = await answeredMicrotask('reject', { clientAcceptance: { enabled: true, windowSeconds: 3600 } }, ['cat']);
    const evidence = { expected: 'fox', note: 'the tail is bushy' };
    // A rejection without evidence is refused.
    expect((await client('POST', `/projects/${projectId}/microtasks/${microtaskId}/acceptance`, { decision: 'reject', reason: 'A fox' })).status).toBe(400);
    // The client's view says the microtask waits for them, until when, and which answers they may reject.
    const waiting = await eventually('the acceptance window', async () => (await client('GET', `/projects/${projectId}/microtasks/${microtaskId}`)).body.acceptance);
    expect(waiting).toMatchObject({ status: 'awaiting_client', assignmentIds });
    expect(Date.parse(waiting.windowEndsAt)).toBeGreaterThan(Date.now() + 3_000_000);
    const decided = await client('POST', `/projects/${projectId}/microtasks/${microtaskId}/acceptance`, { decision: 'reject', reason: 'It is a fox', evidence });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    const rejected = decided.body;
    expect(rejected.acceptance).toMatchObject({ decision: 'rejected', reason: 'It is a fox', evidence });
    const result = await completed(projectId, microtaskId);
    expect(result.assignments[0]).toMatchObject({ status: 'rejected', decision: { rule: 'client.rejected', evidence: { reason: 'It is a fox', clientEvidence: evidence } } });
    const seen = await workers[0]!.call('GET', `/assignments/${assignmentIds[0]}`);
    expect(seen.body.assignment.decision).toMatchObject({ rule: 'client.rejected', evidence: { clientEvidence: evidence } });
  });

  it('a silent client accepts when the window ends', async () => {
    const { projectId, microtaskId } = await answeredMicrotask('silent', { clientAcceptance: { enabled: true, windowSeconds: 3600 } }, ['cat']);
    const started = Date.now();
    const result = await completed(projectId, microtaskId);
    expect(Date.now() - started).toBeGreaterThanOrEqual(ACCEPTANCE_WINDOW_MS - 1_000);
    expect(result.assignments[0]).toMatchObject({ status: 'approved' });
    expect(result.result.review.acceptance.decision).toBe('auto_accepted');
    // The window is over: a late decision is refused and changes nothing.
    const late = await client('POST', `/projects/${projectId}/microtasks/${microtaskId}/acceptance`, { decision: 'reject', reason: 'late', evidence: { x: 1 } });
    expect(late.status).toBe(409);
  });
});
