import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Duration, Stack, Validations, type CfnResource } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyDocument, PolicyStatement, Role, ServicePrincipal, type AddToPrincipalPolicyResult, type IGrantable, type IPrincipal, type RoleProps } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MAIN_TABLE } from '../../shared/adapters/dynamodb/table-design';
import { ENV } from '../../shared/config';
import type { StageConfig } from './stage-config';

/** nodejs24.x where this aws-cdk-lib knows it, else the newest LTS it does. */
export const LAMBDA_RUNTIME: Runtime = (Runtime as unknown as Record<string, Runtime | undefined>).NODEJS_24_X ?? Runtime.NODEJS_22_X;
const ESBUILD_TARGET = LAMBDA_RUNTIME.name === 'nodejs24.x' ? 'node24' : 'node22';

/** The metadata key the local platform reads to map a deployed function back to its module. */
export const HANDLER_METADATA_KEY = 'tessera:handler';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FUNCTIONS_DIR = fileURLToPath(new URL('../../functions/', import.meta.url));
const LOCK_FILE = fileURLToPath(new URL('../../package-lock.json', import.meta.url));

/** `api/create-project` → `<repo>/functions/api/create-project.ts` */
export function entryFor(handler: string): string {
  if (!/^[a-z0-9-]+(\/[a-z0-9-]+)*$/.test(handler)) throw new Error(`Invalid handler module name '${handler}'`);
  return `${FUNCTIONS_DIR}${handler}.ts`;
}

/**
 * ESM output so top-level await and the ESM builds of Powertools work; the banner gives bundled
 * CommonJS dependencies a `require` for Node built-ins. The AWS SDK v3 is left out: the runtime ships it.
 */
export const BUNDLING = {
  format: OutputFormat.ESM,
  target: ESBUILD_TARGET,
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  externalModules: ['@aws-sdk/*'],
  banner: "import { createRequire } from 'module';const require = createRequire(import.meta.url);",
} as const;

export interface TesseraFunctionProps {
  /** Module under functions/ without extension, as in the route table or WORKER_FUNCTIONS. */
  readonly handler: string;
  readonly config: StageConfig;
  readonly description?: string;
  /** @default 10 seconds */
  readonly timeout?: Duration;
  /** @default 512 */
  readonly memorySize?: number;
  readonly environment?: Record<string, string>;
}

/** `readUpdate`: read, plus UpdateItem only (no put, no delete). */
export type TableAccess = 'read' | 'readUpdate' | 'readWrite';
export type BucketAccess = 'head' | 'read' | 'readWrite' | 'upload' | 'inspect';

const TABLE_READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable'];
const TABLE_WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

/**
 * A role whose grants are all one inline policy of the role itself, instead of a separate
 * AWS::IAM::Policy resource per role. Same permissions, one CloudFormation resource fewer per
 * function: with a Lambda per route, that is what keeps the stateless stack under CloudFormation's
 * 500-resource limit (docs/adr/0010-stack-size.md).
 */
export class InlinePolicyRole extends Role {
  private readonly document: PolicyDocument;

  constructor(scope: Construct, id: string, props: RoleProps) {
    const document = new PolicyDocument();
    super(scope, id, { ...props, inlinePolicies: { ...props.inlinePolicies, Access: document } });
    this.document = document;
  }

  override addToPrincipalPolicy(statement: PolicyStatement): AddToPrincipalPolicyResult {
    this.document.addStatements(statement);
    return { statementAdded: true, policyDependable: this };
  }
}

/**
 * The one way Tessera defines a Lambda function: Node.js on arm64 bundled by the local esbuild,
 * X-Ray tracing, its own log group with a retention, its own role that can write only to that
 * log group, and `bind*` helpers that set the environment variable the handler reads
 * (shared/config.ts) and grant the least privilege it needs in one call.
 */
export class TesseraFunction extends Construct implements IGrantable {
  readonly handler: string;
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: TesseraFunctionProps) {
    super(scope, id);
    this.handler = props.handler;
    const entry = entryFor(props.handler);
    if (!existsSync(entry)) throw new Error(`Handler module ${entry} does not exist (handler '${props.handler}')`);

    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: props.config.logRetention,
      removalPolicy: props.config.removalPolicy,
    });
    this.role = new InlinePolicyRole(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Tessera ${props.handler}`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry,
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: LOCK_FILE,
      runtime: LAMBDA_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      logGroup: this.logGroup,
      role: this.role,
      description: props.description ?? `Tessera ${props.handler}`,
      bundling: {
        ...BUNDLING,
        mainFields: [...BUNDLING.mainFields],
        externalModules: [...BUNDLING.externalModules],
        // When a synth skips bundling (the local platform), CDK would fingerprint the whole repo,
        // node_modules included, for an asset that is never deployed; a fixed hash skips that.
        // A deploying synth bundles and hashes the bundle's output as usual.
        ...(Stack.of(scope).bundlingRequired ? {} : { assetHash: `unbundled-${props.handler.replace(/\//g, '-')}` }),
      },
      environment: {
        POWERTOOLS_SERVICE_NAME: 'tessera',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
    });
    (this.function.node.defaultChild as CfnResource).addMetadata(HANDLER_METADATA_KEY, props.handler);

    // Tracing.ACTIVE adds xray:PutTraceSegments/PutTelemetryRecords on "*" to this role.
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray PutTraceSegments and PutTelemetryRecords (added by active tracing) do not support resource-level permissions.',
    });
  }

  get grantPrincipal(): IPrincipal {
    return this.function.grantPrincipal;
  }

  get functionArn(): string {
    return this.function.functionArn;
  }

  get functionName(): string {
    return this.function.functionName;
  }

  addEnvironment(name: string, value: string): this {
    this.function.addEnvironment(name, value);
    return this;
  }

  /**
   * The main table: TABLE_NAME, item actions on the table and on its GSIs named one by one
   * (no `index/*` wildcard). `read` cannot write; neither can Scan.
   */
  bindTable(table: ITable, access: TableAccess): this {
    this.addEnvironment(ENV.tableName, table.tableName);
    const indexes = MAIN_TABLE.indexes.map((i) => `${table.tableArn}/index/${i.indexName}`);
    const write = access === 'readWrite' ? TABLE_WRITE : access === 'readUpdate' ? ['dynamodb:UpdateItem'] : [];
    this.allow([...TABLE_READ, ...write], [table.tableArn, ...indexes]);
    return this;
  }

  /** The Powertools idempotency table: IDEMPOTENCY_TABLE_NAME and the four item actions it uses. */
  bindIdempotencyTable(table: ITable): this {
    this.addEnvironment(ENV.idempotencyTableName, table.tableName);
    this.allow(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], [table.tableArn]);
    return this;
  }

  /** The submission queue, to send to: SUBMISSION_QUEUE_URL. */
  bindQueueSend(queue: IQueue): this {
    this.addEnvironment(ENV.submissionQueueUrl, queue.queueUrl);
    queue.grantSendMessages(this);
    return this;
  }

  /** The submission queue, to look at only (health checks): SUBMISSION_QUEUE_URL and GetQueueAttributes. */
  bindQueueAttributes(queue: IQueue): this {
    this.addEnvironment(ENV.submissionQueueUrl, queue.queueUrl);
    this.allow(['sqs:GetQueueAttributes'], [queue.queueArn]);
    return this;
  }

  /** A bulk job queue, to send to: its URL in `envName`. */
  bindJobQueueSend(queue: IQueue, envName: typeof ENV.importQueueUrl | typeof ENV.exportQueueUrl): this {
    this.addEnvironment(envName, queue.queueUrl);
    queue.grantSendMessages(this);
    return this;
  }

  /**
   * Objects of the media bucket under one key pattern (`jobs/imports/*\/source`): MEDIA_BUCKET_NAME and
   * `read` GetObject (HeadObject too), `write` PutObject and AbortMultipartUpload (PutObject covers
   * the multipart calls, and a presigned upload made by this function), or both. No ListBucket.
   */
  bindBucketObjects(bucket: IBucket, keyPattern: string, access: 'read' | 'write' | 'readWrite'): this {
    this.addEnvironment(ENV.mediaBucket, bucket.bucketName);
    const actions = [...(access !== 'write' ? ['s3:GetObject'] : []), ...(access !== 'read' ? ['s3:PutObject', 's3:AbortMultipartUpload'] : [])];
    this.allow(actions, [bucket.arnForObjects(keyPattern)]);
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${this.nagNameOfArn(bucket)}/${keyPattern}]`,
      reason: 'Object actions on the files of bulk jobs only (one key prefix of the media bucket); the job ids in the keys are created at runtime.',
    });
    return this;
  }

  /**
   * Answers a workflow's task tokens (SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat on that
   * state machine): a human's decision resumes the execution waiting on it. The token names the
   * execution, so no environment variable is needed.
   */
  bindTaskResponse(stateMachine: IStateMachine): this {
    stateMachine.grantTaskResponse(this);
    return this;
  }

  /** A workflow to start: its ARN in `envName` (ENV.reviewStateMachineArn or ENV.payoutStateMachineArn). */
  bindStateMachineStart(stateMachine: IStateMachine, envName: typeof ENV.reviewStateMachineArn | typeof ENV.payoutStateMachineArn | typeof ENV.closureStateMachineArn): this {
    this.addEnvironment(envName, stateMachine.stateMachineArn);
    stateMachine.grantStartExecution(this);
    return this;
  }

  /**
   * The media bucket: MEDIA_BUCKET_NAME and s3:ListBucket (HeadBucket, and a 404 rather than a 403
   * for a missing key). Object actions apply to the keys matching `keys` only:
   * `read` GetObject (also HeadObject and presigned GETs), `readWrite` adds PutObject and
   * AbortMultipartUpload, `upload` is PutObject alone (a presigned POST is signed with it),
   * `inspect` is GetObject and DeleteObject (judge an upload, remove a rejected one).
   */
  bindBucket(bucket: IBucket, access: BucketAccess, keys = '*'): this {
    this.addEnvironment(ENV.mediaBucket, bucket.bucketName);
    this.allow(['s3:ListBucket'], [bucket.bucketArn]);
    if (access !== 'head') {
      const objectActions = {
        read: ['s3:GetObject'],
        readWrite: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
        upload: ['s3:PutObject'],
        inspect: ['s3:GetObject', 's3:DeleteObject'],
      }[access];
      this.allow(objectActions, [bucket.arnForObjects(keys)]);
      if (keys.includes('*')) {
        Validations.of(this.role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${this.nagNameOf(bucket)}/${keys}]`,
          reason: 'Object actions are granted on the objects under one prefix of the one media bucket; object keys are created at runtime.',
        });
      }
    }
    return this;
  }

  /**
   * The key that wraps workers' payout details: PAYOUT_DETAILS_KEY_ARN. `seal` may only create data
   * keys (it never reads stored details back); `open` may only decrypt. The encryption context pins
   * each data key to its worker, so neither grant can move details between workers.
   */
  bindPayoutDetailsKey(key: IKey, access: 'seal' | 'open'): this {
    this.addEnvironment(ENV.payoutDetailsKeyArn, key.keyArn);
    this.allow([access === 'seal' ? 'kms:GenerateDataKey' : 'kms:Decrypt'], [key.keyArn]);
    return this;
  }

  /**
   * How cdk-nag names a bucket's ARN in a finding: `<LogicalId.Arn>` within one stack, the export's
   * name for a bucket imported by a named export (an auto-generated cross-stack export has a hashed
   * name, which is why the stateless stack imports the media bucket's ARN by a fixed name).
   */
  private nagNameOf(bucket: IBucket): string {
    const resolved = Stack.of(this).resolve(bucket.bucketArn) as Record<string, unknown> | string;
    if (typeof resolved === 'object' && typeof resolved['Fn::ImportValue'] === 'string') return resolved['Fn::ImportValue'];
    const cfnBucket = bucket.node.defaultChild as CfnResource | undefined;
    if (cfnBucket && Stack.of(cfnBucket) === Stack.of(this)) return `<${Stack.of(cfnBucket).getLogicalId(cfnBucket)}.Arn>`;
    throw new Error(`bindBucket: import ${bucket.node.path} by a named export (see StatefulStack.mediaBucketArnImport) to grant object actions across stacks`);
  }

  /** The user pool, to delete a user who asked for erasure: USER_POOL_ID, ListUsers (to find them by id) and AdminDeleteUser. */
  bindUserPoolDeletion(userPool: IUserPool): this {
    this.addEnvironment(ENV.userPoolId, userPool.userPoolId);
    this.allow(['cognito-idp:ListUsers', 'cognito-idp:AdminDeleteUser'], [userPool.userPoolArn]);
    return this;
  }

  /**
   * AdminAddUserToGroup on the user pools of this account and region (the post-confirmation trigger
   * gets its pool's id in each event). A pattern rather than the pool's ARN: the pool names this
   * function as its trigger, so a grant on the pool's ARN would make each depend on the other.
   */
  bindUserPoolGrouping(): this {
    const pools = Stack.of(this).formatArn({ service: 'cognito-idp', resource: 'userpool', resourceName: '*' });
    this.allow(['cognito-idp:AdminAddUserToGroup'], [pools]);
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cognito-idp:<AWS::Region>:<AWS::AccountId>:userpool/*]',
      reason: "The pool's own ARN would be a circular reference (the pool names this function as its trigger); one action, on this account and region's pools, and the pool comes from Cognito's event.",
    });
    return this;
  }

  /** The user pool whose tokens the API accepts: JWT_ISSUER and JWT_AUDIENCE (the authorizer verifies them itself). */
  bindTokenIssuer(issuer: string, audience: string): this {
    this.addEnvironment(ENV.jwtIssuer, issuer);
    this.addEnvironment(ENV.jwtAudience, audience);
    return this;
  }

  /** Business settings from the stage config. */
  bindSettings(config: Pick<StageConfig, 'minPayoutMinor' | 'platformFeeBasisPoints' | 'holdPeriodHours' | 'maxActiveClaimsPerWorker'>): this {
    this.addEnvironment(ENV.minPayoutMinor, String(config.minPayoutMinor));
    this.addEnvironment(ENV.platformFeeBasisPoints, String(config.platformFeeBasisPoints));
    this.addEnvironment(ENV.holdPeriodHours, String(config.holdPeriodHours));
    this.addEnvironment(ENV.maxActiveClaimsPerWorker, String(config.maxActiveClaimsPerWorker));
    return this;
  }

  /**
   * How cdk-nag names a bucket's ARN in a finding: `<LogicalId.Arn>` in the bucket's own stack, the
   * name of the stack export it is imported through in another (the export CDK creates for the reference anyway).
   */
  private nagNameOfArn(bucket: IBucket): string {
    const cfnBucket = bucket.node.defaultChild as CfnResource | undefined;
    if (!cfnBucket) return bucket.bucketArn;
    const producer = Stack.of(cfnBucket);
    if (producer === Stack.of(this)) return `<${producer.getLogicalId(cfnBucket)}.Arn>`;
    return (producer.resolve(producer.exportValue(bucket.bucketArn)) as { 'Fn::ImportValue': string })['Fn::ImportValue'];
  }

  private allow(actions: string[], resources: string[]): void {
    this.function.addToRolePolicy(new PolicyStatement({ effect: Effect.ALLOW, actions, resources }));
  }
}
