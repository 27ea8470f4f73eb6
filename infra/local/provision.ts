import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, UpdateTableCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadBucketCommand, PutBucketCorsCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
  ListGroupsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { LOCAL_ACCOUNT, LOCAL_REGION, type TemplateResolver } from './template';

/** s3rver accepts only its own key pair; the other emulators accept any, so every local client uses it. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface LocalEndpoints {
  dynamodb: string;
  s3: string;
  sqs: string;
  cognito: string;
}

export interface Provisioned {
  userPoolId: string;
  clientId: string;
  queues: { stack: string; id: string; url: string; arn: string }[];
}

const arn = (service: string, rest: string) => `arn:aws:${service}:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${rest}`;
const localName = (stack: string, id: string) => `${stack}-${id}`;

/**
 * Creates every stateful resource of the synthesized templates on the emulators, and records where
 * each logical resource lives so the resolver can answer Ref and Fn::GetAtt. Idempotent: resources
 * that survive in the data folder are reused.
 */
export async function provision(r: TemplateResolver, endpoints: LocalEndpoints, dataDir: string): Promise<Provisioned> {
  const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const ddb = new DynamoDBClient({ ...common, endpoint: endpoints.dynamodb });
  const s3 = new S3Client({ ...common, endpoint: endpoints.s3, forcePathStyle: true });
  const sqs = new SQSClient({ ...common, endpoint: endpoints.sqs });
  const cognito = new CognitoIdentityProviderClient({ ...common, endpoint: endpoints.cognito });

  // Anything not provisioned below still needs a Ref and an Arn for environments and policies.
  for (const s of r.app.stacks) {
    for (const [id, res] of Object.entries(s.template.Resources)) {
      const service = res.Type.split('::')[1]?.toLowerCase() ?? 'local';
      r.setPhysical(s.name, id, { ref: localName(s.name, id), attrs: { Arn: arn(service, localName(s.name, id)) } });
    }
  }

  for (const type of ['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable']) {
    for (const { stack, id, resource } of r.resources(type)) {
      const p = resource.Properties ?? {};
      const TableName = localName(stack, id);
      const existing = await ddb.send(new DescribeTableCommand({ TableName })).then(
        (r) => r.Table,
        (e: Error) => (e.name === 'ResourceNotFoundException' ? undefined : Promise.reject(e)),
      );
      if (existing) {
        // A data folder from an older version: add the indexes the template has gained, as a deploy would.
        const have = new Set((existing.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName));
        for (const g of (p.GlobalSecondaryIndexes ?? []) as Record<string, any>[]) {
          if (have.has(g.IndexName)) continue;
          await ddb.send(
            new UpdateTableCommand({
              TableName,
              AttributeDefinitions: p.AttributeDefinitions,
              GlobalSecondaryIndexUpdates: [{ Create: { IndexName: g.IndexName, KeySchema: g.KeySchema, Projection: g.Projection } }],
            }),
          );
        }
      } else {
        await ddb.send(
          new CreateTableCommand({
            TableName,
            KeySchema: p.KeySchema,
            AttributeDefinitions: p.AttributeDefinitions,
            BillingMode: 'PAY_PER_REQUEST',
            GlobalSecondaryIndexes: p.GlobalSecondaryIndexes?.map((g: Record<string, unknown>) => ({ IndexName: g.IndexName, KeySchema: g.KeySchema, Projection: g.Projection })),
          }),
        );
        const ttl = p.TimeToLiveSpecification;
        if (ttl?.Enabled) await ddb.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true } }));
      }
      r.setPhysical(stack, id, { ref: TableName, attrs: { Arn: arn('dynamodb', `table/${TableName}`) } });
    }
  }

  for (const { stack, id, resource } of r.resources('AWS::S3::Bucket')) {
    const Bucket = localName(stack, id).toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 63);
    const exists = await s3.send(new HeadBucketCommand({ Bucket })).then(() => true, () => false);
    if (!exists) await s3.send(new CreateBucketCommand({ Bucket }));
    const cors = resource.Properties?.CorsConfiguration?.CorsRules;
    if (cors) {
      await s3.send(
        new PutBucketCorsCommand({
          Bucket,
          CORSConfiguration: {
            CORSRules: cors.map((c: Record<string, unknown>) => ({ AllowedMethods: c.AllowedMethods, AllowedOrigins: c.AllowedOrigins, AllowedHeaders: c.AllowedHeaders, ExposeHeaders: c.ExposedHeaders, MaxAgeSeconds: c.MaxAge })),
          },
        }),
      );
    }
    r.setPhysical(stack, id, { ref: Bucket, attrs: { Arn: `arn:aws:s3:::${Bucket}`, DomainName: `${Bucket}.s3.amazonaws.com`, RegionalDomainName: `${Bucket}.s3.${LOCAL_REGION}.amazonaws.com` } });
  }

  // Dead-letter queues first: a redrive policy must point at an existing queue.
  const queues = r.resources('AWS::SQS::Queue').sort((a, b) => Number(!!a.resource.Properties?.RedrivePolicy) - Number(!!b.resource.Properties?.RedrivePolicy));
  const provisionedQueues: Provisioned['queues'] = [];
  for (const { stack, id, resource } of queues) {
    const p = resource.Properties ?? {};
    const QueueName = p.QueueName ?? (p.FifoQueue ? `${localName(stack, id)}.fifo` : localName(stack, id));
    const Attributes: Record<string, string> = {};
    if (p.VisibilityTimeout !== undefined) Attributes.VisibilityTimeout = String(p.VisibilityTimeout);
    if (p.MessageRetentionPeriod !== undefined) Attributes.MessageRetentionPeriod = String(p.MessageRetentionPeriod);
    if (p.FifoQueue) Attributes.FifoQueue = 'true';
    if (p.RedrivePolicy) Attributes.RedrivePolicy = JSON.stringify(r.resolve(p.RedrivePolicy, stack));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName, Attributes }));
    const queueArn = arn('sqs', QueueName);
    r.setPhysical(stack, id, { ref: QueueUrl!, attrs: { Arn: queueArn, QueueUrl: QueueUrl!, QueueName } });
    provisionedQueues.push({ stack, id, url: QueueUrl!, arn: queueArn });
  }

  const statePath = join(dataDir, 'local-state.json');
  const state: { userPoolId?: string; clientId?: string } = existsSync(statePath) ? JSON.parse(readFileSync(statePath, 'utf8')) : {};
  const [pool] = r.resources('AWS::Cognito::UserPool');
  if (!pool) throw new Error('The templates define no Cognito user pool');
  const poolProps = pool.resource.Properties ?? {};
  let userPoolId = state.userPoolId;
  if (userPoolId) {
    const alive = await cognito.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId })).then(() => true, () => false);
    if (!alive) userPoolId = undefined;
  }
  if (!userPoolId) {
    const created = await cognito.send(
      new CreateUserPoolCommand({
        PoolName: localName(pool.stack, pool.id),
        Policies: poolProps.Policies,
        UsernameAttributes: poolProps.UsernameAttributes,
        AutoVerifiedAttributes: poolProps.AutoVerifiedAttributes,
        Schema: poolProps.Schema,
      }),
    );
    userPoolId = created.UserPool!.Id!;
    state.clientId = undefined;
  }
  r.setPhysical(pool.stack, pool.id, {
    ref: userPoolId,
    attrs: { Arn: arn('cognito-idp', `userpool/${userPoolId}`), ProviderURL: `${endpoints.cognito}/${userPoolId}`, ProviderName: `${endpoints.cognito}/${userPoolId}`, UserPoolId: userPoolId },
  });

  const existingGroups = new Set((await cognito.send(new ListGroupsCommand({ UserPoolId: userPoolId }))).Groups?.map((g) => g.GroupName) ?? []);
  for (const { stack, id, resource } of r.resources('AWS::Cognito::UserPoolGroup')) {
    const GroupName = resource.Properties?.GroupName as string;
    if (!existingGroups.has(GroupName)) await cognito.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName, Description: resource.Properties?.Description, Precedence: resource.Properties?.Precedence }));
    r.setPhysical(stack, id, { ref: GroupName, attrs: {} });
  }

  const [appClient] = r.resources('AWS::Cognito::UserPoolClient');
  if (!appClient) throw new Error('The templates define no Cognito app client');
  let clientId = state.clientId;
  if (!clientId) {
    const created = await cognito.send(
      new CreateUserPoolClientCommand({ UserPoolId: userPoolId, ClientName: appClient.resource.Properties?.ClientName ?? 'web', ExplicitAuthFlows: appClient.resource.Properties?.ExplicitAuthFlows }),
    );
    clientId = created.UserPoolClient!.ClientId!;
  }
  r.setPhysical(appClient.stack, appClient.id, { ref: clientId, attrs: { ClientId: clientId } });
  writeFileSync(statePath, JSON.stringify({ userPoolId, clientId }, null, 2));

  for (const { stack, id } of r.resources('AWS::Lambda::Function')) {
    const name = localName(stack, id);
    r.setPhysical(stack, id, { ref: name, attrs: { Arn: arn('lambda', `function:${name}`) } });
  }
  // The HTTP API and its authorizer: routes in other stacks name them through imports.
  for (const type of ['AWS::ApiGatewayV2::Api', 'AWS::ApiGatewayV2::Authorizer']) {
    for (const { stack, id } of r.resources(type)) r.setPhysical(stack, id, { ref: localName(stack, id), attrs: {} });
  }
  for (const { stack, id } of r.resources('AWS::StepFunctions::StateMachine')) {
    const name = localName(stack, id);
    r.setPhysical(stack, id, { ref: arn('states', `stateMachine:${name}`), attrs: { Arn: arn('states', `stateMachine:${name}`), Name: name } });
  }

  for (const c of [ddb, s3, sqs, cognito]) c.destroy();
  return { userPoolId, clientId, queues: provisionedQueues };
}
