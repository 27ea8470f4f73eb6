import { CfnOutput, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  UserPoolClient,
  UserPoolGroup,
  UserPoolOperation,
} from 'aws-cdk-lib/aws-cognito';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { GROUPS } from '../../shared/api/routes';
import { IDEMPOTENCY_TABLE, MAIN_TABLE } from '../../shared/adapters/dynamodb/table-design';
import { JOB_RETENTION_DAYS } from '../../shared/domain/bulk/jobs';
import { JOB_PREFIX } from '../../shared/adapters/s3/job-keys';
import { BULK_JOB_QUEUE_VISIBILITY_TIMEOUT, SUBMISSION_QUEUE_VISIBILITY_TIMEOUT, type StageConfig } from '../constructs/stage-config';
import { TesseraFunction } from '../constructs/tessera-function';
import { constructIdFor } from './functions';

/** The user pool's post-confirmation trigger: a confirmed sign-up joins its groups. */
export const SIGN_UP_TRIGGER = 'auth/post-confirmation';

export interface StatefulStackProps extends StackProps {
  readonly config: StageConfig;
}

/**
 * Everything that holds data and must survive a redeploy of the code: the tables, the media
 * bucket, the submission queue and the user pool (with its sign-up trigger). Changes here are rare and reviewed; the
 * stateless stack receives these resources as props.
 */
export class StatefulStack extends Stack {
  readonly table: Table;
  readonly idempotencyTable: Table;
  readonly mediaBucket: Bucket;
  /** The media bucket's ARN, imported by a fixed export name: grants in another stack can name it (cdk-nag acknowledgements). */
  readonly mediaBucketArnImport: string;
  readonly accessLogBucket: Bucket;
  readonly submissionQueue: Queue;
  readonly submissionDlq: Queue;
  readonly importQueue: Queue;
  readonly exportQueue: Queue;
  readonly bulkJobDlq: Queue;
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;
  readonly groups: Record<(typeof GROUPS)[number], UserPoolGroup>;
  readonly payoutDetailsKey: Key;
  readonly signUpTrigger: TesseraFunction;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { config } = props;

    // --- A customer-managed key for workers' payout details (envelope encryption): its own key, so
    // who may decrypt an IBAN is one key policy and one grant, audited in CloudTrail per use.
    this.payoutDetailsKey = new Key(this, 'PayoutDetailsKey', {
      description: 'Tessera: wraps the data keys of workers\' payout details',
      enableKeyRotation: true,
      removalPolicy: config.removalPolicy,
    });

    // --- DynamoDB: the single table (docs/adr/0002-single-table-design.md) and the idempotency store.
    this.table = new Table(this, 'Table', {
      partitionKey: { name: MAIN_TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: MAIN_TABLE.sortKey, type: AttributeType.STRING },
      timeToLiveAttribute: MAIN_TABLE.timeToLiveAttribute,
      billingMode: BillingMode.PAY_PER_REQUEST,
      // The AWS-managed key (aws/dynamodb): encrypted at rest and auditable in CloudTrail without
      // the per-key cost and the kms:Decrypt grants a customer key would need on every function.
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: config.deletionProtection,
      removalPolicy: config.removalPolicy,
    });
    for (const index of MAIN_TABLE.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }

    this.idempotencyTable = new Table(this, 'IdempotencyTable', {
      partitionKey: { name: IDEMPOTENCY_TABLE.partitionKey, type: AttributeType.STRING },
      timeToLiveAttribute: IDEMPOTENCY_TABLE.timeToLiveAttribute,
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: config.deletionProtection,
      removalPolicy: config.removalPolicy,
    });

    // --- S3: media uploaded from browsers, with server access logs to a bucket of their own.
    this.accessLogBucket = new Bucket(this, 'AccessLogBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // Server access log delivery supports SSE-S3 only.
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(config.stage === 'prod' ? 365 : 30) }],
      removalPolicy: config.removalPolicy,
      autoDeleteObjects: config.autoDeleteObjects,
    });
    Validations.of(this.accessLogBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket is the server access log destination of the media bucket; logging it into itself would loop.',
    });

    this.mediaBucket = new Bucket(this, 'MediaBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: 'media/',
      cors: [
        {
          allowedMethods: [HttpMethods.PUT, HttpMethods.POST, HttpMethods.GET],
          allowedOrigins: config.allowedOrigins,
          allowedHeaders: ['*'],
          exposedHeaders: ['ETag'],
          maxAge: 3000,
        },
      ],
      lifecycleRules: [
        { id: 'abort-incomplete-multipart-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        // Rejected uploads are deleted at confirm; their versions go after 30 days, then their delete markers.
        { id: 'expire-noncurrent-versions', noncurrentVersionExpiration: Duration.days(30) },
        { id: 'remove-expired-delete-markers', expiredObjectDeleteMarker: true },
        // Bulk import uploads, error reports and export files live as long as their job records.
        ...Object.values(JOB_PREFIX).map((prefix) => ({
          id: `expire-${prefix.replace(/\W+/g, '-').replace(/-$/, '')}`,
          prefix,
          expiration: Duration.days(JOB_RETENTION_DAYS),
          noncurrentVersionExpiration: Duration.days(1),
        })),
      ],
      removalPolicy: config.removalPolicy,
      autoDeleteObjects: config.autoDeleteObjects,
    });

    this.mediaBucketArnImport = this.exportValue(this.mediaBucket.bucketArn, { name: `${this.stackName}-MediaBucketArn` });

    // --- SQS: submissions wait here for review; five failed receives and a message is parked.
    this.submissionDlq = new Queue(this, 'SubmissionDlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.submissionQueue = new Queue(this, 'SubmissionQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: SUBMISSION_QUEUE_VISIBILITY_TIMEOUT,
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.submissionDlq, maxReceiveCount: 5 },
    });

    // --- SQS: bulk import and export jobs, one message per step of a job; a step failing five times is parked.
    this.bulkJobDlq = new Queue(this, 'BulkJobDlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const jobQueue = (id: string) =>
      new Queue(this, id, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        visibilityTimeout: BULK_JOB_QUEUE_VISIBILITY_TIMEOUT,
        retentionPeriod: Duration.days(4),
        deadLetterQueue: { queue: this.bulkJobDlq, maxReceiveCount: 5 },
      });
    this.importQueue = jobQueue('ImportQueue');
    this.exportQueue = jobQueue('ExportQueue');

    // --- Cognito: the crowd signs itself up; a route's groups decide what a token may do.
    this.userPool = new UserPool(this, 'UserPool', {
      selfSignUpEnabled: true,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      customAttributes: { org_id: new StringAttribute({ mutable: true, minLen: 1, maxLen: 64 }) },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      ...(config.threatProtection
        ? { featurePlan: FeaturePlan.PLUS, standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION }
        : { featurePlan: FeaturePlan.ESSENTIALS }),
      deletionProtection: config.deletionProtection,
      removalPolicy: config.removalPolicy,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason: 'Tessera is a public crowd that signs itself up: TOTP MFA is offered (Mfa.OPTIONAL) but cannot be required without blocking onboarding.',
    });
    if (!config.threatProtection) {
      Validations.of(this.userPool).acknowledge({
        id: 'AwsSolutions-COG8',
        reason: `The ${config.stage} pool holds test users only; threat protection (Plus plan, billed per MAU) is enabled in prod.`,
      });
    }

    this.groups = Object.fromEntries(
      GROUPS.map((name) => [
        name,
        new UserPoolGroup(this, `Group-${name}`, { userPool: this.userPool, groupName: name, description: `Tessera ${name}` }),
      ]),
    ) as Record<(typeof GROUPS)[number], UserPoolGroup>;

    // The one function of this stack, as it must be in the stack of the pool that calls it. Cognito
    // waits 5 s for a trigger. The grouping rule is the domain's (shared/domain/access/sign-up.ts).
    this.signUpTrigger = new TesseraFunction(this, constructIdFor(SIGN_UP_TRIGGER), {
      handler: SIGN_UP_TRIGGER,
      config,
      description: 'Tessera: a confirmed sign-up joins its groups',
      timeout: Duration.seconds(5),
    }).bindUserPoolGrouping();
    this.userPool.addTrigger(UserPoolOperation.POST_CONFIRMATION, this.signUpTrigger.function);

    // Users may read their org but never write it: custom:org_id decides which organisation's data a token reaches.
    const writable = new ClientAttributes().withStandardAttributes({ email: true, fullname: true, preferredUsername: true, locale: true });
    const readable = writable.withStandardAttributes({ emailVerified: true }).withCustomAttributes('org_id');
    this.userPoolClient = this.userPool.addClient('WebClient', {
      userPoolClientName: `tessera-${config.stage}-web`,
      generateSecret: false,
      authFlows: { userPassword: true, userSrp: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      readAttributes: readable,
      writeAttributes: writable,
    });

    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'IdempotencyTableName', { value: this.idempotencyTable.tableName });
    new CfnOutput(this, 'MediaBucketName', { value: this.mediaBucket.bucketName });
    new CfnOutput(this, 'SubmissionQueueUrl', { value: this.submissionQueue.queueUrl });
    new CfnOutput(this, 'SubmissionDlqUrl', { value: this.submissionDlq.queueUrl });
    new CfnOutput(this, 'BulkJobDlqUrl', { value: this.bulkJobDlq.queueUrl });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
  }
}
