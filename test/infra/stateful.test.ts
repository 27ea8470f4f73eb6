import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTessera, type Tessera } from '../../infra/app';
import { nagFindings } from '../support/nag';
import { BULK_JOB_RUNNER, SUBMISSION_CONSUMER } from '../../infra/constructs/stage-config';
import { JOB_PREFIX } from '../../shared/adapters/s3/job-keys';
import { JOB_RETENTION_DAYS } from '../../shared/domain/bulk/jobs';
import { IDEMPOTENCY_TABLE, MAIN_TABLE } from '../../shared/adapters/dynamodb/table-design';
import { GROUPS } from '../../shared/api/routes';
import { SIGN_UP_TRIGGER } from '../../infra/stacks/stateful-stack';

/**
 * The stateful stack of the dev stage, and cdk-nag over every dev stack. Lambda bundling is
 * skipped here (`aws:cdk:bundling-stacks: []`): stateless.test.ts bundles for real.
 */
const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> };

let stacks: Tessera;
let template: Template;

beforeAll(() => {
  const app = new App({ context: { ...cdkJson.context, stage: 'dev', 'aws:cdk:bundling-stacks': [] } });
  stacks = createTessera(app);
  app.synth();
  template = Template.fromStack(stacks.stateful);
});

describe('stack layout', () => {
  it('names the stacks by stage and keeps data, workflows, the API and the routes apart', () => {
    expect(stacks.stateful.stackName).toBe('Tessera-dev-Stateful');
    expect(stacks.workflows.stackName).toBe('Tessera-dev-Workflows');
    expect(stacks.stateless.stackName).toBe('Tessera-dev-Stateless');
    expect(Object.values(stacks.routes).map((s) => s.stackName).sort()).toEqual(['Tessera-dev-Routes-Clients', 'Tessera-dev-Routes-Platform', 'Tessera-dev-Routes-Workers']);
    expect(stacks.workflows.dependencies).toEqual([stacks.stateful]);
    expect(stacks.stateless.dependencies).toEqual([stacks.stateful]);
    // A route stack imports the API and its authorizer, the data and the state machines its functions start.
    for (const s of Object.values(stacks.routes)) expect(s.dependencies).toEqual(expect.arrayContaining([stacks.stateful, stacks.workflows, stacks.stateless]));
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 0);
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 0);
  });
});

describe('main table', () => {
  it('has the key schema, the GSIs and the TTL of MAIN_TABLE', () => {
    const gsis = MAIN_TABLE.indexes.map((i) => ({
      IndexName: i.indexName,
      KeySchema: [
        { AttributeName: i.partitionKey, KeyType: 'HASH' },
        { AttributeName: i.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    }));
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: MAIN_TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: MAIN_TABLE.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: gsis,
      AttributeDefinitions: Match.arrayWith([{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'gsi2sk', AttributeType: 'S' }]),
      TimeToLiveSpecification: { AttributeName: MAIN_TABLE.timeToLiveAttribute, Enabled: true },
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      DeletionProtectionEnabled: false,
    });
  });

  it('is destroyed with the dev stack', () => {
    const [table] = Object.values(template.findResources('AWS::DynamoDB::Table', { Properties: { GlobalSecondaryIndexes: Match.anyValue() } }));
    expect(table?.DeletionPolicy).toBe('Delete');
  });
});

describe('idempotency table', () => {
  it('is keyed by id with the Powertools expiration TTL, PITR and encryption', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: IDEMPOTENCY_TABLE.partitionKey, KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: IDEMPOTENCY_TABLE.timeToLiveAttribute, Enabled: true },
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
    template.resourceCountIs('AWS::DynamoDB::Table', 2);
  });
});

describe('media bucket', () => {
  const mediaBucket = () => {
    const found = template.findResources('AWS::S3::Bucket', { Properties: { CorsConfiguration: Match.anyValue() } });
    const [id, bucket] = Object.entries(found)[0]!;
    return { id, props: bucket.Properties as Record<string, unknown> };
  };

  it('blocks every kind of public access and encrypts with SSE-S3, like every bucket here', () => {
    const buckets = Object.values(template.findResources('AWS::S3::Bucket'));
    expect(buckets).toHaveLength(2);
    for (const b of buckets) {
      expect(b.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
      expect(b.Properties.BucketEncryption).toEqual({ ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] });
    }
  });

  it('denies every request without TLS, on every bucket', () => {
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy'));
    expect(policies).toHaveLength(2);
    for (const p of policies) {
      expect(p.Properties.PolicyDocument.Statement).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } }, Principal: { AWS: '*' } }),
        ]),
      );
    }
  });

  it('is versioned, allows browser uploads, aborts stale multipart uploads and logs access to the log bucket', () => {
    const { props } = mediaBucket();
    expect(props.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(props.CorsConfiguration).toEqual({
      CorsRules: [expect.objectContaining({ AllowedMethods: expect.arrayContaining(['PUT', 'POST', 'GET']), AllowedOrigins: ['*'] })],
    });
    expect((props.LifecycleConfiguration as { Rules: unknown[] }).Rules).toEqual(
      expect.arrayContaining([expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' })]),
    );
    const logBucketId = Object.keys(template.findResources('AWS::S3::Bucket', { Properties: { CorsConfiguration: Match.absent() } }))[0];
    expect(props.LoggingConfiguration).toEqual(expect.objectContaining({ DestinationBucketName: { Ref: logBucketId } }));
  });
});

describe('submission queue', () => {
  const queueId = (prefix: string) => Object.keys(template.findResources('AWS::SQS::Queue')).find((id) => id.startsWith(prefix))!;

  it('sends a message to the DLQ after five receives and waits longer than six consumer timeouts', () => {
    const queue = template.toJSON().Resources[queueId('SubmissionQueue')];
    expect(queue.Properties.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [queueId('SubmissionDlq'), 'Arn'] }, maxReceiveCount: 5 });
    expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * SUBMISSION_CONSUMER.timeout.toSeconds());
  });

  it('encrypts every queue and denies them to requests without TLS', () => {
    const queues = Object.values(template.findResources('AWS::SQS::Queue'));
    expect(queues).toHaveLength(5);
    for (const q of queues) expect(q.Properties.SqsManagedSseEnabled).toBe(true);
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy'));
    expect(policies).toHaveLength(5);
    for (const p of policies) {
      expect(p.Properties.PolicyDocument.Statement).toEqual(
        expect.arrayContaining([expect.objectContaining({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      );
    }
  });
});

describe('bulk job queues and files', () => {
  const resources = () => template.toJSON().Resources as Record<string, { Properties: Record<string, any> }>;
  const idOf = (prefix: string) => Object.keys(resources()).find((id) => id.startsWith(prefix))!;

  it('parks a job message in the bulk job DLQ after five receives, and waits six runner timeouts before a redelivery', () => {
    for (const name of ['ImportQueue', 'ExportQueue']) {
      const q = resources()[idOf(name)]!.Properties;
      expect(q.RedrivePolicy, name).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [idOf('BulkJobDlq'), 'Arn'] }, maxReceiveCount: 5 });
      expect(q.VisibilityTimeout, name).toBe(6 * BULK_JOB_RUNNER.timeout.toSeconds());
    }
    expect(resources()[idOf('BulkJobDlq')]!.Properties.MessageRetentionPeriod).toBe(14 * 86_400);
  });

  it('keeps job files in the media bucket under their prefixes, expired with the job records', () => {
    const bucket = Object.values(template.findResources('AWS::S3::Bucket', { Properties: { CorsConfiguration: Match.anyValue() } }))[0]!;
    const rules = bucket.Properties.LifecycleConfiguration.Rules as Record<string, unknown>[];
    for (const prefix of Object.values(JOB_PREFIX)) {
      expect(rules).toContainEqual(expect.objectContaining({ Prefix: prefix, ExpirationInDays: JOB_RETENTION_DAYS, NoncurrentVersionExpiration: { NoncurrentDays: 1 }, Status: 'Enabled' }));
    }
  });
});

describe('user pool', () => {
  it('has one group per entry of GROUPS', () => {
    const names = Object.values(template.findResources('AWS::Cognito::UserPoolGroup')).map((g) => g.Properties.GroupName);
    expect(names.sort()).toEqual([...GROUPS].sort());
  });

  it('lets the crowd sign itself up with a verified email and a strong password', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
      UsernameAttributes: ['email'],
      AutoVerifiedAttributes: ['email'],
      Policies: {
        PasswordPolicy: { MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true },
      },
      Schema: Match.arrayWith([{ Name: 'org_id', AttributeDataType: 'String', Mutable: true, StringAttributeConstraints: Match.anyValue() }]),
      MfaConfiguration: 'OPTIONAL',
    });
  });

  it('has a public web client with password and SRP flows that hides whether a user exists', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']),
      PreventUserExistenceErrors: 'ENABLED',
    });
  });

  it('puts a confirmed sign-up in its groups with a post-confirmation trigger, the one Tessera function of this stack', () => {
    const fns = Object.entries(template.findResources('AWS::Lambda::Function')).filter(([, f]) => f.Metadata?.['tessera:handler']);
    expect(fns.map(([, f]) => f.Metadata?.['tessera:handler'])).toEqual([SIGN_UP_TRIGGER]);
    const [fnId, fn] = fns[0]!;
    // Cognito waits 5 s for a trigger; the function needs no pool id (it comes with each event).
    expect(fn.Properties.Timeout).toBeLessThanOrEqual(5);
    expect(Object.keys(fn.Properties.Environment.Variables).sort()).toEqual(['NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME']);
    const [, pool] = Object.entries(template.findResources('AWS::Cognito::UserPool'))[0]!;
    expect(pool.Properties.LambdaConfig).toEqual({ PostConfirmation: { 'Fn::GetAtt': [fnId, 'Arn'] } });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'cognito-idp.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] },
      SourceArn: { 'Fn::GetAtt': [Object.keys(template.findResources('AWS::Cognito::UserPool'))[0], 'Arn'] },
    });
  });

  it("lets the trigger only add users to groups, on this account and region's pools (the pool's own ARN would be a circular reference)", () => {
    const [, fn] = Object.entries(template.findResources('AWS::Lambda::Function')).find(([, f]) => f.Metadata?.['tessera:handler'] === SIGN_UP_TRIGGER)!;
    const role = template.toJSON().Resources[fn.Properties.Role['Fn::GetAtt'][0]];
    const statements = role.Properties.Policies.flatMap((p: { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] } }) => p.PolicyDocument.Statement);
    const cognito = statements.filter((st: { Action: string | string[] }) => [st.Action].flat().some((a) => a.startsWith('cognito-idp:')));
    expect(cognito).toEqual([
      expect.objectContaining({
        Action: 'cognito-idp:AdminAddUserToGroup',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cognito-idp:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':userpool/*']] },
      }),
    ]);
    const actions = statements.flatMap((st: { Action: string | string[] }) => [st.Action].flat()).sort();
    expect(actions).toEqual(['cognito-idp:AdminAddUserToGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
  });

  it('never lets a user write their own custom:org_id', () => {
    const [client] = Object.values(template.findResources('AWS::Cognito::UserPoolClient'));
    expect(client?.Properties.ReadAttributes).toContain('custom:org_id');
    expect(client?.Properties.WriteAttributes).not.toContain('custom:org_id');
  });
});

describe('cdk-nag AwsSolutions (dev)', () => {

  it('has no unacknowledged error or warning in any stack', () => {
    expect(nagFindings(stacks.stateful)).toEqual([]);
    expect(nagFindings(stacks.workflows)).toEqual([]);
    expect(nagFindings(stacks.stateless)).toEqual([]);
    for (const s of Object.values(stacks.routes)) expect(nagFindings(s), s.stackName).toEqual([]);
  });

  it('leaves no AwsSolutions annotation and no warning at all on any stack', () => {
    for (const stack of [stacks.stateful, stacks.workflows, stacks.stateless, ...Object.values(stacks.routes)]) {
      const annotations = Annotations.fromStack(stack);
      expect(annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
      expect(annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
      expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
    }
  });
});

describe('payout details key', () => {
  it('is a customer-managed KMS key with yearly rotation, the only key of the app', () => {
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });
});
