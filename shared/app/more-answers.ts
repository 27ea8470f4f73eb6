import { isDomainError, notFound } from '../domain/errors';
import { Entries } from '../domain/ledger/ledger';
import type { SingleChoiceAnswer } from '../domain/marketplace/answer-spec';
import { costPerAssignment } from '../domain/marketplace/project';
import { decideMoreAnswers, type MoreAnswersDecision } from '../domain/quality/more-answers';
import type { AccuracyEvidence } from '../domain/aggregation/worker-skill';
import type { Deps } from './deps';
import type { ReviewState } from './review';

/** What the review workflow's OpenAnotherSlot step adds to the state: its Choice reads `opened`. */
export interface MoreAnswersOutcome {
  opened: boolean;
  /** Why not, when not: the decision's reason, or why the slot could not be bought. */
  reason: MoreAnswersDecision['reason'] | 'not_adaptive' | 'gold' | 'project_not_published' | 'not_reviewing' | 'insufficient_funds' | 'budget_cap_reached' | 'already_opened';
  /** Posterior confidence of the crowd's answer; absent when no posterior was computed. */
  posteriorConfidence?: number;
}

export type MoreAnswersState = ReviewState & { moreAnswers?: MoreAnswersOutcome };

/**
 * Adaptive redundancy, after Consensus: when the posterior confidence of the crowd's answer is
 * below the project's target and the maximum is not reached, the microtask gets one more answer
 * slot (its escrow reserved in the same transaction) instead of being finalized; its review starts
 * again, as a new round, once the new answer is in. Short of funds or budget it is finalized with
 * the answers it has. The posterior goes into the result's details either way.
 *
 * Skills are one-coin accuracies from each worker's gold record (smoothed towards the platform's
 * prior), the platform-wide knowledge a single review can read in bounded time: one item per
 * answer, at most `maxAnswers`.
 */
export async function decideMoreAnswersUseCase(deps: Deps, state: ReviewState): Promise<MoreAnswersState> {
  const done = (moreAnswers: MoreAnswersOutcome): MoreAnswersState => ({
    ...state,
    ...(state.consensus && moreAnswers.posteriorConfidence !== undefined
      ? { consensus: { ...state.consensus, details: { ...state.consensus.details, posteriorConfidence: moreAnswers.posteriorConfidence } } }
      : {}),
    moreAnswers,
  });
  const [m, project] = await Promise.all([deps.marketplace.getMicrotask(state.microtaskId, true), state.projectId ? deps.marketplace.getProject(state.projectId, true) : undefined]);
  if (!m) throw notFound('microtask', state.microtaskId);
  if (!project) throw notFound('project', state.projectId ?? m.projectId);
  const policy = project.adaptiveRedundancy;
  if (!policy || project.answerSpec.type !== 'single_choice') return done({ opened: false, reason: 'not_adaptive' });
  if (state.gold) return done({ opened: false, reason: 'gold' });

  const assignments = await deps.marketplace.listAssignmentsOfMicrotask(m.microtaskId);
  const votes = assignments.filter((a) => a.answer && a.status !== 'claimed').map((a) => ({ workerId: a.workerId, label: (a.answer as SingleChoiceAnswer).choice }));
  // A review starts only once every slot is answered, so a slot still waiting is one this round
  // opened: this is a retried step, and the round is over all the same (never finalize it).
  if (m.redundancy - (m.releasedSlots ?? 0) > votes.length) return done({ opened: true, reason: 'already_opened' });
  if (project.status !== 'published') return done({ opened: false, reason: 'project_not_published' });
  // The submission consumer marks the microtask as reviewing just after starting this workflow; when
  // this step runs first, it does so itself (for this round only: see startReviewWhenComplete).
  if (m.status === 'open') await deps.marketplace.setMicrotaskStatus(m.microtaskId, ['open'], 'reviewing', { redundancy: m.redundancy });
  else if (m.status !== 'reviewing') return done({ opened: false, reason: 'not_reviewing' });

  const goldEvidence = new Map<string, AccuracyEvidence>();
  await Promise.all(
    votes.map(async ({ workerId }) => {
      const stats = await deps.marketplace.workerStats(workerId);
      goldEvidence.set(workerId, { total: stats.reduce((s, x) => s + x.goldCount, 0), correct: stats.reduce((s, x) => s + x.goldMatchedCount, 0) });
    }),
  );
  const classes = project.answerSpec.options.map((o) => o.value);
  const d = decideMoreAnswers({ policy, classes, votes, goldEvidence });
  const posteriorConfidence = d.confidence;
  if (!d.open) return done({ opened: false, reason: d.reason, posteriorConfidence });

  const slot = m.redundancy + 1;
  const escrow = Entries.reserveEscrow(project.orgId, costPerAssignment(project).totalMinor, {
    // One entry per slot number: a retried step reserves the slot once.
    entryId: `escrow:${m.microtaskId}:slot-${slot}`,
    currency: project.currency,
    createdAt: deps.now(),
    refs: { projectId: project.projectId, microtaskId: m.microtaskId },
  });
  try {
    if (await deps.marketplace.openAnotherSlot(project, m, escrow)) return done({ opened: true, reason: d.reason, posteriorConfidence });
    // A concurrent try opened it first: the round is over all the same, never finalize it.
    const now = await deps.marketplace.getMicrotask(m.microtaskId, true);
    return done({ opened: (now?.redundancy ?? 0) >= slot, reason: 'already_opened', posteriorConfidence });
  } catch (e) {
    if (isDomainError(e) && (e.code === 'insufficient_funds' || e.code === 'budget_cap_reached')) return done({ opened: false, reason: e.code, posteriorConfidence });
    throw e;
  }
}
