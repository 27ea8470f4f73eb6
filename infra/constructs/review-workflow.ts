import { Duration } from 'aws-cdk-lib';
import { Fail, Succeed, type StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
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

    const definition = load.next(consensus).next(finalize).next(new Succeed(this, 'ReviewDone'));

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
