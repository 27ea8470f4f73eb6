import { notFound } from '../domain/errors';
import type { Assignment } from '../domain/marketplace/assignment';
import type { MediaCollectionAnswer, MediaFacts, MediaRecord } from '../domain/marketplace/task-types/media-collection';
import type { Project } from '../domain/marketplace/project';
import { evaluateAutoChecks, type AutoCheckOutcome } from '../domain/quality/auto-checks';
import {
  answerDuplicateSignal,
  answerFingerprint,
  answerSpecSignal,
  autoChecksPolicy,
  DEFAULT_WEIGHTS,
  fastVsMedianSignals,
  ipCountrySignal,
  mediaDuplicateSignal,
  mediaSignals,
  riskOf,
  tooFastSignal,
  type AutoChecksPolicy,
  type RiskSignal,
  type SubmissionRisk,
} from '../domain/quality/risk';
import type { FingerprintKind } from '../adapters/dynamodb/fingerprint-store';
import type { Deps } from './deps';
import type { ReviewState } from './review';

export interface MeasuredRisk {
  risk: SubmissionRisk;
  /** Gives back the fingerprints this submission claimed; call it when the submission did not commit. */
  release: () => Promise<void>;
}

/**
 * The signals known at submit, measured with a bounded number of key reads and conditional puts
 * whatever the project's size: the answer's spec and timing, the address's country against the
 * profile's (the profile is read only when the address has a country), each file's facts from its
 * confirm, and one fingerprint claim per free-form answer and per file. Claimed before the submit
 * commits, so the risk is written with the answer; `release` undoes the claims if it does not commit.
 */
export async function measureSubmissionRisk(deps: Deps, project: Project, submitted: Assignment, media: readonly MediaRecord[] = []): Promise<MeasuredRisk> {
  const policy = autoChecksPolicy(project.autoChecks);
  const spec = project.answerSpec;
  const now = submitted.submittedAt!;
  const mine = { assignmentId: submitted.assignmentId, microtaskId: submitted.microtaskId };
  const claimed: { kind: FingerprintKind; hash: string }[] = [];
  const claim = async (kind: FingerprintKind, hash: string) => {
    const owner = await deps.fingerprints.claim(project.projectId, kind, hash, mine, now);
    if (owner.assignmentId === mine.assignmentId) claimed.push({ kind, hash });
    return owner;
  };

  const signals: (RiskSignal | undefined)[] = [answerSpecSignal(policy, spec), tooFastSignal(policy, spec.type, (Date.parse(now) - Date.parse(submitted.claimedAt)) / 1000)];
  const ip = submitted.submissionContext?.sourceIp;
  const ipCountry = ip ? await deps.ipCountry.countryOf(ip) : undefined;
  const profileCountry = ipCountry ? (await deps.workers.getProfile(submitted.workerId))?.country : undefined;
  signals.push(ipCountrySignal(policy, ipCountry, profileCountry));

  const fingerprint = submitted.answer ? answerFingerprint(policy, spec, submitted.answer) : undefined;
  const pending: Promise<RiskSignal | undefined>[] = [];
  if (fingerprint) pending.push(claim('answer', fingerprint).then((owner) => answerDuplicateSignal(policy, mine, fingerprint, owner)));

  if (spec.type === 'media_collection' && submitted.answer) {
    const byId = new Map(media.map((m) => [m.mediaId, m]));
    const reported = submitted.submissionContext?.location;
    for (const id of (submitted.answer as MediaCollectionAnswer).media) {
      const m = byId.get(id);
      if (!m?.facts) continue;
      const facts: MediaFacts = m.facts;
      signals.push(...mediaSignals(policy, spec, { ...m, facts }, { claimedAt: submitted.claimedAt, submittedAt: now }, reported));
      const hash = facts.contentHash;
      if (hash) pending.push(claim('media', hash).then((owner) => mediaDuplicateSignal(policy, mine, id, hash, owner)));
    }
  }
  // Every claim settles before any is given back, so a failed one cannot leave another behind.
  const settled = await Promise.allSettled(pending);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await releaseAll(deps, project.projectId, mine.assignmentId, claimed);
    throw failed.reason;
  }
  signals.push(...settled.map((r) => (r as PromiseFulfilledResult<RiskSignal | undefined>).value));
  return {
    risk: riskOf(signals.filter((s): s is RiskSignal => s !== undefined), now),
    release: () => releaseAll(deps, project.projectId, mine.assignmentId, claimed),
  };
}

async function releaseAll(deps: Deps, projectId: string, assignmentId: string, claimed: { kind: FingerprintKind; hash: string }[]) {
  await Promise.all(claimed.map((c) => deps.fingerprints.release(projectId, c.kind, c.hash, assignmentId)));
}

/** Commits a submission with its risk; the fingerprints it claimed go back if the commit fails. */
export async function submitWithRisk(deps: Deps, project: Project, submitted: Assignment, media: readonly MediaRecord[] = []): Promise<Assignment> {
  const { risk, release } = await measureSubmissionRisk(deps, project, submitted, media);
  const withRisk = { ...submitted, risk };
  try {
    await deps.marketplace.submit(withRisk, submitted.submittedAt!);
  } catch (e) {
    await release().catch(() => undefined);
    throw e;
  }
  return withRisk;
}

/** Checks that only record that a check passed: they carry no weight, so review need not carry them. */
const RECORD_ONLY = new Set<RiskSignal['code']>(['answer.spec_valid', 'media.verified', 'media.inside_geofence']);

/** What LoadSubmissions puts in the review state of an assignment's risk: the signals rules can act on. */
export function riskForReview(risk: SubmissionRisk | undefined): SubmissionRisk | undefined {
  return risk && { ...risk, signals: risk.signals.filter((s) => !RECORD_ONLY.has(s.code)) };
}

/** Weights as the project sets them now: a policy changed after submit applies at review. */
const reweighed = (policy: AutoChecksPolicy, signals: readonly RiskSignal[]) => signals.map((s) => ({ ...s, weight: policy.weights[s.code] ?? DEFAULT_WEIGHTS[s.code] }));

export type AutoCheckResult = { assignmentId: string; outcome: AutoCheckOutcome };

/**
 * Applies the project's rules to each answer of a microtask: adds the signals only the answers
 * together reveal (far faster than the others), then evaluates each answer's risk. Returns the
 * state with one outcome per answer and without the risks it has used.
 */
export function applyAutoChecks(policy: AutoChecksPolicy, state: ReviewState): ReviewState {
  const answers = state.answers ?? [];
  const relative = fastVsMedianSignals(policy, answers);
  const autoChecks: AutoCheckResult[] = answers.map((a) => {
    const extra = relative.get(a.assignmentId);
    return { assignmentId: a.assignmentId, outcome: evaluateAutoChecks(policy, reweighed(policy, [...(a.risk?.signals ?? []), ...(extra ? [extra] : [])])) };
  });
  return { ...state, answers: answers.map(({ risk: _risk, ...rest }) => rest), autoChecks };
}

/** The automatic-checks stage of a microtask's review, on a state LoadSubmissions filled (answers with their risk). */
export async function autoChecksUseCase(deps: Pick<Deps, 'marketplace'>, state: ReviewState): Promise<ReviewState> {
  if (!state.projectId) throw new Error('the review state has no projectId: LoadSubmissions did not run');
  const project = await deps.marketplace.getProject(state.projectId);
  if (!project) throw notFound('project', state.projectId);
  return applyAutoChecks(autoChecksPolicy(project.autoChecks), state);
}
