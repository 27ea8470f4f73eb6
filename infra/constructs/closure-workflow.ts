import { Duration } from 'aws-cdk-lib';
import { Choice, Condition, Fail, Succeed, type StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { StageConfig } from './stage-config';
import type { TesseraFunction } from './tessera-function';
import { acknowledgeInvokeQualifiers, lambdaTask, workflowStateMachine } from './workflow-task';

export interface ClosureWorkflowProps {
  readonly config: StageConfig;
  readonly functions: {
    /** project/release-open-slots: `{ projectId, cursor? }` → `{ projectId, done, cursor? }` */
    readonly releaseOpenSlots: TesseraFunction;
  };
}

/**
 * Closes a cancelled project: releases the unclaimed slots of its microtasks a page at a time and
 * returns their escrow. A page is one short task, so projects of any size close without a long Lambda.
 *
 *   ReleaseOpenSlots ⟲ until done → ProjectClosed        (any error → ClosureFailed; starting it again is safe)
 */
export class ClosureWorkflow extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: ClosureWorkflowProps) {
    super(scope, id);
    const failed = new Fail(this, 'ClosureFailed', { error: 'ProjectClosureFailed', cause: 'Releasing the open slots failed after retries; every step is idempotent, so it can be started again.' });
    const release = lambdaTask(this, 'ReleaseOpenSlots', props.functions.releaseOpenSlots, failed, 'Release the unclaimed slots of one page of microtasks.');
    const allReleased = Choice.jsonPath(this, 'AllReleased?')
      .when(Condition.booleanEquals('$.done', false), release)
      .when(Condition.booleanEquals('$.done', true), new Succeed(this, 'ProjectClosed'))
      .otherwise(new Fail(this, 'ReleaseResultInvalid', { error: 'ReleaseResultInvalid', cause: 'ReleaseOpenSlots must return a boolean "done".' }));
    release.next(allReleased);

    this.stateMachine = workflowStateMachine(this, {
      workflow: 'closure',
      definition: release,
      config: props.config,
      timeout: Duration.hours(6),
      comment: 'Tessera project closure',
    });
    acknowledgeInvokeQualifiers(this.stateMachine, [props.functions.releaseOpenSlots]);
  }
}
