import { Duration } from 'aws-cdk-lib';
import { Choice, Condition, Fail, Succeed, type StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { StageConfig } from './stage-config';
import type { TesseraFunction } from './tessera-function';
import { acknowledgeInvokeQualifiers, lambdaTask, workflowStateMachine } from './workflow-task';

export interface ReviewWorkflowProps {
  readonly config: StageConfig;
  readonly functions: {
    /** review/load-submissions */
    readonly loadSubmissions: TesseraFunction;
    /** review/consensus */
    readonly consensus: TesseraFunction;
    /** review/finalize */
    readonly finalize: TesseraFunction;
    /** review/open-another-slot */
    readonly openAnotherSlot: TesseraFunction;
    /** review/mark-failed */
    readonly markFailed: TesseraFunction;
  };
}

/**
 * Reviews one microtask once its submissions are in. Started by the submission consumer with
 * `{ "microtaskId": "mt_..." }`; each task returns the whole next state.
 *
 *   LoadSubmissions → Consensus → Finalize → ReviewDone
 *        └──────────────┴───────────┴── any error → MarkReviewFailed → ReviewFailed
 *
 * Adaptive redundancy (the state has `adaptive`): after Consensus, OpenAnotherSlot decides by the
 * posterior and may open one more answer slot; then this round ends (AwaitingAnotherAnswer) and
 * the next answer starts a new round's execution. Otherwise it goes on to Finalize.
 */
export class ReviewWorkflow extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: ReviewWorkflowProps) {
    super(scope, id);
    const fns = props.functions;

    const failed = new Fail(this, 'ReviewFailed', { error: 'ReviewFailed', cause: 'The review failed; the microtask was marked for a retry or manual review.' });
    const markFailed = lambdaTask(this, 'MarkReviewFailed', fns.markFailed, failed, 'Record the failure on the microtask (input has $.error).');
    markFailed.next(failed);

    const load = lambdaTask(this, 'LoadSubmissions', fns.loadSubmissions, markFailed, 'Load the microtask and its submitted assignments.');
    const consensus = lambdaTask(this, 'Consensus', fns.consensus, markFailed, 'Aggregate the answers and score each worker.');
    const finalize = lambdaTask(this, 'Finalize', fns.finalize, markFailed, 'Accept or reject each assignment, pay rewards, store the result.');

    const openAnotherSlot = lambdaTask(this, 'OpenAnotherSlot', fns.openAnotherSlot, markFailed, 'Adaptive redundancy: open one more answer slot while the posterior is below target.');

    finalize.next(new Succeed(this, 'ReviewDone'));
    openAnotherSlot.next(
      new Choice(this, 'AnotherSlotOpened')
        .when(Condition.booleanEquals('$.moreAnswers.opened', true), new Succeed(this, 'AwaitingAnotherAnswer'))
        .otherwise(finalize),
    );
    const definition = load.next(consensus).next(new Choice(this, 'AdaptiveRedundancy').when(Condition.isPresent('$.adaptive'), openAnotherSlot).otherwise(finalize));

    this.stateMachine = workflowStateMachine(this, {
      workflow: 'review',
      definition,
      config: props.config,
      timeout: Duration.minutes(10),
      comment: 'Tessera review of one microtask',
    });
    acknowledgeInvokeQualifiers(this.stateMachine, Object.values(fns));
  }
}
