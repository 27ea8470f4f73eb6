import { CfnOutput, CrossStackReferences, Duration, ReferenceStrength, Stack, type StackProps } from 'aws-cdk-lib';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Bucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ROUTES, routeList, WORKER_FUNCTIONS, type RouteName } from '../../shared/api/routes';
import { ENV } from '../../shared/config';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { ClosureWorkflow } from '../constructs/closure-workflow';
import { PayoutWorkflow } from '../constructs/payout-workflow';
import { ReviewWorkflow } from '../constructs/review-workflow';
import { BULK_JOB_RUNNER, SUBMISSION_CONSUMER, type StageConfig } from '../constructs/stage-config';
import { JOB_PREFIX } from '../../shared/adapters/s3/job-keys';
import { cognitoIssuer, TesseraApi } from '../constructs/tessera-api';
import { TesseraFunction } from '../constructs/tessera-function';

export interface StatelessStackProps extends StackProps {
  readonly config: StageConfig;
  readonly table: ITable;
  readonly idempotencyTable: ITable;
  readonly mediaBucket: IBucket;
  /** The media bucket's ARN as an import of a named export (StatefulStack.mediaBucketArnImport). */
  readonly mediaBucketArn: string;
  readonly submissionQueue: IQueue;
  readonly importQueue: IQueue;
  readonly exportQueue: IQueue;
  readonly userPool: IUserPool;
  readonly userPoolClient: IUserPoolClient;
  readonly payoutDetailsKey: IKey;
}

type WorkerName = keyof typeof WORKER_FUNCTIONS;

const MEDIA_OBJECTS = 'media/*';

/** `api/create-project` → `ApiCreateProject`: the construct id of a handler's function. */
export function constructIdFor(handler: string): string {
  return handler
    .split(/[/-]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/**
 * The code: one Lambda per route and per worker module, the two workflows and the HTTP API. It can
 * be destroyed and redeployed at will; the data lives in the stateful stack.
 */
export class StatelessStack extends Stack {
  readonly routeFunctions: Record<RouteName, TesseraFunction>;
  readonly workerFunctions: Record<WorkerName, TesseraFunction>;
  readonly reviewWorkflow: ReviewWorkflow;
  readonly payoutWorkflow: PayoutWorkflow;
  readonly closureWorkflow: ClosureWorkflow;
  readonly api: TesseraApi;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    // Imports of the stateful stack's exports: it cannot be deleted, nor a resource this stack uses removed, while this stack uses it.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);
    const { config, table, idempotencyTable, mediaBucket, submissionQueue, importQueue, exportQueue } = props;
    const functions = new Construct(this, 'Functions');
    // Object grants go through this import so their cdk-nag acknowledgement can name the bucket.
    const mediaObjectsBucket = Bucket.fromBucketAttributes(this, 'MediaBucketImport', { bucketArn: props.mediaBucketArn, bucketName: mediaBucket.bucketName });

    // Longer than the 10 s default only where the work needs it (workflow tasks must stay under their 30 s task timeout).
    const timeouts: Record<string, Duration> = {
      [WORKER_FUNCTIONS.submissionConsumer]: SUBMISSION_CONSUMER.timeout,
      [WORKER_FUNCTIONS.payoutPayShard]: Duration.seconds(25),
      [WORKER_FUNCTIONS.payoutPrepare]: Duration.seconds(25),
      [WORKER_FUNCTIONS.payoutComplete]: Duration.seconds(25),
      [WORKER_FUNCTIONS.closeProject]: Duration.seconds(25),
      [WORKER_FUNCTIONS.sweepLeases]: Duration.minutes(2),
      [WORKER_FUNCTIONS.expireProjects]: Duration.minutes(1),
      [WORKER_FUNCTIONS.importRunner]: BULK_JOB_RUNNER.timeout,
      [WORKER_FUNCTIONS.exportRunner]: BULK_JOB_RUNNER.timeout,
      // Sums every account: the longest an HTTP API integration may take.
      [ROUTES.getReconciliation.handler]: Duration.seconds(29),
    };

    const memory: Record<string, number> = { [WORKER_FUNCTIONS.importRunner]: BULK_JOB_RUNNER.memorySize, [WORKER_FUNCTIONS.exportRunner]: BULK_JOB_RUNNER.memorySize };
    const make = (handler: string, description: string) =>
      new TesseraFunction(functions, constructIdFor(handler), { handler, config, description, timeout: timeouts[handler], memorySize: memory[handler] }).bindSettings(config);

    this.routeFunctions = Object.fromEntries(routeList().map((r) => [r.name, make(r.handler, `${r.method} ${r.path}: ${r.summary}`)])) as Record<
      RouteName,
      TesseraFunction
    >;
    this.workerFunctions = Object.fromEntries(
      (Object.entries(WORKER_FUNCTIONS) as [WorkerName, string][]).map(([name, handler]) => [name, make(handler, `Tessera ${handler}`)]),
    ) as Record<WorkerName, TesseraFunction>;
    const r = this.routeFunctions;
    const w = this.workerFunctions;

    // --- Least privilege, one line per function. Every function of the route table and of
    // WORKER_FUNCTIONS must appear here: a new one fails synth until its access is decided.
    const access = new Map<TesseraFunction, () => void>();
    const grant = (fn: TesseraFunction, bind: (fn: TesseraFunction) => void) => access.set(fn, () => bind(fn));
    const reads = (fn: TesseraFunction) => fn.bindTable(table, 'read');
    const writes = (fn: TesseraFunction) => fn.bindTable(table, 'readWrite').bindIdempotencyTable(idempotencyTable);

    grant(r.health, (fn) => fn.bindTable(table, 'read').bindBucket(mediaBucket, 'head').bindQueueAttributes(submissionQueue));
    grant(r.openapi, () => {});
    // Not idempotent by key on purpose: a stored replay would keep the new API key in clear for a day.
    for (const fn of [r.createApiKey, r.revokeApiKey]) grant(fn, (f) => f.bindTable(table, 'readWrite'));
    grant(r.listApiKeys, reads);
    // Reads a credential by hash and stamps the key's last use; verifies Cognito tokens itself.
    grant(w.apiAuthorizer, (fn) => fn.bindTable(table, 'readUpdate').bindTokenIssuer(cognitoIssuer(this, props.userPool), props.userPoolClient.userPoolClientId));
    for (const fn of [r.createProject, r.addMicrotasks, r.publishProject, r.topUp, r.claimAssignment, r.bonusAssignment, r.compensateWorker, r.subscribe, r.setClientFee, r.cancelProject, r.pauseProject, r.resumeProject, r.bulkBonuses, r.returnAssignment, r.updateProject]) grant(fn, writes);
    for (const fn of [r.listProjects, r.getProject, r.getResults, r.getMicrotask, r.getAccount, r.getStatement, r.listMyAssignments, r.getAssignment, r.getEarnings, r.getMyStatement, r.getPayoutRun, r.getReconciliation]) {
      grant(fn, reads);
    }
    grant(r.submitAnswer, (fn) => writes(fn).bindQueueSend(submissionQueue));
    // Media: every object action is confined to the media/ prefix (keys are media/<project>/<assignment>/<media>).
    grant(r.requestMediaUpload, (fn) => writes(fn).bindBucket(mediaObjectsBucket, 'upload', MEDIA_OBJECTS));
    grant(r.confirmMedia, (fn) => writes(fn).bindBucket(mediaObjectsBucket, 'inspect', MEDIA_OBJECTS));
    grant(r.getMedia, (fn) => reads(fn).bindBucket(mediaObjectsBucket, 'read', MEDIA_OBJECTS));
    // Public, authenticated by the completion token; not idempotent (the token is single-use instead).
    grant(r.submitExternalAnswer, (fn) => fn.bindTable(table, 'readWrite').bindQueueSend(submissionQueue));
    for (const fn of [r.getMyProfile, r.getTaskFeed, r.getMyReputation, r.listMyQualifications, r.getMyStanding, r.exportMyData, r.getQualificationType, r.listAppeals, r.getClientReputation, r.getReviewerPool]) grant(fn, reads);
    for (const fn of [r.putMyProfile, r.fileAppeal, r.createQualificationType, r.grantQualification, r.revokeQualification, r.startAttempt, r.submitAttempt, r.blockWorker, r.unblockWorker, r.excludeWorker, r.includeWorker, r.setPlatformStanding, r.liftPlatformStanding, r.decideAppeal]) {
      grant(fn, writes);
    }
    grant(r.eraseMe, (fn) => writes(fn).bindUserPoolDeletion(props.userPool));
    for (const fn of [r.startPayoutRun, r.resumePayoutRun]) grant(fn, writes); // + start the payout workflow, below
    grant(w.submissionConsumer, (fn) => fn.bindTable(table, 'readWrite')); // + start the review workflow, below
    grant(w.reviewConsensus, () => {}); // pure: it decides from the answers it is handed
    grant(r.setPayoutMethod, (fn) => writes(fn).bindPayoutDetailsKey(props.payoutDetailsKey, 'seal'));
    grant(r.getPayoutMethod, reads);
    grant(w.payoutPayShard, (fn) => fn.bindTable(table, 'readWrite').bindPayoutDetailsKey(props.payoutDetailsKey, 'open'));
    for (const fn of [w.reviewLoad, w.reviewFinalize, w.reviewFailed, w.payoutPrepare, w.payoutComplete, w.closeProject, w.sweepLeases, w.expireProjects]) {
      grant(fn, (f) => f.bindTable(table, 'readWrite'));
    }
    // Bulk jobs: each function reaches only the job files it reads or writes, by key pattern.
    const importSource = `${JOB_PREFIX.imports}*/source`;
    const importReport = `${JOB_PREFIX.imports}*/errors.jsonl`;
    grant(r.createImport, (fn) => writes(fn).bindBucketObjects(mediaBucket, importSource, 'write'));
    grant(r.startImport, (fn) => writes(fn).bindBucketObjects(mediaBucket, importSource, 'read').bindJobQueueSend(importQueue, ENV.importQueueUrl));
    grant(r.getImport, (fn) => reads(fn).bindBucketObjects(mediaBucket, importSource, 'write').bindBucketObjects(mediaBucket, importReport, 'read'));
    grant(w.importRunner, (fn) =>
      fn.bindTable(table, 'readWrite').bindBucketObjects(mediaBucket, importSource, 'read').bindBucketObjects(mediaBucket, importReport, 'readWrite').bindJobQueueSend(importQueue, ENV.importQueueUrl),
    );
    grant(r.createExport, (fn) => writes(fn).bindJobQueueSend(exportQueue, ENV.exportQueueUrl));
    grant(r.getExport, (fn) => reads(fn).bindBucketObjects(mediaBucket, `${JOB_PREFIX.exports}*/results.*`, 'read'));
    grant(w.exportRunner, (fn) => fn.bindTable(table, 'readWrite').bindBucketObjects(mediaBucket, `${JOB_PREFIX.exports}*`, 'readWrite').bindJobQueueSend(exportQueue, ENV.exportQueueUrl));
    for (const fn of [...Object.values(r), ...Object.values(w)]) {
      const bind = access.get(fn);
      if (!bind) throw new Error(`No access decided for ${fn.handler}: add it to the grants in stateless-stack.ts`);
      bind();
    }

    // --- Workflows.
    this.reviewWorkflow = new ReviewWorkflow(this, 'ReviewWorkflow', {
      config,
      functions: { loadSubmissions: w.reviewLoad, consensus: w.reviewConsensus, finalize: w.reviewFinalize, markFailed: w.reviewFailed },
    });
    this.payoutWorkflow = new PayoutWorkflow(this, 'PayoutWorkflow', {
      config,
      functions: { prepareRun: w.payoutPrepare, payShard: w.payoutPayShard, completeRun: w.payoutComplete },
    });
    this.closureWorkflow = new ClosureWorkflow(this, 'ClosureWorkflow', { config, functions: { releaseOpenSlots: w.closeProject } });
    // Anything that can complete a microtask's set of answers may start its review.
    for (const fn of [w.submissionConsumer, w.closeProject, w.sweepLeases, r.returnAssignment]) fn.bindStateMachineStart(this.reviewWorkflow.stateMachine, ENV.reviewStateMachineArn);

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
    for (const fn of [r.cancelProject, w.expireProjects]) fn.bindStateMachineStart(this.closureWorkflow.stateMachine, ENV.closureStateMachineArn);
    for (const fn of [r.startPayoutRun, r.resumePayoutRun]) fn.bindStateMachineStart(this.payoutWorkflow.stateMachine, ENV.payoutStateMachineArn);

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

    // --- The HTTP API.
    this.api = new TesseraApi(this, 'Api', { config, functions: r, authorizer: w.apiAuthorizer });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'ReviewStateMachineArn', { value: this.reviewWorkflow.stateMachine.stateMachineArn });
    new CfnOutput(this, 'PayoutStateMachineArn', { value: this.payoutWorkflow.stateMachine.stateMachineArn });
  }
}
