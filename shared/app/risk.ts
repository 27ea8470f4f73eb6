import type { Assignment } from '../domain/marketplace/assignment';
import type { MediaCollectionAnswer, MediaFacts, MediaRecord } from '../domain/marketplace/task-types/media-collection';
import type { Project } from '../domain/marketplace/project';
import { autoCheckStageOutcome, evaluateAutoChecks } from '../domain/quality/auto-checks';
import { autoChecksOf, reviewPolicyOf } from '../domain/quality/review-policy';
import {
  answerDuplicateSignal,
  answerFingerprint,
  answerSpecSignal,
  DEFAULT_WEIGHTS,
  fastVsMedianSignals,
  ipCountrySignal,
  mediaDuplicateSignal,
  mediaNearDuplicateSignal,
  mediaSignals,
  riskOf,
  tooFastSignal,
  type AutoChecksPolicy,
  type FingerprintOwner,
  type PerceptualOwner,
  type RiskSignal,
  type SubmissionRisk,
} from '../domain/quality/risk';
import type { FingerprintKind } from '../adapters/dynamodb/fingerprint-store';
import { perceptualBands } from '../domain/media/perceptual-hash';
import type { Deps } from './deps';
import type { ReviewState } from './review';

/** Whether a fingerprint's owner still stands: one read of its assignment, made only when another one holds it. */
async function ownerStands(deps: Deps, owner: FingerprintOwner): Promise<boolean> {
  const first = await deps.marketplace.getAssignment(owner.assignmentId, true);
  // A submit that never committed leaves a claim whose assignment then ends unanswered.
  return first !== undefined && first.status !== 'expired' && first.status !== 'returned';
}

/** Claimed before the submit commits: an owner whose assignment ended unanswered gives the fingerprint up. */
async function claimFingerprint(deps: Deps, projectId: string, kind: FingerprintKind, hash: string, mine: FingerprintOwner, at: string): Promise<FingerprintOwner> {
  const owner = await deps.fingerprints.claim(projectId, kind, hash, mine, at);
  if (owner.assignmentId === mine.assignmentId || (await ownerStands(deps, owner))) return owner;
  return deps.fingerprints.takeOver(projectId, kind, hash, owner.assignmentId, mine, at);
}

/**
 * The owners of a photo's four perceptual-hash bands, claimed like fingerprints: each band that
 * another assignment holds names a candidate whose whole hash came with the claim's read.
 */
function claimPerceptualBands(deps: Deps, projectId: string, mine: PerceptualOwner, at: string): Promise<PerceptualOwner[]> {
  return Promise.all(
    perceptualBands(mine.perceptualHash).map(async (band) => {
      const owner = await deps.fingerprints.claimBand(projectId, band, mine, at);
      if (owner.assignmentId === mine.assignmentId || (await ownerStands(deps, owner))) return owner;
      return deps.fingerprints.takeOverBand(projectId, band, owner.assignmentId, mine, at);
    }),
  );
}

/**
 * The signals known at submit, measured with a bounded number of key reads and conditional puts
 * whatever the project's size: the answer's spec and timing, the address's country against the
 * profile's (the profile is read only when the address has a country), each file's facts from its
 * confirm, one fingerprint claim per free-form answer and per file, and four band claims per
 * decoded photo.
 */
export async function measureSubmissionRisk(deps: Deps, project: Project, submitted: Assignment, media: readonly MediaRecord[] = []): Promise<SubmissionRisk> {
  const policy = autoChecksOf(reviewPolicyOf(project));
  const spec = project.answerSpec;
  const now = submitted.submittedAt!;
  const mine = { assignmentId: submitted.assignmentId, microtaskId: submitted.microtaskId };
  const claim = (kind: FingerprintKind, hash: string) => claimFingerprint(deps, project.projectId, kind, hash, mine, now);

  const signals: (RiskSignal | undefined)[] = [answerSpecSignal(policy, spec), tooFastSignal(policy, spec.type, (Date.parse(now) - Date.parse(submitted.claimedAt)) / 1000)];
  const ip = submitted.submissionContext?.sourceIp;
  const ipCountry = ip ? await deps.ipCountry.countryOf(ip) : undefined;
  const profileCountry = ipCountry ? (await deps.workers.getProfile(submitted.workerId))?.country : undefined;
  signals.push(ipCountrySignal(policy, ipCountry, profileCountry));

  const fingerprint = submitted.answer ? answerFingerprint(policy, spec, submitted.answer) : undefined;
  const pending: Promise<RiskSignal | undefined>[] = [];
  if (fingerprint) pending.push(claim('answer', fingerprint).then((owner) => answerDuplicateSignal(policy, mine, fingerprint, owner)));

  /** Identical bytes reject alone; a near copy is looked for as well, and reported only when the bytes differ. */
  const mediaCopySignal = async (mediaId: string, facts: MediaFacts): Promise<RiskSignal | undefined> => {
    const { contentHash, perceptualHash } = facts;
    const [exact, near] = await Promise.all([
      contentHash ? claim('media', contentHash).then((owner) => mediaDuplicateSignal(policy, mine, mediaId, contentHash, owner)) : undefined,
      perceptualHash ? claimPerceptualBands(deps, project.projectId, { ...mine, perceptualHash }, now).then((owners) => mediaNearDuplicateSignal(policy, mine, mediaId, perceptualHash, owners)) : undefined,
    ]);
    return exact ?? near;
  };

  if (spec.type === 'media_collection' && submitted.answer) {
    const byId = new Map(media.map((m) => [m.mediaId, m]));
    const reported = submitted.submissionContext?.location;
    for (const id of (submitted.answer as MediaCollectionAnswer).media) {
      const m = byId.get(id);
      if (!m?.facts) continue;
      const facts: MediaFacts = m.facts;
      signals.push(...mediaSignals(policy, spec, { ...m, facts }, { claimedAt: submitted.claimedAt, submittedAt: now }, reported));
      pending.push(mediaCopySignal(id, facts));
    }
  }
  signals.push(...(await Promise.all(pending)));
  return riskOf(signals.filter((s): s is RiskSignal => s !== undefined), now);
}

/** Commits a submission with the risk measured for it. */
export async function submitWithRisk(deps: Deps, project: Project, submitted: Assignment, media: readonly MediaRecord[] = []): Promise<Assignment> {
  const withRisk = { ...submitted, risk: await measureSubmissionRisk(deps, project, submitted, media) };
  await deps.marketplace.submit(withRisk, submitted.submittedAt!);
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

/**
 * Applies the policy's rules to each answer of a microtask: adds the signals only the answers
 * together reveal (far faster than the others), then evaluates each answer's risk. Returns the
 * state with the stage's outcome and without the risks it has used.
 */
export function applyAutoChecks(policy: AutoChecksPolicy, state: ReviewState): ReviewState {
  const answers = state.answers ?? [];
  const relative = fastVsMedianSignals(policy, answers);
  const results = answers.map((a) => {
    const extra = relative.get(a.assignmentId);
    return { assignmentId: a.assignmentId, outcome: evaluateAutoChecks(policy, reweighed(policy, [...(a.risk?.signals ?? []), ...(extra ? [extra] : [])])) };
  });
  return { ...state, answers: answers.map(({ risk: _risk, ...rest }) => rest), autoChecks: autoCheckStageOutcome(results) };
}

/** The AutoChecks stage of a microtask's review, on the state LoadSubmissions filled (answers with their risk), under the review's policy version. */
export function autoChecksUseCase(state: ReviewState): ReviewState {
  return applyAutoChecks(autoChecksOf(state.policy ?? reviewPolicyOf({})), state);
}
