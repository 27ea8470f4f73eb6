import { CfnOutput, CrossStackReferences, Duration, ReferenceStrength, Stack, type StackProps } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { JOB_PREFIX } from '../../shared/adapters/s3/job-keys';
import { ENV } from '../../shared/config';
import { ClosureWorkflow } from '../constructs/closure-workflow';
import { PayoutWorkflow } from '../constructs/payout-workflow';
import { ReviewWorkflow } from '../constructs/review-workflow';
import { BULK_JOB_RUNNER, SUBMISSION_CONSUMER, type StageConfig } from '../constructs/stage-config';
import type { TesseraFunction } from '../constructs/tessera-function';
import { assertEveryFunctionHasAccess, makeFunctions, type BackgroundName } from './functions';

export interface WorkflowsStackProps extends StackProps {
  readonly config: StageConfig;
  readonly table: ITable;
  readonly mediaBucket: IBucket;
  readonly submissionQueue: IQueue;
  readonly importQueue: IQueue;
  readonly exportQueue: IQueue;
  readonly payoutDetailsKey: IKey;
}

/**
 * The background half of the code: the queue consumers and job runners, the three state machines
 * with their task functions, and the schedules. Apart from the API's stack so neither outgrows
 * CloudFormation's 500 resources (docs/adr/0010-stack-size.md); the API stack starts these state
 * machines, so it depends on this one. Redeployable at will: the data lives in the stateful stack.
 */
export class WorkflowsStack extends Stack {
  readonly functions: Record<BackgroundName, TesseraFunction>;
  readonly reviewWorkflow: ReviewWorkflow;
  readonly payoutWorkflow: PayoutWorkflow;
  readonly closureWorkflow: ClosureWorkflow;

  constructor(scope: Construct, id: string, props: WorkflowsStackProps) {
    super(scope, id, props);
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);
    const { config, table, mediaBucket, submissionQueue, importQueue, exportQueue } = props;
    const w = (this.functions = makeFunctions(new Construct(this, 'Functions'), config, 'background'));

    // --- Least privilege, one line per function (a function left out fails synth).
    const access = new Map<TesseraFunction, () => void>();
    const grant = (fn: TesseraFunction, bind: (fn: TesseraFunction) => void) => access.set(fn, () => bind(fn));
    grant(w.submissionConsumer, (fn) => fn.bindTable(table, 'readWrite')); // + start the review workflow, below
    grant(w.reviewConsensus, () => {}); // pure: it decides from the answers it is handed
    grant(w.payoutPayShard, (fn) => fn.bindTable(table, 'readWrite').bindPayoutDetailsKey(props.payoutDetailsKey, 'open'));
    for (const fn of [w.reviewLoad, w.reviewAutoChecks, w.reviewOpenTask, w.reviewApply, w.reviewRequestRevision, w.reviewOpenAcceptance, w.reviewFinalize, w.reviewFailed, w.reviewOpenAnotherSlot, w.payoutPrepare, w.payoutComplete, w.closeProject, w.sweepLeases, w.expireProjects]) {
      grant(fn, (f) => f.bindTable(table, 'readWrite'));
    }
    // Bulk jobs: each runner reaches only the job files it reads or writes, by key pattern.
    grant(w.importRunner, (fn) =>
      fn
        .bindTable(table, 'readWrite')
        .bindBucketObjects(mediaBucket, `${JOB_PREFIX.imports}*/source`, 'read')
        .bindBucketObjects(mediaBucket, `${JOB_PREFIX.imports}*/errors.jsonl`, 'readWrite')
        .bindJobQueueSend(importQueue, ENV.importQueueUrl),
    );
    grant(w.exportRunner, (fn) => fn.bindTable(table, 'readWrite').bindBucketObjects(mediaBucket, `${JOB_PREFIX.exports}*`, 'readWrite').bindJobQueueSend(exportQueue, ENV.exportQueueUrl));
    assertEveryFunctionHasAccess(w, access);

    // --- Workflows.
    this.reviewWorkflow = new ReviewWorkflow(this, 'ReviewWorkflow', {
      config,
      functions: {
        loadSubmissions: w.reviewLoad,
        autoChecks: w.reviewAutoChecks,
        consensus: w.reviewConsensus,
        openReviewTask: w.reviewOpenTask,
        applyReview: w.reviewApply,
        requestRevision: w.reviewRequestRevision,
        openAcceptance: w.reviewOpenAcceptance,
        finalize: w.reviewFinalize,
        openAnotherSlot: w.reviewOpenAnotherSlot,
        markFailed: w.reviewFailed,
      },
    });
    this.payoutWorkflow = new PayoutWorkflow(this, 'PayoutWorkflow', {
      config,
      functions: { prepareRun: w.payoutPrepare, payShard: w.payoutPayShard, completeRun: w.payoutComplete },
    });
    this.closureWorkflow = new ClosureWorkflow(this, 'ClosureWorkflow', { config, functions: { releaseOpenSlots: w.closeProject } });
    // Anything here that can complete a microtask's set of answers may start its review (the API's return route too, in its stack).
    for (const fn of [w.submissionConsumer, w.closeProject, w.sweepLeases]) fn.bindStateMachineStart(this.reviewWorkflow.stateMachine, ENV.reviewStateMachineArn);
    // The deadline sweep starts every closure but a cancellation's: expired projects, and completed ones, which their
    // completion puts on the same index (the review cannot start it: the closure starts reviews, a dependency cycle).
    w.expireProjects.bindStateMachineStart(this.closureWorkflow.stateMachine, ENV.closureStateMachineArn);

    // --- Expired claims give their slots back: a sweep every five minutes (not TTL, whose deletion can lag for days).
    new Rule(this, 'LeaseSweepSchedule', {
      description: 'Sweep expired Tessera assignment leases',
      schedule: Schedule.rate(Duration.minutes(5)),
      targets: [new LambdaFunction(w.sweepLeases.function, { retryAttempts: 2 })],
    });
    // --- Projects past their deadline expire: the same five-minute cadence; claims check the deadline themselves meanwhile.
    new Rule(this, 'DeadlineSweepSchedule', {
      description: 'Expire Tessera projects past their deadline',
      schedule: Schedule.rate(Duration.minutes(5)),
      targets: [new LambdaFunction(w.expireProjects.function, { retryAttempts: 2 })],
    });

    // --- The submission queue feeds the consumer; failed messages are retried one by one.
    w.submissionConsumer.function.addEventSource(
      new SqsEventSource(submissionQueue, {
        batchSize: SUBMISSION_CONSUMER.batchSize,
        maxBatchingWindow: SUBMISSION_CONSUMER.maxBatchingWindow,
        reportBatchItemFailures: true,
      }),
    );
    // --- Each bulk job queue feeds its runner, one job step per invocation.
    for (const [fn, queue] of [
      [w.importRunner, importQueue],
      [w.exportRunner, exportQueue],
    ] as const) {
      fn.function.addEventSource(new SqsEventSource(queue, { batchSize: BULK_JOB_RUNNER.batchSize, reportBatchItemFailures: true }));
    }

    new CfnOutput(this, 'ReviewStateMachineArn', { value: this.reviewWorkflow.stateMachine.stateMachineArn });
    new CfnOutput(this, 'PayoutStateMachineArn', { value: this.payoutWorkflow.stateMachine.stateMachineArn });
  }
}
