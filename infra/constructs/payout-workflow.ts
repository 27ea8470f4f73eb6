import { Duration } from 'aws-cdk-lib';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import { Choice, Condition, Fail, Map as MapState, Succeed, type StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { StageConfig } from './stage-config';
import type { TesseraFunction } from './tessera-function';
import { acknowledgeInvokeQualifiers, lambdaTask, workflowStateMachine } from './workflow-task';

export interface PayoutWorkflowProps {
  readonly config: StageConfig;
  readonly functions: {
    /** payout/prepare-run: `{ runId?, trigger }` → `{ runId, shards: [{ runId, shard }] }` */
    readonly prepareRun: TesseraFunction;
    /** payout/pay-shard: `{ runId, shard, cursor? }` → `{ runId, shard, done, cursor? }` */
    readonly payShard: TesseraFunction;
    /** payout/complete-run: `{ runId, shards, shardResults }` → the run report */
    readonly completeRun: TesseraFunction;
  };
}

/** Shards paid in parallel: bounds the write rate on the table and the payment provider. */
export const PAYOUT_MAX_CONCURRENCY = 4;

/**
 * Pays every worker whose available balance reached the minimum. Started weekly by an
 * EventBridge rule with `{ "trigger": "schedule" }`, or by an admin through the API.
 *
 *   PreparePayoutRun → PayShards (Map, ≤ 4 at once: PayShard ⟲ until done) → CompletePayoutRun → PayoutDone
 *        └──────────────────┴──────────────────────────────────────────┴── any error → PayoutFailed
 */
export class PayoutWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  readonly schedule: Rule;

  constructor(scope: Construct, id: string, props: PayoutWorkflowProps) {
    super(scope, id);
    const fns = props.functions;

    const failed = new Fail(this, 'PayoutFailed', { error: 'PayoutRunFailed', cause: 'The payout run failed; it can be resumed by starting it again with its runId.' });

    // One shard: pay a page of workers, then loop with the returned cursor until the shard is done.
    const shardFailed = new Fail(this, 'ShardFailed', { error: 'PayShardFailed', cause: 'Paying a shard failed after retries.' });
    const payShard = lambdaTask(this, 'PayShard', fns.payShard, shardFailed, 'Pay one page of one shard.');
    const shardDone = Choice.jsonPath(this, 'ShardDone?')
      .when(Condition.booleanEquals('$.done', false), payShard)
      .when(Condition.booleanEquals('$.done', true), new Succeed(this, 'ShardPaid'))
      .otherwise(new Fail(this, 'ShardResultInvalid', { error: 'PayShardResultInvalid', cause: 'PayShard must return a boolean "done".' }));
    payShard.next(shardDone);

    const payShards = MapState.jsonPath(this, 'PayShards', {
      itemsPath: '$.shards',
      maxConcurrency: PAYOUT_MAX_CONCURRENCY,
      resultPath: '$.shardResults',
      comment: 'Pay the shards of the run in parallel.',
    }).itemProcessor(payShard);
    payShards.addCatch(failed, { errors: ['States.ALL'], resultPath: '$.error' });

    const prepare = lambdaTask(this, 'PreparePayoutRun', fns.prepareRun, failed, 'Create (or resume) the run and list its shards.');
    const complete = lambdaTask(this, 'CompletePayoutRun', fns.completeRun, failed, 'Total the run and write its report.');

    const definition = prepare.next(payShards).next(complete).next(new Succeed(this, 'PayoutDone'));

    this.stateMachine = workflowStateMachine(this, {
      workflow: 'payout',
      definition,
      config: props.config,
      timeout: Duration.hours(2),
      comment: 'Tessera payout run',
    });
    acknowledgeInvokeQualifiers(this.stateMachine, Object.values(fns));

    this.schedule = new Rule(this, 'Schedule', {
      description: 'Start the weekly Tessera payout run',
      schedule: Schedule.cron(props.config.payoutSchedule),
      targets: [new SfnStateMachine(this.stateMachine, { input: RuleTargetInput.fromObject({ trigger: 'schedule' }), retryAttempts: 3 })],
    });
  }
}
