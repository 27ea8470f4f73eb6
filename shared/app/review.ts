import { notFound } from '../domain/errors';
import { Entries } from '../domain/ledger/ledger';
import type { Answer, AnswerSpec } from '../domain/marketplace/answer-spec';
import type { ReviewDecision } from '../domain/marketplace/assignment';
import { allAnswersIn, type Microtask } from '../domain/marketplace/microtask';
import { settleApproved, type PayTier } from '../domain/marketplace/pricing';
import { costPerAssignment } from '../domain/marketplace/project';
import { holdReleaseAt } from '../domain/payouts/payouts';
import { reviewByConsensus, type ConsensusOutcome, type SubmittedAnswer } from '../domain/quality/consensus-review';
import { GOLD_MATCHED, isGoldRule, reviewByGold } from '../domain/quality/gold-review';
import type { Deps } from './deps';
import { reputationFor } from './workers';
import { completeProjectIfDone } from './projects';

/** State passed between the review workflow's tasks (JSONPath, each task returns the whole state). */
export interface ReviewState {
  microtaskId: string;
  projectId?: string;
  /** The project's spec, so the Consensus task (which reads nothing) knows how to aggregate; dropped after it. */
  answerSpec?: AnswerSpec;
  /** With each answer after LoadSubmissions; without it after Consensus, which has used them. */
  answers?: (Omit<SubmittedAnswer, 'answer'> & { answer?: SubmittedAnswer['answer']; submittedAt?: string })[];
  /**
   * A gold microtask's expected answer, from LoadSubmissions to Consensus (which decides by it
   * instead of by the crowd); dropped after it. The state is the platform's, never a worker's.
   */
  gold?: { answer: Answer };
  consensus?: ConsensusOutcome;
  decisions?: { assignmentId: string; decision: Omit<ReviewDecision, 'decidedAt'> }[];
  applied?: { approved: number; rejected: number };
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
  // The execution name makes the start idempotent; the status change only reports it.
  const { started } = await deps.reviewWorkflow().start(`review-${m.microtaskId}`, { microtaskId: m.microtaskId });
  await deps.marketplace.setMicrotaskStatus(m.microtaskId, ['open'], 'reviewing');
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

export async function loadSubmissionsUseCase(deps: Deps, state: ReviewState): Promise<ReviewState> {
  const m = await deps.marketplace.getMicrotask(state.microtaskId, true);
  if (!m) throw notFound('microtask', state.microtaskId);
  const project = await deps.marketplace.getProject(m.projectId);
  if (!project) throw notFound('project', m.projectId);
  const [assignments, gold] = await Promise.all([deps.marketplace.listAssignmentsOfMicrotask(m.microtaskId), deps.marketplace.getGold(m.microtaskId, true)]);
  const answers = assignments
    .filter((a) => a.answer && a.status !== 'claimed')
    .map((a) => ({
      assignmentId: a.assignmentId,
      workerId: a.workerId,
      answer: a.answer!,
      timeSpentMs: a.submissionContext?.timeSpentMs ?? 0,
      secondsToSubmit: a.submittedAt ? (Date.parse(a.submittedAt) - Date.parse(a.claimedAt)) / 1000 : undefined,
      // Finalize measures the client's time to decide from it.
      ...(a.submittedAt ? { submittedAt: a.submittedAt } : {}),
    }));
  return { microtaskId: m.microtaskId, projectId: m.projectId, answerSpec: project.answerSpec, answers, ...(gold ? { gold: { answer: gold.answer } } : {}) };
}

export function consensusUseCase(state: ReviewState): ReviewState {
  if (!state.answerSpec) throw new Error('the review state has no answerSpec: LoadSubmissions did not run');
  const answers = (state.answers ?? []).map((a) => {
    if (a.answer === undefined) throw new Error(`assignment ${a.assignmentId} reached Consensus without its answer`);
    return { ...a, answer: a.answer };
  });
  // A gold microtask is decided by the client's expected answer; any other by the crowd.
  const review = state.gold ? reviewByGold(state.answerSpec, state.gold.answer, answers) : reviewByConsensus(state.answerSpec, answers);
  // Finalize needs who answered and for how long, not the answers again (state payloads are capped).
  const slimAnswers = answers.map(({ answer: _answer, ...rest }) => rest);
  const { answerSpec: _spec, gold: _gold, ...rest } = state;
  return { ...rest, answers: slimAnswers, consensus: review.outcome, decisions: review.decisions };
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
  for (const { assignmentId, decision } of state.decisions ?? []) {
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
    await deps.marketplace.decide(assignmentId, { ...decision, decidedAt: now }, entry, { hold, stats, client, projectId: project.projectId });
    // The bonuses' escrow stayed reserved through the approval; each entry is idempotent on its id.
    for (const b of settlement?.bonuses ?? []) {
      await deps.ledger.post(Entries.bonus(project.orgId, workerId, b.amountMinor, b.feeMinor, b.reason, { ...meta, entryId: `autobonus:${b.rule}:${assignmentId}`, refs: { ...meta.refs, rule: b.rule } }, 'escrow'));
    }
    if (decision.outcome === 'approved') approved++;
    else rejected++;
  }
  const c = state.consensus;
  await deps.marketplace.setMicrotaskStatus(state.microtaskId, ['reviewing', 'open', 'review_failed'], 'completed', {
    result: c ? { ...c, decidedAt: now } : { answer: null, confidence: 0, method: 'none', decided: false, details: {}, decidedAt: now },
  });
  // Checked on every run, a retry included: the run that finished the last microtask may have stopped before this.
  await completeProjectIfDone(deps, project.projectId);
  return { ...state, applied: { approved, rejected } };
}

export async function markReviewFailedUseCase(deps: Deps, state: ReviewState & { error?: unknown }) {
  await deps.marketplace.setMicrotaskStatus(state.microtaskId, ['reviewing', 'open'], 'review_failed', { error: state.error ?? 'unknown' });
  return { microtaskId: state.microtaskId, status: 'review_failed' };
}
