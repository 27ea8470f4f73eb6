import { Duration } from 'aws-cdk-lib';
import { Choice, Condition, Fail, Pass, Result, Succeed, type IChainable, type StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { StageConfig } from './stage-config';
import type { TesseraFunction } from './tessera-function';
import { acknowledgeInvokeQualifiers, humanWaitTask, lambdaTask, workflowStateMachine } from './workflow-task';

export interface ReviewWorkflowProps {
  readonly config: StageConfig;
  readonly functions: {
    /** review/load-submissions */
    readonly loadSubmissions: TesseraFunction;
    /** review/auto-checks */
    readonly autoChecks: TesseraFunction;
    /** review/consensus */
    readonly consensus: TesseraFunction;
    /** review/open-review-task */
    readonly openReviewTask: TesseraFunction;
    /** review/apply-review */
    readonly applyReview: TesseraFunction;
    /** review/request-revision */
    readonly requestRevision: TesseraFunction;
    /** review/open-acceptance */
    readonly openAcceptance: TesseraFunction;
    /** review/finalize */
    readonly finalize: TesseraFunction;
    /** review/open-another-slot */
    readonly openAnotherSlot: TesseraFunction;
    /** review/mark-failed */
    readonly markFailed: TesseraFunction;
  };
}

/**
 * The longest a review may take: every revision round with its reviewer waits (offered twice) and
 * its revision deadline, a spot check, and the client's window, at the policy schema's maxima.
 */
export const REVIEW_TIMEOUT = Duration.days(180);

/**
 * Reviews one microtask once its submissions are in, by the project's review policy, which
 * LoadSubmissions puts in the state and the Choice states read. Started by the submission consumer
 * with `{ "microtaskId": "mt_..." }`; each Lambda task returns the whole next state, each human
 * stage waits on a task token with a timeout that leads somewhere defined:
 *
 *   LoadSubmissions → [AutoChecks] → Consensus (gold or crowd; picks the human stages)
 *     → [ReviewerStage ─timeout→ ReofferReview ─timeout→ consensus stands] → ApplyReview
 *         └ revision requested → RequestRevision (the workers' revisions or their deadline) → LoadSubmissions
 *     → [SpotCheck ─timeout→ consensus stands] → ApplySpotCheck
 *     → [ClientAcceptance ─window ends→ AutoAccept] → Finalize → ReviewDone
 *   any error → MarkReviewFailed → ReviewFailed
 *
 * Adaptive redundancy (the state has `adaptive`): after Consensus, OpenAnotherSlot decides by the
 * posterior and may open one more answer slot; then this round ends (AwaitingAnotherAnswer) and
 * the next answer starts a new round's execution. Otherwise the human stages follow.
 */
export class ReviewWorkflow extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: ReviewWorkflowProps) {
    super(scope, id);
    const fns = props.functions;

    const failed = new Fail(this, 'ReviewFailed', { error: 'ReviewFailed', cause: 'The review failed; the microtask was marked for a retry or manual review.' });
    const markFailed = lambdaTask(this, 'MarkReviewFailed', fns.markFailed, failed, 'Record the failure on the microtask (input has $.error).');
    markFailed.next(failed);

    const load = lambdaTask(this, 'LoadSubmissions', fns.loadSubmissions, markFailed, 'Load the microtask, its submitted assignments and the review policy.');
    const autoChecks = lambdaTask(this, 'AutoChecks', fns.autoChecks, markFailed, "Apply the automatic checks' rules to each answer's stored risk.");
    const consensus = lambdaTask(this, 'Consensus', fns.consensus, markFailed, 'Decide by gold or by consensus at the policy threshold; choose the human stages.');
    const finalize = lambdaTask(this, 'Finalize', fns.finalize, markFailed, 'Accept or reject each assignment, pay rewards, store the result.');
    finalize.next(new Succeed(this, 'ReviewDone'));

    // --- ClientAcceptance: the client's window; silence accepts.
    const autoAccept = new Pass(this, 'AutoAccept', { result: Result.fromObject({ decision: 'auto_accepted' }), resultPath: '$.acceptance', comment: 'The window ended: the answers are accepted.' });
    autoAccept.next(finalize);
    const clientAcceptance = humanWaitTask(this, 'ClientAcceptance', fns.openAcceptance, {
      timeoutPath: '$.policy.clientAcceptance.windowSeconds',
      resultPath: '$.acceptance',
      onTimeout: autoAccept,
      onError: markFailed,
      comment: 'Wait for the client to accept or reject the decided answers, within the window.',
    });
    clientAcceptance.next(finalize);
    const acceptanceEnabled = new Choice(this, 'ClientAcceptanceEnabled?')
      .when(Condition.booleanEquals('$.policy.clientAcceptance.enabled', true), clientAcceptance)
      .otherwise(finalize);

    // --- SpotCheck: a reviewer checks a sample whatever consensus said.
    const applySpotCheck = lambdaTask(this, 'ApplySpotCheck', fns.applyReview, markFailed, "Fold the spot check's verdicts into the decisions.");
    applySpotCheck.next(acceptanceEnabled);
    const spotCheckTimedOut = new Pass(this, 'SpotCheckTimedOut', { result: Result.fromObject({ kind: 'spot_check', outcome: 'timed_out' }), resultPath: '$.humanReview' });
    spotCheckTimedOut.next(applySpotCheck);
    const spotCheck = humanWaitTask(this, 'SpotCheck', fns.openReviewTask, {
      timeoutPath: '$.policy.reviewer.timeoutSeconds',
      resultPath: '$.humanReview',
      extra: { kind: 'spot_check', attempt: 0 },
      onTimeout: spotCheckTimedOut,
      onError: markFailed,
      comment: 'Wait for a reviewer to confirm or overturn the decisions of a sampled microtask.',
    });
    spotCheck.next(applySpotCheck);
    const spotCheckNeeded = new Choice(this, 'SpotCheckNeeded?').when(Condition.booleanEquals('$.route.spotCheck', true), spotCheck).otherwise(acceptanceEnabled);

    // --- ReviewerStage: offered to the pool, once more on timeout, then consensus stands.
    const applyReview = lambdaTask(this, 'ApplyReview', fns.applyReview, markFailed, "Fold the reviewer's verdicts into the decisions; say whether a revision opens.");
    const reviewerTimedOut = new Pass(this, 'ReviewerTimedOut', { result: Result.fromObject({ kind: 'reviewer', outcome: 'timed_out' }), resultPath: '$.humanReview' });
    reviewerTimedOut.next(applyReview);
    const reoffer = humanWaitTask(this, 'ReofferReview', fns.openReviewTask, {
      timeoutPath: '$.policy.reviewer.timeoutSeconds',
      resultPath: '$.humanReview',
      extra: { kind: 'reviewer', attempt: 1 },
      onTimeout: reviewerTimedOut,
      onError: markFailed,
      comment: 'Nobody decided in time: offer the review task once more.',
    });
    reoffer.next(applyReview);
    const reviewerStage = humanWaitTask(this, 'ReviewerStage', fns.openReviewTask, {
      timeoutPath: '$.policy.reviewer.timeoutSeconds',
      resultPath: '$.humanReview',
      extra: { kind: 'reviewer', attempt: 0 },
      onTimeout: reoffer,
      onError: markFailed,
      comment: "Wait for a reviewer from the project's pool to decide each answer.",
    });
    reviewerStage.next(applyReview);
    const requestRevision = humanWaitTask(this, 'RequestRevision', fns.requestRevision, {
      timeoutPath: '$.policy.reviewer.revisionSeconds',
      resultPath: '$.revisionResult',
      onTimeout: load,
      onError: markFailed,
      comment: 'Send answers back to their workers; resume when all are revised or the deadline passes.',
    });
    requestRevision.next(load);
    applyReview.next(new Choice(this, 'RevisionRequested?').when(Condition.booleanEquals('$.revision.requested', true), requestRevision).otherwise(spotCheckNeeded));
    const reviewerNeeded = new Choice(this, 'ReviewerNeeded?').when(Condition.booleanEquals('$.route.reviewer', true), reviewerStage).otherwise(spotCheckNeeded);

    const openAnotherSlot = lambdaTask(this, 'OpenAnotherSlot', fns.openAnotherSlot, markFailed, 'Adaptive redundancy: open one more answer slot while the posterior is below target.');
    openAnotherSlot.next(
      new Choice(this, 'AnotherSlotOpened')
        .when(Condition.booleanEquals('$.moreAnswers.opened', true), new Succeed(this, 'AwaitingAnotherAnswer'))
        .otherwise(reviewerNeeded),
    );
    consensus.next(new Choice(this, 'AdaptiveRedundancy').when(Condition.isPresent('$.adaptive'), openAnotherSlot).otherwise(reviewerNeeded));
    autoChecks.next(consensus);
    load.next(new Choice(this, 'AutoChecksEnabled?').when(Condition.booleanEquals('$.policy.autoChecks', true), autoChecks).otherwise(consensus));

    this.stateMachine = workflowStateMachine(this, {
      workflow: 'review',
      definition: load as IChainable,
      config: props.config,
      timeout: REVIEW_TIMEOUT,
      comment: 'Tessera review of one microtask, stage by stage as its review policy says',
    });
    acknowledgeInvokeQualifiers(this.stateMachine, Object.values(fns));
  }
}
