import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Keys } from '../../shared/adapters/dynamodb/table-design';
import { newId } from '../../shared/adapters/ids';
import type { TaskTokens } from '../../shared/adapters/messaging';
import type { Deps } from '../../shared/app/deps';
import { addMicrotasksUseCase, createProjectUseCase, getMicrotaskResultUseCase, publishProjectUseCase, setProjectPausedUseCase, updateProjectUseCase } from '../../shared/app/projects';
import { createQualificationTypeUseCase, grantQualificationUseCase } from '../../shared/app/qualifications';
import {
  applyReviewUseCase,
  consensusUseCase,
  finalizeUseCase,
  loadSubmissionsUseCase,
  openAcceptanceUseCase,
  openReviewTaskUseCase,
  requestRevisionUseCase,
  type ReviewState,
} from '../../shared/app/review';
import { claimReviewTaskUseCase, decideAcceptanceUseCase, decideReviewTaskUseCase, reviseAnswerUseCase } from '../../shared/app/review-tasks';
import { claimAssignmentUseCase, getAssignmentUseCase, submitAnswerUseCase } from '../../shared/app/work';
import { autoChecksUseCase } from '../../shared/app/risk';
import { taskFeedUseCase } from '../../shared/app/workers';
import { DomainError } from '../../shared/domain/errors';
import { Entries } from '../../shared/domain/ledger/ledger';
import { escrowFor } from '../../shared/domain/marketplace/project';
import type { HumanReviewResult } from '../../shared/domain/quality/human-review';
import type { ReviewPolicyInput } from '../../shared/domain/quality/review-policy';
import type { Caller } from '../../shared/http/auth';
import { makeDeps } from '../support/deps';
import { startDynamo, type LocalDynamo } from '../support/emulators';
import { asWorker, newProject } from '../support/fixtures';

/**
 * The review workflow's stages on DynamoDB Local, task by task as the state machine calls them,
 * with the HTTP use cases a reviewer, a worker and a client call in between. Task tokens go to a
 * recording sink instead of Step Functions (the local runner's own test covers those).
 */
let dynamo: LocalDynamo;
let deps: Deps;
let tableName: string;
/** Every SendTaskSuccess, in order; tokens listed in `deadTokens` are no longer waited on. */
const sent: { token: string; output: unknown }[] = [];
const deadTokens = new Set<string>();

beforeAll(async () => {
  dynamo = await startDynamo();
  const taskTokens = { succeed: async (token: string, output: unknown) => (deadTokens.has(token) ? false : (sent.push({ token, output }), true)), fail: async () => true } as unknown as TaskTokens;
  tableName = await dynamo.createTable();
  deps = makeDeps(dynamo.client, tableName, { taskTokens: () => taskTokens, reviewWorkflow: () => ({ start: async () => ({ started: true }) }) as never });
});

afterAll(async () => {
  await dynamo?.stop();
});

beforeEach(() => {
  sent.length = 0;
});

const code = async (p: Promise<unknown>) => p.then(() => 'ok', (e) => (e instanceof DomainError ? e.code : String(e)));
const clientOf = (orgId: string): Caller => ({ userId: orgId, orgId, groups: ['clients'] });

/** A published project of one microtask with a reviewer pool of one qualified reviewer; each worker answers. */
async function reviewedMicrotask(policy: ReviewPolicyInput, answers: Record<string, string>) {
  const orgId = newId('org');
  const redundancy = Object.keys(answers).length;
  await deps.ledger.post(Entries.topUp(orgId, escrowFor({ rewardMinor: 15, feeBasisPoints: 1_000, redundancy }, 1), { entryId: newId('t'), currency: 'EUR', createdAt: deps.now() }));
  const type = await createQualificationTypeUseCase(deps, clientOf(orgId), { name: 'Reviewer', description: '', platform: false });
  const { projectId } = await createProjectUseCase(deps, orgId, newProject({ redundancy, reviewPolicy: policy, reviewerQualification: { qualificationTypeId: type.qualificationTypeId, minScore: 50 } }));
  const { microtaskIds } = await addMicrotasksUseCase(deps, orgId, projectId, [{ input: { photo: 'p.jpg' } }], 'b');
  await publishProjectUseCase(deps, orgId, projectId);
  const reviewer = newId('w');
  await grantQualificationUseCase(deps, clientOf(orgId), type.qualificationTypeId, reviewer, { score: 80 });
  const assignments: Record<string, string> = {};
  for (const [worker, choice] of Object.entries(answers)) {
    const c = await claimAssignmentUseCase(deps, worker, projectId);
    await submitAnswerUseCase(deps, worker, c.assignment.assignmentId, { answer: { choice }, timeSpentMs: 30_000 }, {});
    assignments[worker] = c.assignment.assignmentId;
  }
  return { orgId, projectId, microtaskId: microtaskIds[0]!, reviewer, assignments };
}

/** LoadSubmissions → Consensus, as the workflow runs them (the draw decides samples and spot checks). */
async function throughConsensus(state: ReviewState, draw = () => 0.99) {
  return consensusUseCase(await loadSubmissionsUseCase(deps, state), draw);
}

/** The human stage: its task opens, the reviewer claims and decides, and the token's output becomes `$.humanReview`. */
async function humanStage(state: ReviewState, reviewer: string, kind: 'reviewer' | 'spot_check', verdicts: (ids: string[]) => Parameters<typeof decideReviewTaskUseCase>[3]) {
  const token = `tok-${newId('t')}`;
  const { reviewTaskId } = await openReviewTaskUseCase(deps, { taskToken: token, state, kind, attempt: 0 });
  const claimed = await claimReviewTaskUseCase(deps, reviewer, state.projectId!);
  expect(claimed.reviewTask.reviewTaskId).toBe(reviewTaskId);
  await decideReviewTaskUseCase(deps, reviewer, reviewTaskId, verdicts(claimed.answers.map((a) => a.assignmentId)));
  const output = sent.find((s) => s.token === token)!.output as HumanReviewResult;
  return { claimed, state: { ...state, humanReview: output } };
}

describe('the reviewer stage', () => {
  it('offers the answers to the pool without identities; a revision goes back to its worker, review resumes and approves', async () => {
    const ann = newId('w');
    const bob = newId('w');
    const { projectId, microtaskId, reviewer, assignments } = await reviewedMicrotask({ reviewer: { mode: 'always' }, maxRevisions: 1 }, { [ann]: 'cat', [bob]: 'dog' });
    let state = await throughConsensus({ microtaskId });
    expect(state.route).toMatchObject({ reviewer: true, reasons: ['always'] });
    expect(state.policy!.version).toBe(1);

    await openReviewTaskUseCase(deps, { taskToken: 'tok-first', state, kind: 'reviewer', attempt: 0 });
    // A worker of the microtask never reviews it; someone outside the pool never claims at all.
    expect(await code(claimReviewTaskUseCase(deps, ann, projectId))).toBe('not_a_reviewer');
    expect(await code(claimReviewTaskUseCase(deps, newId('w'), projectId))).toBe('not_a_reviewer');
    const claimed = await claimReviewTaskUseCase(deps, reviewer, projectId);
    expect(claimed.answers.map((a) => [a.assignmentId, a.answer]).sort()).toEqual([
      [assignments[ann], { choice: 'cat' }],
      [assignments[bob], { choice: 'dog' }],
    ].sort());
    expect(claimed.microtask.input).toEqual({ photo: 'p.jpg' });
    expect(JSON.stringify(claimed)).not.toContain(ann);
    expect(JSON.stringify(claimed)).not.toContain(bob);
    // Claimed once: nobody else gets it.
    expect(await code(claimReviewTaskUseCase(deps, reviewer, projectId))).toBe('no_review_task');

    const id = claimed.reviewTask.reviewTaskId;
    // Another reviewer cannot decide it; a decision must cover every answer.
    expect(await code(decideReviewTaskUseCase(deps, newId('w'), id, []))).toBe('review_task_not_found');
    expect(await code(decideReviewTaskUseCase(deps, reviewer, id, [{ assignmentId: assignments[ann]!, verdict: 'ok', tags: [] }]))).toBe('validation_failed');
    const verdicts = [
      { assignmentId: assignments[ann]!, verdict: 'ok' as const, tags: [] },
      { assignmentId: assignments[bob]!, verdict: 'revise' as const, tags: ['wrong_animal'], comment: 'Look at the ears again' },
    ];
    await decideReviewTaskUseCase(deps, reviewer, id, verdicts);
    expect(sent).toEqual([{ token: 'tok-first', output: { kind: 'reviewer', outcome: 'decided', reviewTaskId: id, verdicts } }]);
    // A retried decision answers the same; a different one is refused.
    await decideReviewTaskUseCase(deps, reviewer, id, verdicts);
    expect(await code(decideReviewTaskUseCase(deps, reviewer, id, verdicts.map((v) => ({ ...v, verdict: 'ok' as const }))))).toBe('review_task_not_open');

    state = await applyReviewUseCase(deps, { ...state, humanReview: sent[0]!.output as HumanReviewResult });
    expect(state.revision).toEqual({ requested: true, assignmentIds: [assignments[bob]] });
    expect(state.revisionRound).toBe(1);
    await requestRevisionUseCase(deps, { taskToken: 'tok-revision', state });
    const asked = await getAssignmentUseCase(deps, asWorker(bob), assignments[bob]!);
    expect(asked.assignment).toMatchObject({ status: 'revision_requested', revision: { round: 1, tags: ['wrong_animal'], comment: 'Look at the ears again' } });
    // Only the worker asked may revise, once, and the answer is checked like a submission.
    expect(await code(reviseAnswerUseCase(deps, ann, assignments[ann]!, { answer: { choice: 'cat' } }))).toBe('revision_not_requested');
    expect(await code(reviseAnswerUseCase(deps, bob, assignments[bob]!, { answer: { choice: 'cow' } }))).toBe('invalid_answer');
    const revised = await reviseAnswerUseCase(deps, bob, assignments[bob]!, { answer: { choice: 'cat' } });
    expect(revised.assignment).toMatchObject({ status: 'submitted', answer: { choice: 'cat' }, previousAnswers: [{ choice: 'dog' }] });
    expect(sent.at(-1)).toEqual({ token: 'tok-revision', output: { revised: true, round: 1 } });

    // Review resumes from LoadSubmissions: a reviewer looks again, and may not ask for another revision.
    state = await throughConsensus(state);
    expect(state.route).toMatchObject({ reviewer: true, reasons: ['revision'] });
    expect(state.consensus).toMatchObject({ decided: true, confidence: 1 });
    const second = await humanStage(state, reviewer, 'reviewer', (ids) => ids.map((assignmentId) => ({ assignmentId, verdict: 'ok', tags: [] })));
    expect(second.claimed.reviewTask.round).toBe(1);
    expect(second.claimed.answers.find((a) => a.assignmentId === assignments[bob])).toMatchObject({ answer: { choice: 'cat' }, previousAnswers: [{ choice: 'dog' }] });
    state = await applyReviewUseCase(deps, second.state);
    expect(state.revision!.requested).toBe(false);
    await finalizeUseCase(deps, state);

    const result = await getMicrotaskResultUseCase(deps, (await deps.marketplace.getProject(projectId))!.orgId, projectId, microtaskId);
    expect(result.assignments.map((a) => [a.status, a.decision!.rule])).toEqual([
      ['approved', 'review.approved'],
      ['approved', 'review.approved'],
    ]);
    expect(result.result!.review).toMatchObject({ policyVersion: 1, stages: [{ kind: 'reviewer', outcome: 'revision_requested', round: 0 }, { kind: 'reviewer', outcome: 'decided', round: 1 }] });
  });

  it('refuses a revision beyond maxRevisions, and tells a reviewer whose decision came after the timeout', async () => {
    const { microtaskId, reviewer, assignments } = await reviewedMicrotask({ reviewer: { mode: 'always' }, maxRevisions: 0 }, { [newId('w')]: 'cat' });
    const state = await throughConsensus({ microtaskId });
    await openReviewTaskUseCase(deps, { taskToken: 'tok-late', state, kind: 'reviewer', attempt: 0 });
    const claimed = await claimReviewTaskUseCase(deps, reviewer, state.projectId!);
    const [assignmentId] = Object.values(assignments);
    expect(await code(decideReviewTaskUseCase(deps, reviewer, claimed.reviewTask.reviewTaskId, [{ assignmentId: assignmentId!, verdict: 'revise', tags: ['x'] }]))).toBe('revisions_exhausted');
    deadTokens.add('tok-late');
    expect(await code(decideReviewTaskUseCase(deps, reviewer, claimed.reviewTask.reviewTaskId, [{ assignmentId: assignmentId!, verdict: 'ok', tags: [] }]))).toBe('review_task_expired');
    expect((await deps.reviews.getReviewTask(claimed.reviewTask.reviewTaskId))!.status).toBe('expired');
  });

  it('a timed-out stage withdraws its offers and leaves consensus standing', async () => {
    const { microtaskId, reviewer, projectId } = await reviewedMicrotask({ reviewer: { mode: 'always' } }, { [newId('w')]: 'cat', [newId('w')]: 'cat' });
    const state = await throughConsensus({ microtaskId });
    await openReviewTaskUseCase(deps, { taskToken: 'tok-a0', state, kind: 'reviewer', attempt: 0 });
    await openReviewTaskUseCase(deps, { taskToken: 'tok-a1', state, kind: 'reviewer', attempt: 1 });
    const after = await applyReviewUseCase(deps, { ...state, humanReview: { kind: 'reviewer', outcome: 'timed_out' } });
    expect(after.decisions).toEqual(state.decisions);
    expect(after.stages).toEqual([{ kind: 'reviewer', outcome: 'timed_out', round: 0 }]);
    expect(await code(claimReviewTaskUseCase(deps, reviewer, projectId))).toBe('no_review_task');
  });
});

describe('automatic checks', () => {
  it("apply the rules to each assignment's stored risk: a rejected answer stays out of the aggregate, a flagged one brings a reviewer", async () => {
    const [ann, bob, cy] = [newId('w'), newId('w'), newId('w')];
    const { microtaskId, assignments } = await reviewedMicrotask({ autoChecks: true, reviewer: { mode: 'on_disagreement' } }, { [ann]: 'dog', [bob]: 'cat', [cy]: 'cat' });
    // What the risk module stores at submit time: the signals measured, each with its weight.
    const signal = (code: string, weight: number) => ({ code, weight, reason: code, evidence: {} });
    const storeRisk = (assignmentId: string, signals: ReturnType<typeof signal>[]) =>
      dynamo.client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: Keys.assignment(assignmentId),
          UpdateExpression: 'SET risk = :r',
          ExpressionAttributeValues: { ':r': { score: signals.reduce((n, s) => n + s.weight, 0), signals, computedAt: deps.now() } },
        }),
      );
    // Answered at once by the test, every submission measured too fast: ann's is set clean.
    await storeRisk(assignments[ann]!, []);
    await storeRisk(assignments[bob]!, [signal('media.duplicate', 100)]);
    await storeRisk(assignments[cy]!, [signal('time.too_fast', 35)]);
    const loaded = await loadSubmissionsUseCase(deps, { microtaskId });
    const checked = autoChecksUseCase(loaded);
    expect(checked.autoChecks).toEqual({
      rejected: [{ assignmentId: assignments[bob], decision: { outcome: 'rejected', rule: 'autocheck.signal_rejects', evidence: { score: 100, signals: [signal('media.duplicate', 100)] } } }],
      flagged: [{ assignmentId: assignments[cy], rule: 'autocheck.score_at_flag_threshold', score: 35, signals: ['time.too_fast'] }],
    });
    const state = consensusUseCase(checked);
    // Without bob's answer the crowd is split 1:1 (dog, cat): nobody is rejected for disagreeing, bob is rejected by the checks.
    expect(state.consensus!.decided).toBe(false);
    expect(state.decisions!.find((d) => d.assignmentId === assignments[bob])!.decision).toMatchObject({ outcome: 'rejected', rule: 'autocheck.signal_rejects' });
    expect(state.route).toMatchObject({ reviewer: true, reasons: ['auto_check_flag'] });
  });
});

describe('spot checks', () => {
  it('send a drawn microtask to a reviewer whatever consensus said, and the reviewer overturns it', async () => {
    const ann = newId('w');
    const bob = newId('w');
    const { projectId, microtaskId, reviewer, assignments, orgId } = await reviewedMicrotask({ spotCheckRate: 0.3 }, { [ann]: 'dog', [bob]: 'dog' });
    let state = await throughConsensus({ microtaskId }, () => 0.1);
    expect(state.route).toEqual({ reviewer: false, spotCheck: true, reasons: ['spot_check'] });
    expect(state.decisions!.every((d) => d.decision.outcome === 'approved')).toBe(true);
    const checked = await humanStage(state, reviewer, 'spot_check', (ids) => ids.map((assignmentId) => ({ assignmentId, verdict: assignmentId === assignments[ann] ? 'reject' : 'ok', tags: ['cat_not_dog'] })));
    expect(checked.claimed.reviewTask.kind).toBe('spot_check');
    state = await applyReviewUseCase(deps, checked.state);
    await finalizeUseCase(deps, state);
    const result = await getMicrotaskResultUseCase(deps, orgId, projectId, microtaskId);
    const byId = new Map(result.assignments.map((a) => [a.assignmentId, a]));
    expect(byId.get(assignments[ann]!)).toMatchObject({ status: 'rejected', decision: { rule: 'spot_check.overturned', evidence: { tags: ['cat_not_dog'], replaced: { outcome: 'approved' } } } });
    expect(byId.get(assignments[bob]!)).toMatchObject({ status: 'approved', decision: { rule: 'spot_check.confirmed' } });
  });
});

describe('client acceptance', () => {
  it('a client rejection within the window rejects the approved answers with its reason and evidence', async () => {
    const ann = newId('w');
    const { projectId, microtaskId, assignments, orgId } = await reviewedMicrotask({ clientAcceptance: { enabled: true, windowSeconds: 3600 } }, { [ann]: 'cat' });
    let state = await throughConsensus({ microtaskId });
    await deps.marketplace.setMicrotaskStatus(microtaskId, ['open'], 'reviewing');
    await openAcceptanceUseCase(deps, { taskToken: 'tok-client', state });
    expect(await getMicrotaskResultUseCase(deps, orgId, projectId, microtaskId)).toMatchObject({ status: 'reviewing', acceptance: { status: 'awaiting_client', assignmentIds: [assignments[ann]] } });
    const body = { decision: 'reject' as const, reason: 'It is a fox', evidence: { expected: 'fox', source: 'zoo label' } };
    // Only the project's client, and only the microtask's approved answers.
    expect(await code(decideAcceptanceUseCase(deps, newId('org'), projectId, microtaskId, body))).toBe('project_not_found');
    expect(await code(decideAcceptanceUseCase(deps, orgId, projectId, microtaskId, { ...body, assignmentIds: [newId('asg')] }))).toBe('validation_failed');
    const decided = await decideAcceptanceUseCase(deps, orgId, projectId, microtaskId, body);
    expect(decided.acceptance).toMatchObject({ decision: 'rejected', reason: 'It is a fox', evidence: body.evidence });
    expect(sent).toEqual([{ token: 'tok-client', output: decided.acceptance }]);
    expect(await code(decideAcceptanceUseCase(deps, orgId, projectId, microtaskId, { decision: 'accept' }))).toBe('acceptance_closed');

    state = { ...state, acceptance: decided.acceptance };
    await finalizeUseCase(deps, state);
    const result = await getMicrotaskResultUseCase(deps, orgId, projectId, microtaskId);
    expect(result.assignments[0]).toMatchObject({ assignmentId: assignments[ann], status: 'rejected', decision: { rule: 'client.rejected', evidence: { reason: 'It is a fox', clientEvidence: body.evidence } } });
    expect(result.result!.review!.acceptance).toMatchObject({ decision: 'rejected', reason: 'It is a fox' });
  });

  it('the end of the window accepts: the record says so and the answers are paid', async () => {
    const { projectId, microtaskId, orgId } = await reviewedMicrotask({ clientAcceptance: { enabled: true } }, { [newId('w')]: 'cat' });
    const state = await throughConsensus({ microtaskId });
    await openAcceptanceUseCase(deps, { taskToken: 'tok-silent', state });
    await finalizeUseCase(deps, { ...state, acceptance: { decision: 'auto_accepted' } });
    expect((await deps.reviews.getAcceptance(microtaskId))!).toMatchObject({ status: 'decided', decision: { decision: 'auto_accepted' } });
    const result = await getMicrotaskResultUseCase(deps, orgId, projectId, microtaskId);
    expect(result.assignments[0]!.status).toBe('approved');
    expect(result.result!.review!.acceptance!.decision).toBe('auto_accepted');
  });
});

describe('review policy versions', () => {
  it('a change while paused is the next version, shown in the feed; a published project refuses one', async () => {
    const orgId = newId('org');
    await deps.ledger.post(Entries.topUp(orgId, 10_000, { entryId: newId('t'), currency: 'EUR', createdAt: deps.now() }));
    const { projectId } = await createProjectUseCase(deps, orgId, newProject({ redundancy: 1 }));
    await addMicrotasksUseCase(deps, orgId, projectId, [{ input: { i: 1 } }], 'b');
    await publishProjectUseCase(deps, orgId, projectId);
    expect(await code(updateProjectUseCase(deps, orgId, projectId, { reviewPolicy: { spotCheckRate: 0.1 } }))).toBe('review_policy_locked');
    await setProjectPausedUseCase(deps, orgId, projectId, true);
    const updated = await updateProjectUseCase(deps, orgId, projectId, { reviewPolicy: { spotCheckRate: 0.1, clientAcceptance: { enabled: true, windowSeconds: 7200 } } });
    expect(updated.reviewPolicy).toMatchObject({ version: 2, spotCheckRate: 0.1, clientAcceptance: { enabled: true, windowSeconds: 7200 } });
    await setProjectPausedUseCase(deps, orgId, projectId, false);
    const worker = newId('w');
    const feed = await taskFeedUseCase(deps, worker, 50);
    expect(feed.items.find((i) => i.projectId === projectId)!.reviewPolicy).toMatchObject({ version: 2, spotCheckRate: 0.1, clientAcceptance: { windowSeconds: 7200, autoAccept: true } });
    const claim = await claimAssignmentUseCase(deps, worker, projectId);
    expect(claim.task.reviewPolicy).toMatchObject({ version: 2 });
  });
});
