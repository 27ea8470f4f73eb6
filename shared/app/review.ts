import { derivedId } from '../adapters/ids';
import { notFound } from '../domain/errors';
import { Entries } from '../domain/ledger/ledger';
import type { Answer, AnswerSpec } from '../domain/marketplace/answer-spec';
import type { ReviewDecision } from '../domain/marketplace/assignment';
import { allAnswersIn, reviewExecutionName, type Microtask } from '../domain/marketplace/microtask';
import { settleApproved, type PayTier } from '../domain/marketplace/pricing';
import { costPerAssignment } from '../domain/marketplace/project';
import { holdReleaseAt } from '../domain/payouts/payouts';
import { reviewByConsensus, type ConsensusOutcome, type SubmittedAnswer } from '../domain/quality/consensus-review';
import { GOLD_MATCHED, isGoldRule, reviewByGold } from '../domain/quality/gold-review';
import { autoCheckRejections, type AutoCheckStageOutcome } from '../domain/quality/auto-checks';
import type { SubmissionRisk } from '../domain/quality/risk';
import { applyClientAcceptance, applyHumanReview, type ClientAcceptance, type HumanReviewResult, type PendingDecision, type ReviewKind } from '../domain/quality/human-review';
import { reviewPolicyOf, routeStages, type ReviewPolicy, type StageRoute } from '../domain/quality/review-policy';
import type { Deps } from './deps';
import { riskForReview } from './risk';
import { enforceGoldPolicyUseCase } from './gold-policy';
import { GOLD_POLICY_PREFIX } from '../domain/quality/gold-policy';
import { reputationFor } from './workers';
import { completeProjectIfDone } from './projects';

/** State passed between the review workflow's tasks (JSONPath, each task returns the whole state). */
export interface ReviewState {
  microtaskId: string;
  projectId?: string;
  /** The project's spec, so the Consensus task (which reads nothing) knows how to aggregate; dropped after it. */
  answerSpec?: AnswerSpec;
  /** With each answer after LoadSubmissions; without it after Consensus, which has used them. */
  answers?: (Omit<SubmittedAnswer, 'answer'> & { answer?: SubmittedAnswer['answer']; submittedAt?: string; risk?: SubmissionRisk })[];
  /**
   * A gold microtask's expected answer, from LoadSubmissions to Consensus (which decides by it
   * instead of by the crowd); dropped after it. The state is the platform's, never a worker's.
   */
  gold?: { answer: Answer };
  /** Set by LoadSubmissions when the project has adaptive redundancy (and this is no gold microtask): the workflow then asks OpenAnotherSlot before finalizing. */
  adaptive?: true;
  consensus?: ConsensusOutcome;
  decisions?: { assignmentId: string; decision: Omit<ReviewDecision, 'decidedAt'> }[];
  applied?: { approved: number; rejected: number };
  /** The project's review policy when this review started: the Choice states read it, the result records its version. */
  policy?: ReviewPolicy;
  /** 0, then one more for each revision round a reviewer opened. */
  revisionRound?: number;
  /** What the AutoChecks stage found: rejected answers do not vote; flagged ones go to a reviewer where the project has them. */
  autoChecks?: AutoCheckStageOutcome;
  /** The human stages this microtask goes through (set by Consensus). */
  route?: StageRoute;
  /** What a human stage's task token brought back; folded into the decisions by ApplyReview. */
  humanReview?: HumanReviewResult;
  /** Set by ApplyReview: whether the reviewer sent answers back for revision. */
  revision?: { requested: boolean; assignmentIds: string[] };
  /** The human stages so far, for the result. */
  stages?: { kind: ReviewKind; outcome: string; reviewTaskId?: string; round: number }[];
  /** The client's word (or the window's end) from the ClientAcceptance stage. */
  acceptance?: ClientAcceptance;
}

/** What a task-token state hands its function: the token to store and the whole state. */
export interface TaskTokenInput {
  taskToken: string;
  state: ReviewState;
  kind?: ReviewKind;
  attempt?: number;
}

/** Consumer side of the submission queue: once every slot of a microtask is answered, start its review (once). */
export async function onSubmissionUseCase(deps: Deps, msg: { microtaskId: string }) {
  const m = await deps.marketplace.getMicrotask(msg.microtaskId, true);
  if (!m) return { started: false, reason: 'unknown microtask' };
  return startReviewWhenComplete(deps, m);
}

/** Starts the microtask's review once every slot is answered (or released by a cancellation), once. */
export async function startReviewWhenComplete(deps: Deps, m: Microtask) {
  if (m.status !== 'open' || !allAnswersIn(m)) return { started: false, reason: `${m.submittedCount}/${m.redundancy} answers, status ${m.status}` };
  // The execution name (one per round of answers) makes the start idempotent; the status change only reports it.
  const { started } = await deps.reviewWorkflow().start(reviewExecutionName(m), { microtaskId: m.microtaskId });
  // For this round only: should the review have opened another slot already, the microtask stays open for it.
  await deps.marketplace.setMicrotaskStatus(m.microtaskId, ['open'], 'reviewing', { redundancy: m.redundancy });
  return { started, reason: started ? 'review started' : 'review already running' };
}

/**
 * After slots of a cancelled project's microtask were released: with no answer at all it is
 * cancelled; otherwise its review starts as soon as the answers still expected are in.
 */
export async function afterSlotsReleased(deps: Deps, m: Microtask) {
  if (m.status !== 'open') return;
  if (m.submittedCount === 0 && (m.releasedSlots ?? 0) >= m.redundancy) await deps.marketplace.setMicrotaskStatus(m.microtaskId, ['open'], 'cancelled');
  else await startReviewWhenComplete(deps, m);
}

/**
 * Reads the microtask, its answers and its gold answer, and the project's review policy. After a
 * revision round it runs again: any answer whose worker did not revise in time returns to
 * `submitted` with its first answer, and the policy, round and stages so far are carried over.
 */
export async function loadSubmissionsUseCase(deps: Deps, state: ReviewState): Promise<ReviewState> {
  const m = await deps.marketplace.getMicrotask(state.microtaskId, true);
  if (!m) throw notFound('microtask', state.microtaskId);
  const project = await deps.marketplace.getProject(m.projectId);
  if (!project) throw notFound('project', m.projectId);
  const [assignments, gold] = await Promise.all([deps.marketplace.listAssignmentsOfMicrotask(m.microtaskId), deps.marketplace.getGold(m.microtaskId, true)]);
  for (const a of assignments.filter((x) => x.status === 'revision_requested')) await deps.reviews.closeRevision(a.assignmentId);
  const answers = assignments
    // An answer a gold policy rejected before review (its worker failed the project's gold) does not count.
    .filter((a) => a.answer && a.status !== 'claimed' && !a.decision?.rule.startsWith(GOLD_POLICY_PREFIX))
    .map((a) => ({
      assignmentId: a.assignmentId,
      workerId: a.workerId,
      answer: a.answer!,
      timeSpentMs: a.submissionContext?.timeSpentMs ?? 0,
      secondsToSubmit: a.submittedAt ? (Date.parse(a.submittedAt) - Date.parse(a.claimedAt)) / 1000 : undefined,
      // Finalize measures the client's time to decide from it.
      ...(a.submittedAt ? { submittedAt: a.submittedAt } : {}),
      ...(a.risk ? { risk: riskForReview(a.risk) } : {}),
    }));
  return {
    microtaskId: m.microtaskId,
    projectId: m.projectId,
    answerSpec: project.answerSpec,
    answers,
    ...(gold ? { gold: { answer: gold.answer } } : {}),
    policy: state.policy ?? reviewPolicyOf(project),
    revisionRound: state.revisionRound ?? 0,
    stages: state.stages ?? [],
    ...(project.adaptiveRedundancy && !gold ? { adaptive: true as const } : {}),
  };
}

/**
 * Decides by gold or by consensus at the policy's agreement threshold, leaving out answers the
 * automatic checks rejected, then chooses the human stages that follow (`draw` for the policy's
 * samples). Pure: everything it needs is in the state.
 */
export function consensusUseCase(state: ReviewState, draw: () => number = Math.random): ReviewState {
  if (!state.answerSpec) throw new Error('the review state has no answerSpec: LoadSubmissions did not run');
  const policy = state.policy ?? reviewPolicyOf({});
  const autoRejected = autoCheckRejections(state.autoChecks);
  const excluded = new Set(autoRejected.map((r) => r.assignmentId));
  const answers = (state.answers ?? []).map((a) => {
    if (a.answer === undefined) throw new Error(`assignment ${a.assignmentId} reached Consensus without its answer`);
    return { ...a, answer: a.answer };
  });
  const judged = answers.filter((a) => !excluded.has(a.assignmentId));
  // A gold microtask is decided by the client's expected answer; any other by the crowd.
  const review = !judged.length
    ? { outcome: NO_ANSWERS_LEFT, decisions: [] }
    : state.gold
      ? reviewByGold(state.answerSpec, state.gold.answer, judged)
      : reviewByConsensus(state.answerSpec, judged, { agreementThreshold: policy.consensus.agreementThreshold });
  const flags = new Map((state.autoChecks?.flagged ?? []).map((f) => [f.assignmentId, f]));
  // With every answer rejected by the checks there is nothing left for a human to judge.
  const route = judged.length
    ? routeStages(policy, review.outcome, { gold: !!state.gold, revisionRound: state.revisionRound ?? 0, flagged: (state.autoChecks?.flagged.length ?? 0) > 0, draw })
    : { reviewer: false, spotCheck: false, reasons: [] };
  // Finalize needs who answered and for how long, not the answers again (state payloads are capped).
  // The risks too: with the AutoChecks stage off they are still in the state, and nothing after reads them.
  const slimAnswers = answers.map(({ answer: _answer, risk: _risk, ...rest }) => rest);
  const { answerSpec: _spec, gold: _gold, ...rest } = state;
  // A flagged answer is still decided by the crowd (or a reviewer); its decision says which check flagged it.
  const decisions = review.decisions.map((d) => {
    const f = flags.get(d.assignmentId);
    return f ? { ...d, decision: { ...d.decision, evidence: { ...d.decision.evidence, autoCheck: { verdict: 'flag', rule: f.rule, score: f.score, signals: f.signals } } } } : d;
  });
  return { ...rest, answers: slimAnswers, consensus: review.outcome, decisions: [...decisions, ...autoRejected], route, revision: { requested: false, assignmentIds: [] } };
}

/** Nothing left to aggregate: every answer was rejected by an automatic check. */
const NO_ANSWERS_LEFT: ConsensusOutcome = { answer: null, confidence: 0, method: 'none', decided: false, details: { reason: 'every answer was rejected by an automatic check' } };

/** The review task of a stage, named by what it is: a retried open writes the same task. */
export const reviewTaskIdOf = (microtaskId: string, kind: ReviewKind, round: number, attempt: number) => derivedId('rvt', microtaskId, kind, String(round), String(attempt));

/**
 * ReviewerStage, ReofferReview and SpotCheck (task-token states): offers the microtask's answers
 * to the reviewer pool and stores the token the reviewer's decision resumes the workflow with.
 * Offering again withdraws the first offer. Answers the automatic checks rejected are not offered.
 */
export async function openReviewTaskUseCase(deps: Deps, input: TaskTokenInput): Promise<{ reviewTaskId: string }> {
  const { state, taskToken } = input;
  const kind = input.kind ?? 'reviewer';
  const attempt = input.attempt ?? 0;
  const round = state.revisionRound ?? 0;
  const policy = state.policy ?? reviewPolicyOf({});
  if (attempt > 0) await deps.reviews.expireReviewTask(reviewTaskIdOf(state.microtaskId, kind, round, attempt - 1));
  const autoRejected = new Set((state.autoChecks?.rejected ?? []).map((r) => r.assignmentId));
  const answers = (state.answers ?? []).filter((a) => !autoRejected.has(a.assignmentId));
  const now = deps.now();
  const reviewTaskId = reviewTaskIdOf(state.microtaskId, kind, round, attempt);
  await deps.reviews.openReviewTask({
    reviewTaskId,
    projectId: state.projectId!,
    microtaskId: state.microtaskId,
    kind,
    round,
    attempt,
    status: 'open',
    assignmentIds: answers.map((a) => a.assignmentId),
    // Every worker of the microtask, offered answers or not: nobody reviews the microtask they answered.
    excludedReviewers: [...new Set((state.answers ?? []).map((a) => a.workerId))],
    policyVersion: policy.version,
    maxRevisions: policy.maxRevisions,
    taskToken,
    createdAt: now,
    expiresAt: new Date(Date.parse(now) + policy.reviewer.timeoutSeconds * 1000).toISOString(),
  });
  return { reviewTaskId };
}

/**
 * ApplyReview and ApplySpotCheck: folds what the human stage brought back into the decisions and
 * says whether a revision round opens. A stage that timed out withdraws its task and leaves
 * consensus's decisions standing.
 */
export async function applyReviewUseCase(deps: Deps, state: ReviewState): Promise<ReviewState> {
  const review = state.humanReview;
  if (!review) throw new Error('ApplyReview ran without a human review in the state');
  const round = state.revisionRound ?? 0;
  if (review.outcome === 'timed_out') {
    for (const attempt of [0, 1]) await deps.reviews.expireReviewTask(reviewTaskIdOf(state.microtaskId, review.kind, round, attempt));
  }
  const applied = applyHumanReview((state.decisions ?? []) as PendingDecision[], review, state.policy?.version ?? 1);
  const { humanReview: _done, ...rest } = state;
  const stages = [...(state.stages ?? []), { kind: review.kind, outcome: applied.revise.length ? 'revision_requested' : review.outcome, ...(review.reviewTaskId ? { reviewTaskId: review.reviewTaskId } : {}), round }];
  return {
    ...rest,
    decisions: applied.decisions,
    stages,
    revision: { requested: applied.revise.length > 0, assignmentIds: applied.revise },
    // A revision opens the next round: its review task and revision record are named by it.
    revisionRound: applied.revise.length ? round + 1 : round,
    // The verdicts travel to RequestRevision, which hands each worker their reviewer's words.
    ...(applied.revise.length ? { humanReview: review } : {}),
  };
}

/**
 * RequestRevision (task-token state): sends each named answer back to its worker with the
 * reviewer's tags and comment and a deadline, and stores the token that the last revision (or the
 * deadline) resumes the workflow with. The next round starts from LoadSubmissions.
 */
export async function requestRevisionUseCase(deps: Deps, input: TaskTokenInput): Promise<{ round: number }> {
  const { state, taskToken } = input;
  const policy = state.policy ?? reviewPolicyOf({});
  // ApplyReview already counted the round this revision opens.
  const round = state.revisionRound ?? 1;
  const ids = state.revision?.assignmentIds ?? [];
  const now = deps.now();
  const deadline = new Date(Date.parse(now) + policy.reviewer.revisionSeconds * 1000).toISOString();
  const verdicts = new Map((state.humanReview?.verdicts ?? []).map((v) => [v.assignmentId, v]));
  await deps.reviews.openRevision(
    { microtaskId: state.microtaskId, reviewTaskId: state.humanReview?.reviewTaskId ?? '', round, taskToken, pending: ids, deadline },
    ids.map((assignmentId) => {
      const v = verdicts.get(assignmentId);
      return { assignmentId, revision: { round, requestedAt: now, deadline, tags: v?.tags ?? [], ...(v?.comment ? { comment: v.comment } : {}) } };
    }),
  );
  return { round };
}

/**
 * ClientAcceptance (task-token state): opens the client's window on the decided answers, with the
 * token that the client's decision resumes the workflow with; at the window's end it accepts.
 */
export async function openAcceptanceUseCase(deps: Deps, input: TaskTokenInput): Promise<{ windowEndsAt: string }> {
  const { state, taskToken } = input;
  const policy = state.policy ?? reviewPolicyOf({});
  const project = await deps.marketplace.getProject(state.projectId!);
  if (!project) throw notFound('project', state.projectId!);
  const now = deps.now();
  const windowEndsAt = new Date(Date.parse(now) + policy.clientAcceptance.windowSeconds * 1000).toISOString();
  await deps.reviews.openAcceptance({
    microtaskId: state.microtaskId,
    projectId: project.projectId,
    orgId: project.orgId,
    taskToken,
    status: 'open',
    openedAt: now,
    windowEndsAt,
    policyVersion: policy.version,
    assignmentIds: (state.decisions ?? []).filter((d) => d.decision.outcome === 'approved').map((d) => d.assignmentId),
  });
  return { windowEndsAt };
}

/**
 * Applies every decision with its money movement, then records the microtask's result. Safe to
 * retry: every write is conditional or an idempotent ledger entry. An approval pays the reward of
 * the worker's tier and returns what the slot reserved beyond it in the same entry; each automatic
 * bonus the answer earned is its own entry, so the worker's statement gives each its reason.
 */
export async function finalizeUseCase(deps: Deps, state: ReviewState): Promise<ReviewState> {
  const project = await deps.marketplace.getProject(state.projectId!);
  if (!project) throw notFound('project', state.projectId!);
  const now = deps.now();
  const reserved = costPerAssignment(project).totalMinor;
  // LoadSubmissions read every assignment; its answers carry the worker ids, so nothing is read again.
  const answerOf = new Map((state.answers ?? []).map((a) => [a.assignmentId, a]));
  let approved = 0;
  let rejected = 0;
  if (state.acceptance?.decision === 'auto_accepted') await deps.reviews.autoAccept(state.microtaskId, now);
  const decisions = applyClientAcceptance((state.decisions ?? []) as PendingDecision[], state.acceptance);
  for (const { assignmentId, decision } of decisions) {
    const answer = answerOf.get(assignmentId);
    if (!answer) continue;
    const { workerId } = answer;
    const meta = { entryId: `review:${assignmentId}`, currency: project.currency, createdAt: now, refs: { assignmentId, projectId: project.projectId } };
    const isApproval = decision.outcome === 'approved';
    const held = isApproval && deps.settings.holdPeriodHours > 0;
    // The tier when the answer is decided (before this decision counts); read only when the project pays by tier.
    const tier: PayTier = project.tierPay ? (await reputationFor(deps, workerId)).tier : 'bronze';
    // An accuracy bonus needs a consensus the answer was with, not the benefit of the doubt.
    const agreed = state.consensus?.decided === true && decision.rule.startsWith('consensus.') && decision.rule !== 'consensus.no_consensus_benefit_of_doubt';
    const settlement = isApproval
      ? settleApproved(project, { tier, agreement: agreed ? state.consensus!.confidence : null, secondsToSubmit: answer.secondsToSubmit ?? Number.POSITIVE_INFINITY })
      : undefined;
    const entry = settlement
      ? Entries.approveAssignment(project.orgId, workerId, settlement.rewardMinor, settlement.rewardFeeMinor, meta, held, settlement.unusedMinor)
      : Entries.rejectAssignment(project.orgId, reserved, meta);
    const hold = held && settlement ? { assignmentId, workerId, amountMinor: settlement.rewardMinor, currency: project.currency, releaseAt: holdReleaseAt(now, deps.settings.holdPeriodHours) } : undefined;
    const gold = isGoldRule(decision.rule) ? { matched: decision.rule === GOLD_MATCHED } : undefined;
    const stats = { workerId, currency: project.currency, approved: isApproval, rewardMinor: settlement?.rewardMinor ?? 0, activeMs: answer.timeSpentMs ?? 0, taskType: project.answerSpec.type, projectId: project.projectId, ...(gold ? { gold } : {}) };
    // The client's measured facts (time to decide, rejections, pay per hour) move in the same transaction.
    const client = {
      orgId: project.orgId,
      currency: project.currency,
      approved: isApproval,
      rewardMinor: stats.rewardMinor,
      activeMs: stats.activeMs,
      ...(answer.submittedAt ? { latencySeconds: (Date.parse(now) - Date.parse(answer.submittedAt)) / 1000 } : {}),
    };
    const applied = await deps.marketplace.decide(assignmentId, { ...decision, decidedAt: now }, entry, { hold, stats, client, projectId: project.projectId });
    // Not applied: decided on an earlier try (its bonuses may still be due), or rejected meanwhile by a gold policy (none are).
    const approvedNow = applied || (await deps.marketplace.getAssignment(assignmentId, true))?.status === 'approved';
    // The bonuses' escrow stayed reserved through the approval; each entry is idempotent on its id.
    for (const b of approvedNow ? (settlement?.bonuses ?? []) : []) {
      await deps.ledger.post(Entries.bonus(project.orgId, workerId, b.amountMinor, b.feeMinor, b.reason, { ...meta, entryId: `autobonus:${b.rule}:${assignmentId}`, refs: { ...meta.refs, rule: b.rule } }, 'escrow'));
    }
    // A gold answer may put the worker under the project's gold policy.
    if (gold && project.goldPolicy) await enforceGoldPolicyUseCase(deps, project, workerId);
    if (decision.outcome === 'approved') approved++;
    else rejected++;
  }
  const c = state.consensus;
  const a = state.acceptance;
  const review = {
    policyVersion: state.policy?.version ?? 1,
    stages: state.stages ?? [],
    ...(a ? { acceptance: { decision: a.decision, ...(a.reason ? { reason: a.reason } : {}), decidedAt: a.decidedAt ?? now } } : {}),
  };
  await deps.marketplace.setMicrotaskStatus(state.microtaskId, ['reviewing', 'open', 'review_failed'], 'completed', {
    result: { ...(c ?? { answer: null, confidence: 0, method: 'none', decided: false, details: {} }), decidedAt: now, review },
  });
  // Checked on every run, a retry included: the run that finished the last microtask may have stopped before this.
  await completeProjectIfDone(deps, project.projectId);
  return { ...state, decisions, applied: { approved, rejected } };
}

export async function markReviewFailedUseCase(deps: Deps, state: ReviewState & { error?: unknown }) {
  await deps.marketplace.setMicrotaskStatus(state.microtaskId, ['reviewing', 'open'], 'review_failed', { error: state.error ?? 'unknown' });
  return { microtaskId: state.microtaskId, status: 'review_failed' };
}
