import { CfnOutput, CrossStackReferences, ReferenceStrength, Stack, type StackProps } from 'aws-cdk-lib';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Bucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { RouteName } from '../../shared/api/routes';
import { ENV } from '../../shared/config';
import type { StageConfig } from '../constructs/stage-config';
import { JOB_PREFIX } from '../../shared/adapters/s3/job-keys';
import { cognitoIssuer, TesseraApi } from '../constructs/tessera-api';
import type { TesseraFunction } from '../constructs/tessera-function';
import { assertEveryFunctionHasAccess, makeFunctions, type ApiWorkerName } from './functions';
import type { WorkflowsStack } from './workflows-stack';

export { constructIdFor } from './functions';

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
  /** The state machines the route functions start. */
  readonly workflows: WorkflowsStack;
}

const MEDIA_OBJECTS = 'media/*';

/**
 * The HTTP API, its stage and access logs, and the authorizer with its function. The route
 * functions and routes are in the route stacks, by area (docs/adr/0014-route-stacks.md); what every
 * function behind this API may reach is decided here, in one list (grantApiAccess). The state
 * machines, consumers and schedules are in the workflows stack (docs/adr/0010-stack-size.md). It
 * can be destroyed and redeployed at will; the data lives in the stateful stack.
 */
export class StatelessStack extends Stack {
  readonly workerFunctions: Record<ApiWorkerName, TesseraFunction>;
  readonly api: TesseraApi;
  private readonly props: StatelessStackProps;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    // Imports of the stateful stack's exports: it cannot be deleted, nor a resource this stack uses removed, while this stack uses it.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);
    this.props = props;
    this.workerFunctions = makeFunctions(new Construct(this, 'Functions'), props.config, 'api');
    this.api = new TesseraApi(this, 'Api', { config: props.config, authorizer: this.workerFunctions.apiAuthorizer });
    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
  }

  /**
   * Least privilege of every function behind the API: the route functions, whichever route stack
   * each is in, and the authorizer. Called once, with the functions of every route.
   */
  grantApiAccess(r: Record<RouteName, TesseraFunction>): void {
    const props = this.props;
    const { table, idempotencyTable, mediaBucket, submissionQueue, importQueue, exportQueue, workflows } = props;
    const w = this.workerFunctions;
    // Object grants go through this import so their cdk-nag acknowledgement can name the bucket.
    const mediaObjectsBucket = Bucket.fromBucketAttributes(this, 'MediaBucketImport', { bucketArn: props.mediaBucketArn, bucketName: mediaBucket.bucketName });

    // --- Least privilege, one line per function. Every function of the route table and of
    // API_WORKER_FUNCTIONS must appear here: a new one fails synth until its access is decided.
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
    for (const fn of [r.createProject, r.addMicrotasks, r.publishProject, r.topUp, r.claimAssignment, r.claimNextAssignment, r.bonusAssignment, r.compensateWorker, r.subscribe, r.setClientFee, r.cancelProject, r.pauseProject, r.resumeProject, r.bulkBonuses, r.returnAssignment, r.updateProject]) grant(fn, writes);
    for (const fn of [r.listProjects, r.getProject, r.getResults, r.getMicrotask, r.getAccount, r.getStatement, r.listMyAssignments, r.getAssignment, r.getEarnings, r.getMyStatement, r.getPayoutRun, r.getReconciliation]) {
      grant(fn, reads);
    }
    grant(r.submitAnswer, (fn) => writes(fn).bindQueueSend(submissionQueue));
    // Media: every object action is confined to the media/ prefix (keys are media/<project>/<assignment>/<media>).
    grant(r.requestMediaUpload, (fn) => writes(fn).bindBucket(mediaObjectsBucket, 'upload', MEDIA_OBJECTS));
    grant(r.confirmMedia, (fn) => writes(fn).bindBucket(mediaObjectsBucket, 'inspect', MEDIA_OBJECTS));
    grant(r.getMedia, (fn) => reads(fn).bindBucket(mediaObjectsBucket, 'read', MEDIA_OBJECTS));
    // The review's human stages: a reviewer sees the answers' media; a decision resumes the waiting review (below).
    grant(r.claimReviewTask, (fn) => writes(fn).bindBucket(mediaObjectsBucket, 'read', MEDIA_OBJECTS));
    for (const fn of [r.decideReviewTask, r.reviseAnswer, r.decideAcceptance]) grant(fn, writes);
    // Public, authenticated by the completion token; not idempotent (the token is single-use instead).
    grant(r.submitExternalAnswer, (fn) => fn.bindTable(table, 'readWrite').bindQueueSend(submissionQueue));
    for (const fn of [r.getMyProfile, r.getTaskFeed, r.getMyReputation, r.listMyQualifications, r.getMyStanding, r.exportMyData, r.getQualificationType, r.listAppeals, r.getClientReputation, r.getReviewerPool, r.listRejectionAppeals, r.answerTraining]) grant(fn, reads);
    for (const fn of [r.putMyProfile, r.fileAppeal, r.createQualificationType, r.grantQualification, r.revokeQualification, r.startAttempt, r.submitAttempt, r.blockWorker, r.unblockWorker, r.excludeWorker, r.includeWorker, r.setPlatformStanding, r.liftPlatformStanding, r.decideAppeal, r.decideRejectionAppeal]) {
      grant(fn, writes);
    }
    grant(r.eraseMe, (fn) => writes(fn).bindUserPoolDeletion(props.userPool));
    for (const fn of [r.startPayoutRun, r.resumePayoutRun]) grant(fn, writes); // + start the payout workflow, below
    grant(r.setPayoutMethod, (fn) => writes(fn).bindPayoutDetailsKey(props.payoutDetailsKey, 'seal'));
    grant(r.getPayoutMethod, reads);
    // Bulk jobs: each function reaches only the job files it reads or writes, by key pattern.
    const importSource = `${JOB_PREFIX.imports}*/source`;
    const importReport = `${JOB_PREFIX.imports}*/errors.jsonl`;
    grant(r.createImport, (fn) => writes(fn).bindBucketObjects(mediaBucket, importSource, 'write'));
    grant(r.startImport, (fn) => writes(fn).bindBucketObjects(mediaBucket, importSource, 'read').bindJobQueueSend(importQueue, ENV.importQueueUrl));
    grant(r.getImport, (fn) => reads(fn).bindBucketObjects(mediaBucket, importSource, 'write').bindBucketObjects(mediaBucket, importReport, 'read'));
    grant(r.createExport, (fn) => writes(fn).bindJobQueueSend(exportQueue, ENV.exportQueueUrl));
    grant(r.getExport, (fn) => reads(fn).bindBucketObjects(mediaBucket, `${JOB_PREFIX.exports}*/results.*`, 'read'));
    assertEveryFunctionHasAccess({ ...r, ...w }, access);

    // --- The workflows this API starts.
    r.returnAssignment.bindStateMachineStart(workflows.reviewWorkflow.stateMachine, ENV.reviewStateMachineArn);
    for (const fn of [r.decideReviewTask, r.reviseAnswer, r.decideAcceptance]) fn.bindTaskResponse(workflows.reviewWorkflow.stateMachine);
    r.cancelProject.bindStateMachineStart(workflows.closureWorkflow.stateMachine, ENV.closureStateMachineArn);
    for (const fn of [r.startPayoutRun, r.resumePayoutRun]) fn.bindStateMachineStart(workflows.payoutWorkflow.stateMachine, ENV.payoutStateMachineArn);
  }
}
