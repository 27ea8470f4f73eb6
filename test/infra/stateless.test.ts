import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTessera, type Tessera } from '../../infra/app';
import { AREAS, routesOf } from '../../infra/stacks/route-areas';
import { LAMBDA_RUNTIME } from '../../infra/constructs/tessera-function';
import { BULK_JOB_RUNNER, MEDIA_CONFIRM } from '../../infra/constructs/stage-config';
import { RETRYABLE_ERRORS } from '../../infra/constructs/workflow-task';
import { routeList, WORKER_FUNCTIONS } from '../../shared/api/routes';
import { ENV } from '../../shared/config';

/**
 * The code of the dev stage, synthesized once with every Lambda bundled by the local esbuild (no
 * Docker), and the bundles themselves: the API stack (`stateless`), the route stacks and the
 * workflows stack, whose resources are read as one map (their logical ids do not collide).
 */
type Resource = { Type: string; Properties: Record<string, any>; Metadata?: Record<string, unknown>; DeletionPolicy?: string };
type State = { Type: string; Resource?: string; Retry?: any[]; Catch?: any[]; TimeoutSeconds?: number; QueryLanguage?: string; [k: string]: any };

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> };
const ROOT = new URL('../../', import.meta.url).pathname;

let stacks: Tessera;
let assembly: CloudAssembly;
let template: Template;
let workflowsTemplate: Template;
let codeTemplates: Template[];
let resources: Record<string, Resource>;
let statefulQueueVisibility: number;

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const functionsByHandler = () => new Map(ofType('AWS::Lambda::Function').map(([id, r]) => [r.Metadata?.['tessera:handler'] as string, { id, r }]));

/** IAM actions and resources granted to a function's role: its inline policies and any policy attached to it. */
function grantsOf(fnId: string): { actions: string[]; statements: { Action: string | string[]; Resource: unknown }[] } {
  const roleId = resources[fnId]!.Properties.Role['Fn::GetAtt'][0];
  const inline = (resources[roleId]!.Properties.Policies ?? []).flatMap((p: { PolicyDocument: { Statement: unknown[] } }) => p.PolicyDocument.Statement);
  const attached = ofType('AWS::IAM::Policy')
    .filter(([, p]) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
  const statements = [...inline, ...attached];
  return { statements, actions: statements.flatMap((s) => [s.Action].flat()) };
}

/** A DefinitionString with its tokens replaced by `ref:<logicalId>` placeholders, parsed. */
function definitionOf(def: unknown): { StartAt: string; States: Record<string, State>; QueryLanguage?: string; TimeoutSeconds?: number } {
  const placeholder = (part: unknown): string => {
    if (typeof part === 'string') return part;
    const p = part as { 'Fn::GetAtt'?: [string, string]; Ref?: string };
    return `ref:${p['Fn::GetAtt']?.[0] ?? p.Ref ?? 'unknown'}`;
  };
  const text = typeof def === 'string' ? def : (def as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1].map(placeholder).join('');
  return JSON.parse(text);
}

/** Every state, including those inside Map item processors and Parallel branches. */
function allStates(states: Record<string, State>): [string, State][] {
  return Object.entries(states).flatMap(([name, s]) => [
    [name, s] as [string, State],
    ...(s.ItemProcessor ? allStates(s.ItemProcessor.States) : []),
    ...(s.Iterator ? allStates(s.Iterator.States) : []),
    ...((s.Branches ?? []) as { States: Record<string, State> }[]).flatMap((b) => allStates(b.States)),
  ]);
}

function stateMachine(workflow: string) {
  const [id, sm] = ofType('AWS::StepFunctions::StateMachine').find(([, r]) => r.Metadata?.['tessera:workflow'] === workflow)!;
  return { id, sm, definition: definitionOf(sm.Properties.DefinitionString) };
}

/** What an import of the API stack's exports stands for there (a route stack names the API and its authorizer so). */
function apiStackValue(value: unknown): unknown {
  const name = (value as { 'Fn::ImportValue'?: string })['Fn::ImportValue'];
  if (!name) return value;
  const out = Object.values(template.toJSON().Outputs as Record<string, { Value: unknown; Export?: { Name: string } }>).find((o) => o.Export?.Name === name);
  if (!out) throw new Error(`No export ${name} in the API stack`);
  return out.Value;
}

const RUNNERS: string[] = [WORKER_FUNCTIONS.importRunner, WORKER_FUNCTIONS.exportRunner];
const isRunner = (fnId: string) => RUNNERS.includes(resources[fnId]?.Metadata?.['tessera:handler'] as string);

const handlerOfRef = (resource: string | undefined) => {
  const id = resource?.replace(/^ref:/, '');
  return resources[id ?? '']?.Metadata?.['tessera:handler'];
};

beforeAll(() => {
  // Asset metadata (as the CLI adds it) tells where each function's bundle is in the assembly.
  const app = new App({ context: { ...cdkJson.context, stage: 'dev', 'aws:cdk:enable-asset-metadata': true } });
  stacks = createTessera(app);
  assembly = app.synth();
  template = Template.fromStack(stacks.stateless);
  workflowsTemplate = Template.fromStack(stacks.workflows);
  codeTemplates = [workflowsTemplate, template, ...Object.values(stacks.routes).map((s) => Template.fromStack(s))];
  resources = Object.assign({}, ...codeTemplates.map((t) => t.toJSON().Resources));
  expect(Object.keys(resources)).toHaveLength(codeTemplates.reduce((n, t) => n + Object.keys(t.toJSON().Resources).length, 0));
  const queues = Template.fromStack(stacks.stateful).findResources('AWS::SQS::Queue');
  statefulQueueVisibility = Math.max(...Object.values(queues).map((q) => q.Properties.VisibilityTimeout ?? 30));
});

describe('functions', () => {
  const expected = [...routeList().map((r) => r.handler), ...Object.values(WORKER_FUNCTIONS)];

  it('has exactly one function per route and per worker module, tagged with its handler', () => {
    const fns = ofType('AWS::Lambda::Function');
    expect(fns.map(([, r]) => r.Metadata?.['tessera:handler']).sort()).toEqual([...expected].sort());
  });

  it('runs every function on the latest Node.js runtime, arm64, traced, with the house defaults', () => {
    expect(LAMBDA_RUNTIME.name).toMatch(/^nodejs2[24]\.x$/);
    for (const [id, { Properties: p }] of ofType('AWS::Lambda::Function')) {
      expect(p.Runtime, id).toBe(LAMBDA_RUNTIME.name);
      expect(p.Architectures, id).toEqual(['arm64']);
      expect(p.TracingConfig, id).toEqual({ Mode: 'Active' });
      const handler = resources[id]?.Metadata?.['tessera:handler'];
      expect(p.MemorySize, id).toBe(isRunner(id) ? BULK_JOB_RUNNER.memorySize : handler === 'api/confirm-media' ? MEDIA_CONFIRM.memorySize : 512);
      expect(p.Handler, id).toBe('index.handler');
      expect(p.Environment.Variables, id).toMatchObject({ POWERTOOLS_SERVICE_NAME: 'tessera', NODE_OPTIONS: '--enable-source-maps' });
    }
  });

  it('gives every function its own log group with a retention', () => {
    for (const [id, { Properties: p }] of ofType('AWS::Lambda::Function')) {
      const logGroup = resources[p.LoggingConfig?.LogGroup?.Ref];
      expect(logGroup?.Type, id).toBe('AWS::Logs::LogGroup');
      expect(logGroup?.Properties.RetentionInDays, id).toBe(30);
    }
  });

  it("keeps every function role's grants in the role itself, so the stack stays under 500 resources", () => {
    for (const [id, { Properties: p }] of ofType('AWS::Lambda::Function').filter(([, r]) => r.Metadata?.['tessera:handler'])) {
      const roleId = p.Role['Fn::GetAtt'][0];
      expect(ofType('AWS::IAM::Policy').filter(([, pol]) => pol.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId)), id).toEqual([]);
      expect(resources[roleId]!.Properties.Policies, id).toHaveLength(1);
    }
    // Headroom for the next functions: CloudFormation refuses a stack of more than 500 resources.
    for (const t of codeTemplates) expect(Object.keys(t.toJSON().Resources).length).toBeLessThan(480);
  });

  it('uses no AWS managed policy on any role', () => {
    for (const [id, role] of ofType('AWS::IAM::Role')) expect(role.Properties.ManagedPolicyArns, id).toBeUndefined();
  });

  it('bundles each handler as ESM from functions/<handler>.ts', () => {
    for (const [handler, { r }] of functionsByHandler()) {
      const assetDir = join(assembly.directory, r.Metadata?.['aws:asset:path'] as string);
      const code = readFileSync(join(assetDir, 'index.mjs'), 'utf8');
      expect(code.startsWith("import { createRequire } from 'module'"), handler).toBe(true);
      expect(readFileSync(join(assetDir, 'index.mjs.map'), 'utf8')).toContain(`functions/${handler}.ts`);
    }
  });
});

describe('bundles', () => {
  // Loads every bundle the way Lambda would, with only @aws-sdk/* left to resolve from node_modules.
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-bundles-'));
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('imports every bundle in a plain Node.js process and finds an exported handler function', () => {
    const files: Record<string, string> = {};
    // The user pool's trigger is bundled in the stateful stack.
    const statefulFns = Object.entries(Template.fromStack(stacks.stateful).findResources('AWS::Lambda::Function')).filter(([, r]) => r.Metadata?.['tessera:handler']);
    expect(statefulFns).toHaveLength(1);
    const statefulByHandler = statefulFns.map(([id, r]) => [r.Metadata!['tessera:handler'] as string, { id, r: r as Resource }] as const);
    for (const [handler, { r }] of [...functionsByHandler(), ...statefulByHandler]) {
      const target = join(dir, handler.replace('/', '__'));
      mkdirSync(target);
      for (const file of ['index.mjs', 'index.mjs.map']) copyFileSync(join(assembly.directory, r.Metadata?.['aws:asset:path'] as string, file), join(target, file));
      files[handler] = pathToFileURL(join(target, 'index.mjs')).href;
    }
    const script = `
      const files = ${JSON.stringify(files)};
      const out = {};
      for (const [h, url] of Object.entries(files)) {
        try { out[h] = typeof (await import(url)).handler; } catch (e) { out[h] = 'error: ' + e.message; }
      }
      console.log(JSON.stringify(out));`;
    const result = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8', env: { ...process.env, AWS_REGION: 'eu-west-1' } }));
    expect(result).toEqual(Object.fromEntries(Object.keys(files).map((h) => [h, 'function'])));
  });
});

describe('least privilege', () => {
  const envOf = (handler: string) => {
    const { r } = functionsByHandler().get(handler)!;
    const { POWERTOOLS_SERVICE_NAME: _s, NODE_OPTIONS: _n, ...rest } = r.Properties.Environment.Variables as Record<string, unknown>;
    return Object.keys(rest).sort();
  };
  const settings = [ENV.minPayoutMinor, ENV.platformFeeBasisPoints, ENV.holdPeriodHours, ENV.maxActiveClaimsPerWorker];
  const table = [ENV.tableName];
  const writer = [ENV.tableName, ENV.idempotencyTableName];
  const expectedEnv: Record<string, string[]> = {
    'api/health': [...table, ENV.mediaBucket, ENV.submissionQueueUrl],
    'api/openapi': [],
    'api/submit-answer': [...writer, ENV.submissionQueueUrl, ENV.mediaBucket],
    'api/start-payout-run': [...writer, ENV.payoutStateMachineArn],
    'api/resume-payout-run': [...writer, ENV.payoutStateMachineArn],
    'api/cancel-project': [...writer, ENV.closureStateMachineArn],
    'queue/submission-consumer': [...table, ENV.reviewStateMachineArn],
    'api/create-import': [...writer, ENV.mediaBucket],
    'api/start-import': [...writer, ENV.mediaBucket, ENV.importQueueUrl],
    'api/get-import': [...table, ENV.mediaBucket],
    'api/create-export': [...writer, ENV.exportQueueUrl],
    'api/get-export': [...table, ENV.mediaBucket],
    [WORKER_FUNCTIONS.importRunner]: [...table, ENV.mediaBucket, ENV.importQueueUrl],
    [WORKER_FUNCTIONS.exportRunner]: [...table, ENV.mediaBucket, ENV.exportQueueUrl],
  };
  for (const h of ['api/create-project', 'api/add-microtasks', 'api/publish-project', 'api/top-up', 'api/claim-assignment', 'api/claim-next-assignment', 'api/bonus-assignment', 'api/compensate-worker', 'api/subscribe', 'api/set-client-fee', 'api/pause-project', 'api/resume-project', 'api/bulk-bonuses', 'api/update-project']) expectedEnv[h] = writer;
  for (const h of ['api/put-my-profile', 'api/file-appeal', 'api/create-qualification-type', 'api/grant-qualification', 'api/revoke-qualification', 'api/start-attempt', 'api/submit-attempt', 'api/block-worker', 'api/unblock-worker', 'api/exclude-worker', 'api/include-worker', 'api/set-platform-standing', 'api/lift-platform-standing', 'api/decide-appeal', 'api/decide-rejection-appeal']) {
    expectedEnv[h] = writer;
  }
  for (const h of ['api/get-my-profile', 'api/get-task-feed', 'api/get-my-reputation', 'api/list-my-qualifications', 'api/get-my-standing', 'api/export-my-data', 'api/get-qualification-type', 'api/list-appeals', 'api/get-client-reputation', 'api/get-reviewer-pool', 'api/list-rejection-appeals', 'api/answer-training']) expectedEnv[h] = table;
  // Erasure deletes the worker's Cognito user.
  expectedEnv['api/erase-me'] = [...writer, ENV.userPoolId];
  for (const h of ['api/list-projects', 'api/get-project', 'api/get-results', 'api/get-microtask', 'api/get-account', 'api/list-my-assignments', 'api/get-assignment', 'api/get-earnings', 'api/get-payout-run', 'api/get-statement', 'api/get-my-statement', 'api/get-reconciliation']) {
    expectedEnv[h] = table;
  }
  for (const h of Object.values(WORKER_FUNCTIONS).filter((h) => h.startsWith('review/') || h.startsWith('payout/'))) expectedEnv[h] = table;
  // Consensus is pure: it decides from the answers it is handed and touches no resource.
  expectedEnv[WORKER_FUNCTIONS.reviewConsensus] = [];
  // Closing a project may start the review of microtasks whose remaining slots it released.
  expectedEnv[WORKER_FUNCTIONS.closeProject] = [...table, ENV.reviewStateMachineArn];
  expectedEnv[WORKER_FUNCTIONS.sweepLeases] = [...table, ENV.reviewStateMachineArn];
  expectedEnv[WORKER_FUNCTIONS.expireProjects] = [...table, ENV.closureStateMachineArn];
  expectedEnv['api/return-assignment'] = [...writer, ENV.reviewStateMachineArn];
  expectedEnv['api/set-payout-method'] = [...writer, ENV.payoutDetailsKeyArn];
  expectedEnv['api/get-payout-method'] = table;
  expectedEnv[WORKER_FUNCTIONS.payoutPayShard] = [...table, ENV.payoutDetailsKeyArn];
  expectedEnv['api/request-media-upload'] = [...writer, ENV.mediaBucket];
  expectedEnv['api/confirm-media'] = [...writer, ENV.mediaBucket];
  expectedEnv['api/get-media'] = [...table, ENV.mediaBucket];
  // The review's human stages: a reviewer sees the answers' media; the decisions resume the review by task token (no ARN needed).
  expectedEnv['api/claim-review-task'] = [...writer, ENV.mediaBucket];
  for (const h of ['api/decide-review-task', 'api/revise-answer', 'api/decide-acceptance']) expectedEnv[h] = writer;
  // Public and not idempotent: the single-use completion token takes the idempotency key's place.
  expectedEnv['api/submit-external-answer'] = [...table, ENV.submissionQueueUrl, ENV.mediaBucket];
  // API keys: creation is not replayed from the idempotency table, which would keep the key in clear.
  for (const h of ['api/create-api-key', 'api/revoke-api-key']) expectedEnv[h] = table;
  expectedEnv['api/list-api-keys'] = table;
  expectedEnv[WORKER_FUNCTIONS.apiAuthorizer] = [...table, ENV.jwtIssuer, ENV.jwtAudience];
  const writersWithoutIdempotency = ['api/create-api-key', 'api/revoke-api-key'];
  const noAccess = ['api/openapi', WORKER_FUNCTIONS.reviewConsensus];

  it('decides the access of every function', () => {
    expect(Object.keys(expectedEnv).sort()).toEqual([...functionsByHandler().keys()].sort());
  });

  it('sets exactly the environment each function needs', () => {
    for (const [handler, env] of Object.entries(expectedEnv)) expect(envOf(handler), handler).toEqual([...env, ...settings].sort());
  });

  it('grants writes only to the functions that write', () => {
    const writes = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
    for (const [handler, { id }] of functionsByHandler()) {
      const { actions } = grantsOf(id);
      const writesMain =
        expectedEnv[handler]!.includes(ENV.idempotencyTableName) ||
        writersWithoutIdempotency.includes(handler) ||
        (expectedEnv[handler]!.includes(ENV.tableName) && /^(review|payout|queue|project|work)\//.test(handler)) ||
        handler === 'api/submit-external-answer';
      if (handler === WORKER_FUNCTIONS.apiAuthorizer) {
        // It stamps a key's last use and nothing else.
        expect(actions.filter((a) => writes.includes(a)), handler).toEqual(['dynamodb:UpdateItem']);
      } else if (!writesMain && !noAccess.includes(handler)) {
        expect(actions.filter((a) => writes.includes(a)), handler).toEqual([]);
        expect(actions, handler).toContain('dynamodb:Query');
      }
      expect(actions.some((a) => a.includes('*')), `${handler}: ${actions.join(', ')}`).toBe(false);
      expect(actions, handler).not.toContain('dynamodb:Scan');
    }
  });

  it('gives api/openapi and review/consensus nothing but their logs and traces', () => {
    for (const handler of noAccess) {
      const { actions } = grantsOf(functionsByHandler().get(handler)!.id);
      expect(actions.sort(), handler).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    }
  });

  it('lets only the senders send to a queue, each to its own, and only the starters start a workflow', () => {
    const stateful = Template.fromStack(stacks.stateful).toJSON().Resources as Record<string, unknown>;
    const queueId = (prefix: string) => Object.keys(stateful).find((id) => id.startsWith(prefix))!;
    const sendsTo: Record<string, string> = {
      'api/submit-answer': queueId('SubmissionQueue'),
      'api/submit-external-answer': queueId('SubmissionQueue'),
      'api/start-import': queueId('ImportQueue'),
      [WORKER_FUNCTIONS.importRunner]: queueId('ImportQueue'),
      'api/create-export': queueId('ExportQueue'),
      [WORKER_FUNCTIONS.exportRunner]: queueId('ExportQueue'),
    };
    for (const [handler, { id }] of functionsByHandler()) {
      const { statements } = grantsOf(id);
      const sends = statements.filter((s) => [s.Action].flat().includes('sqs:SendMessage')).map((s) => JSON.stringify(s.Resource));
      expect(sends.length, handler).toBe(sendsTo[handler] ? 1 : 0);
      if (sendsTo[handler]) expect(sends[0], handler).toContain(sendsTo[handler]);
      // In the API stack a state machine's ARN is an import of the workflows stack's export, named after it.
      const smIds = ofType('AWS::StepFunctions::StateMachine').map(([smId]) => smId);
      const refOf = (res: { Ref?: string; 'Fn::ImportValue'?: string }) => res.Ref ?? smIds.find((smId) => res['Fn::ImportValue']?.includes(smId));
      const starts = statements.filter((s) => [s.Action].flat().includes('states:StartExecution')).map((s) => refOf(s.Resource as { Ref?: string }));
      const expectedStart = { 'queue/submission-consumer': stateMachine('review').id, 'api/start-payout-run': stateMachine('payout').id, 'api/resume-payout-run': stateMachine('payout').id, 'api/cancel-project': stateMachine('closure').id, 'project/expire-projects': stateMachine('closure').id, 'project/release-open-slots': stateMachine('review').id, 'work/sweep-leases': stateMachine('review').id, 'api/return-assignment': stateMachine('review').id }[handler];
      expect(starts, handler).toEqual(expectedStart ? [expectedStart] : []);
    }
  });

  it('lets only the review decision routes answer task tokens, and only of the review workflow', () => {
    const answering = ['api/decide-review-task', 'api/revise-answer', 'api/decide-acceptance'];
    const review = stateMachine('review').id;
    for (const [handler, { id }] of functionsByHandler()) {
      const statements = grantsOf(id).statements.filter((s) => [s.Action].flat().some((a) => String(a).startsWith('states:SendTask')));
      expect(statements.flatMap((s) => [s.Action].flat()).sort(), handler).toEqual(answering.includes(handler) ? ['states:SendTaskFailure', 'states:SendTaskHeartbeat', 'states:SendTaskSuccess'] : []);
      for (const s of statements) expect(JSON.stringify(s.Resource), handler).toContain(review);
    }
  });

  it('lets only api/set-payout-method seal and only payout/pay-shard open payout details, on the one key', () => {
    for (const [handler, { id }] of functionsByHandler()) {
      const kms = grantsOf(id).statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('kms:')));
      const expected = { 'api/set-payout-method': ['kms:GenerateDataKey'], [WORKER_FUNCTIONS.payoutPayShard]: ['kms:Decrypt'] }[handler] ?? [];
      expect(kms.flatMap((s) => [s.Action].flat()), handler).toEqual(expected);
      for (const s of kms) expect(JSON.stringify(s.Resource), handler).toContain('PayoutDetailsKey');
    }
  });

  it('confines media object actions to media/* with only the actions each media route needs', () => {
    const expected: Record<string, string[]> = {
      'api/request-media-upload': ['s3:PutObject'],
      'api/confirm-media': ['s3:DeleteObject', 's3:GetObject'],
      'api/get-media': ['s3:GetObject'],
      'api/claim-review-task': ['s3:GetObject'],
    };
    for (const [handler, { id }] of functionsByHandler()) {
      // Bulk jobs have object actions of their own, under jobs/ (checked with the bulk job grants), and submits read the IP country table under config/ (below).
      const objectStatements = grantsOf(id).statements.filter(
        (s) => [s.Action].flat().some((a) => a.startsWith('s3:') && a !== 's3:ListBucket') && !JSON.stringify(s.Resource).includes('/jobs/') && !JSON.stringify(s.Resource).includes('/config/'),
      );
      expect(objectStatements.flatMap((s) => [s.Action].flat()).sort(), handler).toEqual(expected[handler] ?? []);
      for (const s of objectStatements) {
        const resource = JSON.stringify(s.Resource);
        expect(resource, handler).toContain('MediaBucketArn');
        expect(resource, handler).toMatch(/\/media\/\*"\]\]\}$/);
      }
    }
  });

  it('lets only api/erase-me delete users, and only in the user pool', () => {
    for (const [handler, { id }] of functionsByHandler()) {
      const { actions, statements } = grantsOf(id);
      const cognito = actions.filter((a) => a.startsWith('cognito-idp:')).sort();
      expect(cognito, handler).toEqual(handler === 'api/erase-me' ? ['cognito-idp:AdminDeleteUser', 'cognito-idp:ListUsers'] : []);
      if (cognito.length) expect(JSON.stringify(statements.filter((s) => [s.Action].flat().some((a) => String(a).startsWith('cognito-idp:'))))).toContain('UserPool');
    }
  });

  it('names the GSIs instead of granting index/*', () => {
    const { statements } = grantsOf(functionsByHandler().get('api/get-project')!.id);
    expect(JSON.stringify(statements)).toContain('/index/gsi1');
    expect(JSON.stringify(statements)).toContain('/index/gsi2');
    expect(JSON.stringify(statements)).not.toContain('/index/*');
  });
});

describe('submission consumer', () => {
  it('reads the queue in batches of 10 with partial batch failures', () => {
    const consumer = functionsByHandler().get(WORKER_FUNCTIONS.submissionConsumer)!;
    workflowsTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: consumer.id },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 1,
    });
    workflowsTemplate.resourceCountIs('AWS::Lambda::EventSourceMapping', 3);
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 0);
  });

  it('times out well within the queue visibility timeout', () => {
    const consumer = functionsByHandler().get(WORKER_FUNCTIONS.submissionConsumer)!;
    expect(statefulQueueVisibility).toBeGreaterThanOrEqual(6 * consumer.r.Properties.Timeout);
  });
});

describe('bulk job runners', () => {
  it('take one job message at a time from their queue, with partial batch failures, well within its visibility timeout', () => {
    for (const handler of RUNNERS) {
      const fn = functionsByHandler().get(handler)!;
      workflowsTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', { FunctionName: { Ref: fn.id }, BatchSize: 1, FunctionResponseTypes: ['ReportBatchItemFailures'] });
      expect(fn.r.Properties.Timeout, handler).toBe(BULK_JOB_RUNNER.timeout.toSeconds());
      expect(statefulQueueVisibility).toBeGreaterThanOrEqual(6 * fn.r.Properties.Timeout);
    }
  });

  it('lets only the submit routes read the IP country table, that one object and nothing else under config/', () => {
    for (const [handler, { id }] of functionsByHandler()) {
      const config = grantsOf(id).statements.filter((s) => JSON.stringify(s.Resource).includes('/config/'));
      const expected = ['api/submit-answer', 'api/submit-external-answer'].includes(handler) ? [{ actions: ['s3:GetObject'], key: '/config/ip-country.csv' }] : [];
      expect(
        config.map((s) => ({ actions: [s.Action].flat().sort(), key: JSON.stringify(s.Resource).match(/\/config\/[^"]*/)?.[0] })),
        handler,
      ).toEqual(expected);
    }
  });

  it('reach only the job files they need, by key pattern, and never list the bucket', () => {
    const s3Grants = (handler: string) =>
      grantsOf(functionsByHandler().get(handler)!.id)
        .statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:')))
        .map((s) => ({ actions: [s.Action].flat().sort(), resource: JSON.stringify(s.Resource).match(/\/jobs\/[^"]*/)?.[0] }));
    expect(s3Grants('api/create-import')).toEqual([{ actions: ['s3:AbortMultipartUpload', 's3:PutObject'], resource: '/jobs/imports/*/source' }]);
    expect(s3Grants('api/start-import')).toEqual([{ actions: ['s3:GetObject'], resource: '/jobs/imports/*/source' }]);
    expect(s3Grants(WORKER_FUNCTIONS.importRunner)).toEqual([
      { actions: ['s3:GetObject'], resource: '/jobs/imports/*/source' },
      { actions: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'], resource: '/jobs/imports/*/errors.jsonl' },
    ]);
    expect(s3Grants('api/get-export')).toEqual([{ actions: ['s3:GetObject'], resource: '/jobs/exports/*/results.*' }]);
    expect(s3Grants(WORKER_FUNCTIONS.exportRunner)).toEqual([{ actions: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'], resource: '/jobs/exports/*' }]);
    expect(s3Grants('api/create-export')).toEqual([]);
  });
});

describe('HTTP API', () => {
  const routes = () => ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);

  it('has one route per route table entry and nothing else', () => {
    expect(routes().map((r) => r.RouteKey).sort()).toEqual(routeList().map((r) => `${r.method} ${r.path}`).sort());
  });

  it('protects every non-public route with the Lambda authorizer and leaves the public ones open', () => {
    const [authorizerId] = ofType('AWS::ApiGatewayV2::Authorizer')[0]!;
    for (const route of routeList()) {
      const r = routes().find((x) => x.RouteKey === `${route.method} ${route.path}`)!;
      if (route.auth === 'public') {
        expect(r.AuthorizationType, route.name).toBe('NONE');
        expect(r.AuthorizerId, route.name).toBeUndefined();
      } else {
        expect(r.AuthorizationType, route.name).toBe('CUSTOM');
        expect(apiStackValue(r.AuthorizerId), route.name).toEqual({ Ref: authorizerId });
      }
    }
  });

  it('puts each route, its integration and its function in the stack of its area, and the API, stage and authorizer in the API stack', () => {
    for (const area of AREAS) {
      const t = Template.fromStack(stacks.routes[area]).toJSON().Resources as Record<string, Resource>;
      const keys = Object.values(t).filter((r) => r.Type === 'AWS::ApiGatewayV2::Route').map((r) => r.Properties.RouteKey);
      expect(keys.sort(), area).toEqual(routesOf(area).map((r) => `${r.method} ${r.path}`).sort());
      const handlers = Object.values(t).filter((r) => r.Type === 'AWS::Lambda::Function').map((r) => r.Metadata?.['tessera:handler']);
      expect(handlers.sort(), area).toEqual(routesOf(area).map((r) => r.handler).sort());
      for (const r of Object.values(t).filter((x) => x.Type.startsWith('AWS::ApiGatewayV2::'))) {
        expect(['AWS::ApiGatewayV2::Route', 'AWS::ApiGatewayV2::Integration'], area).toContain(r.Type);
        expect(apiStackValue(r.Properties.ApiId), area).toEqual({ Ref: ofType('AWS::ApiGatewayV2::Api')[0]![0] });
      }
      expect(stacks.routes[area].dependencies, area).toContain(stacks.stateless);
    }
    for (const type of ['AWS::ApiGatewayV2::Api', 'AWS::ApiGatewayV2::Stage', 'AWS::ApiGatewayV2::Authorizer']) template.resourceCountIs(type, 1);
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 0);
    expect(Object.values(template.findResources('AWS::Lambda::Function')).map((f) => f.Metadata?.['tessera:handler'])).toEqual([WORKER_FUNCTIONS.apiAuthorizer]);
  });

  it('lets API Gateway invoke each route function for its own route only', () => {
    const fns = functionsByHandler();
    for (const route of routeList()) {
      const fnId = fns.get(route.handler)!.id;
      const permissions = ofType('AWS::Lambda::Permission').filter(([, p]) => p.Properties.FunctionName?.['Fn::GetAtt']?.[0] === fnId);
      expect(permissions, route.name).toHaveLength(1);
      const [, p] = permissions[0]!;
      expect(p.Properties.Principal, route.name).toBe('apigateway.amazonaws.com');
      const parts = p.Properties.SourceArn['Fn::Join'][1] as unknown[];
      expect(parts.at(-1), route.name).toBe(`/*/*${route.path}`);
    }
  });

  it('sends each route to its own function', () => {
    const fns = functionsByHandler();
    for (const route of routeList()) {
      const r = routes().find((x) => x.RouteKey === `${route.method} ${route.path}`)!;
      const integration = resources[r.Target['Fn::Join'][1][1].Ref]!;
      expect(integration.Properties.IntegrationUri['Fn::GetAtt'][0], route.name).toBe(fns.get(route.handler)!.id);
      expect(integration.Properties.PayloadFormatVersion).toBe('2.0');
    }
  });

  it('authorizes with the authorizer function: simple responses, cached briefly per Authorization header', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    const [, authorizer] = ofType('AWS::ApiGatewayV2::Authorizer')[0]!;
    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerResultTtlInSeconds: 2,
    });
    const fn = functionsByHandler().get(WORKER_FUNCTIONS.apiAuthorizer)!;
    expect(JSON.stringify(authorizer.Properties.AuthorizerUri)).toContain(fn.id);
    template.hasResourceProperties('AWS::Lambda::Permission', { Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com', FunctionName: { 'Fn::GetAtt': [fn.id, 'Arn'] } });
    // Made with the authorizer in the API stack, for that authorizer only.
    const [, permission] = ofType('AWS::Lambda::Permission').find(([, p]) => p.Properties.FunctionName?.['Fn::GetAtt']?.[0] === fn.id)!;
    expect(JSON.stringify(permission.Properties.SourceArn)).toContain(`"/authorizers/",{"Ref":"${ofType('AWS::ApiGatewayV2::Authorizer')[0]![0]}"}`);
  });

  it('has the authorizer check tokens of the web client issued by the user pool', () => {
    const env = functionsByHandler().get(WORKER_FUNCTIONS.apiAuthorizer)!.r.Properties.Environment.Variables;
    expect(JSON.stringify(env[ENV.jwtAudience])).toMatch(/UserPoolWebClient/);
    const issuer = JSON.stringify(env[ENV.jwtIssuer]);
    expect(issuer).toContain('https://cognito-idp.');
    expect(issuer).toContain('.amazonaws.com/');
    expect(issuer).toMatch(/ExportsOutputRefUserPool/);
  });

  it('throttles the default stage and writes JSON access logs', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
    const [, stage] = ofType('AWS::ApiGatewayV2::Stage')[0]!;
    const logs = stage.Properties.AccessLogSettings;
    expect(resources[logs.DestinationArn['Fn::GetAtt'][0]]?.Properties.RetentionInDays).toBe(30);
    expect(JSON.parse(logs.Format)).toMatchObject({ requestId: '$context.requestId', status: '$context.status', routeKey: '$context.routeKey' });
  });

  it('answers CORS preflights', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: { AllowOrigins: ['*'], AllowHeaders: ['authorization', 'content-type', 'idempotency-key'] },
    });
  });
});

describe('workflows', () => {
  for (const workflow of ['review', 'payout', 'closure']) {
    it(`${workflow}: Standard, JSONPath, traced, logging errors, with retries, catches and timeouts on every task`, () => {
      const { sm, definition } = stateMachine(workflow);
      expect(sm.Properties.StateMachineType).toBe('STANDARD');
      expect(sm.Properties.TracingConfiguration).toEqual({ Enabled: true });
      expect(sm.Properties.LoggingConfiguration.Level).toBe('ERROR');
      expect(resources[sm.Properties.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'][0]]?.Properties.RetentionInDays).toBe(30);
      expect(definition.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
      const states = allStates(definition.States);
      const tasks = states.filter(([, s]) => s.Type === 'Task');
      expect(tasks.length).toBeGreaterThan(0);
      for (const [, s] of states) expect(s.QueryLanguage ?? 'JSONPath').not.toBe('JSONata');
      const humanWaits = tasks.filter(([, s]) => String(s.Resource).endsWith('lambda:invoke.waitForTaskToken'));
      for (const [name, task] of tasks.filter((t) => !humanWaits.includes(t))) {
        expect(task.TimeoutSeconds, name).toBe(30);
        expect(task.ResultPath ?? '$', name).toBe('$'); // the whole result becomes the next state ("$" is the default)
        expect(task.Resource, name).toMatch(/^ref:/); // payloadResponseOnly: the function ARN itself
        expect(task.Retry, name).toEqual([expect.objectContaining({ ErrorEquals: [...RETRYABLE_ERRORS], MaxAttempts: 3, BackoffRate: 2 })]);
        expect(task.Catch, name).toEqual([expect.objectContaining({ ErrorEquals: ['States.ALL'], ResultPath: '$.error' })]);
      }
      // A human is waited for with a timeout from the policy, which leads somewhere defined; a timeout is never retried.
      for (const [name, task] of humanWaits) {
        expect(workflow, name).toBe('review');
        expect(task.TimeoutSecondsPath, name).toMatch(/^\$\.policy\./);
        expect(task.Parameters.Payload, name).toMatchObject({ 'taskToken.$': '$$.Task.Token', 'state.$': '$' });
        expect(task.Retry, name).toEqual([expect.objectContaining({ ErrorEquals: RETRYABLE_ERRORS.filter((e) => e !== 'States.Timeout') })]);
        expect(task.Catch, name).toEqual([
          expect.objectContaining({ ErrorEquals: ['States.Timeout'], ResultPath: null }),
          expect.objectContaining({ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'MarkReviewFailed' }),
        ]);
      }
    });
  }

  it('review: the stages in order, each human stage behind a Choice on the policy carried in the state, failures through MarkReviewFailed', () => {
    const { definition: d, sm } = stateMachine('review');
    const s = d.States as Record<string, State>;
    const choice = (name: string) => {
      const c = s[name]!;
      expect(c.Type, name).toBe('Choice');
      expect(c.Choices, name).toHaveLength(1);
      return { variable: c.Choices[0].Variable, when: c.Choices[0].Next, otherwise: c.Default };
    };
    expect(d.StartAt).toBe('LoadSubmissions');
    expect(s.LoadSubmissions!.Next).toBe('AutoChecksEnabled?');
    expect(choice('AutoChecksEnabled?')).toEqual({ variable: '$.policy.autoChecks', when: 'AutoChecks', otherwise: 'Consensus' });
    expect(s.AutoChecks!.Next).toBe('Consensus');
    expect(s.Consensus!.Next).toBe('AdaptiveRedundancy');
    // Adaptive redundancy: one more slot and this round ends, or on to the human stages.
    expect(s.AdaptiveRedundancy).toMatchObject({ Type: 'Choice', Choices: [{ Variable: '$.adaptive', IsPresent: true, Next: 'OpenAnotherSlot' }], Default: 'ReviewerNeeded?' });
    expect(s.OpenAnotherSlot!.Next).toBe('AnotherSlotOpened');
    expect(s.AnotherSlotOpened).toMatchObject({ Type: 'Choice', Choices: [{ Variable: '$.moreAnswers.opened', BooleanEquals: true }], Default: 'ReviewerNeeded?' });
    expect(s[(s.AnotherSlotOpened as unknown as { Choices: { Next: string }[] }).Choices[0]!.Next]!.Type).toBe('Succeed');
    expect(handlerOfRef(s.OpenAnotherSlot!.Resource)).toBe(WORKER_FUNCTIONS.reviewOpenAnotherSlot);
    expect(choice('ReviewerNeeded?')).toEqual({ variable: '$.route.reviewer', when: 'ReviewerStage', otherwise: 'SpotCheckNeeded?' });
    expect(s.ReviewerStage!.Next).toBe('ApplyReview');
    expect(choice('RevisionRequested?')).toEqual({ variable: '$.revision.requested', when: 'RequestRevision', otherwise: 'SpotCheckNeeded?' });
    expect(s.ApplyReview!.Next).toBe('RevisionRequested?');
    expect(s.RequestRevision!.Next).toBe('LoadSubmissions');
    expect(choice('SpotCheckNeeded?')).toEqual({ variable: '$.route.spotCheck', when: 'SpotCheck', otherwise: 'ClientAcceptanceEnabled?' });
    expect(s.SpotCheck!.Next).toBe('ApplySpotCheck');
    expect(s.ApplySpotCheck!.Next).toBe('ClientAcceptanceEnabled?');
    expect(choice('ClientAcceptanceEnabled?')).toEqual({ variable: '$.policy.clientAcceptance.enabled', when: 'ClientAcceptance', otherwise: 'Finalize' });
    expect(s.ClientAcceptance!.Next).toBe('Finalize');
    expect(s[s.Finalize!.Next]!.Type).toBe('Succeed');

    // Where each timeout leads: the reviewer is offered again once, then consensus stands; a revision deadline resumes review; the window accepts.
    const onTimeout = (name: string) => s[name]!.Catch![0].Next;
    expect(onTimeout('ReviewerStage')).toBe('ReofferReview');
    expect(onTimeout('ReofferReview')).toBe('ReviewerTimedOut');
    expect(s.ReviewerTimedOut).toMatchObject({ Type: 'Pass', Result: { kind: 'reviewer', outcome: 'timed_out' }, ResultPath: '$.humanReview', Next: 'ApplyReview' });
    expect(onTimeout('SpotCheck')).toBe('SpotCheckTimedOut');
    expect(s.SpotCheckTimedOut).toMatchObject({ Type: 'Pass', Result: { kind: 'spot_check', outcome: 'timed_out' }, Next: 'ApplySpotCheck' });
    expect(onTimeout('RequestRevision')).toBe('LoadSubmissions');
    expect(onTimeout('ClientAcceptance')).toBe('AutoAccept');
    expect(s.AutoAccept).toMatchObject({ Type: 'Pass', Result: { decision: 'auto_accepted' }, ResultPath: '$.acceptance', Next: 'Finalize' });
    expect(s.ReviewerStage!.TimeoutSecondsPath).toBe('$.policy.reviewer.timeoutSeconds');
    expect(s.RequestRevision!.TimeoutSecondsPath).toBe('$.policy.reviewer.revisionSeconds');
    expect(s.ClientAcceptance!.TimeoutSecondsPath).toBe('$.policy.clientAcceptance.windowSeconds');
    expect(s.ReviewerStage!.Parameters.Payload).toMatchObject({ kind: 'reviewer', attempt: 0 });
    expect(s.ReofferReview!.Parameters.Payload).toMatchObject({ kind: 'reviewer', attempt: 1 });
    expect(s.SpotCheck!.Parameters.Payload).toMatchObject({ kind: 'spot_check', attempt: 0 });
    // Long enough for the policy schema's longest path (every revision round, a spot check, the client's window).
    expect(d.TimeoutSeconds).toBe(180 * 86400);
    expect(sm.Properties.StateMachineType).toBe('STANDARD');

    for (const name of ['LoadSubmissions', 'AutoChecks', 'Consensus', 'OpenAnotherSlot', 'ApplyReview', 'ApplySpotCheck', 'Finalize']) expect(s[name]!.Catch!.at(-1).Next, name).toBe('MarkReviewFailed');
    expect(s[s.MarkReviewFailed!.Next]!.Type).toBe('Fail');
    expect(s[s.MarkReviewFailed!.Catch![0].Next]!.Type).toBe('Fail');
    const handlerOfWait = (name: string) => handlerOfRef(s[name]!.Parameters.FunctionName);
    expect(handlerOfRef(s.LoadSubmissions!.Resource)).toBe(WORKER_FUNCTIONS.reviewLoad);
    expect(handlerOfRef(s.AutoChecks!.Resource)).toBe(WORKER_FUNCTIONS.reviewAutoChecks);
    expect(handlerOfRef(s.Consensus!.Resource)).toBe(WORKER_FUNCTIONS.reviewConsensus);
    expect(handlerOfRef(s.ApplyReview!.Resource)).toBe(WORKER_FUNCTIONS.reviewApply);
    expect(handlerOfRef(s.ApplySpotCheck!.Resource)).toBe(WORKER_FUNCTIONS.reviewApply);
    for (const name of ['ReviewerStage', 'ReofferReview', 'SpotCheck']) expect(handlerOfWait(name), name).toBe(WORKER_FUNCTIONS.reviewOpenTask);
    expect(handlerOfWait('RequestRevision')).toBe(WORKER_FUNCTIONS.reviewRequestRevision);
    expect(handlerOfWait('ClientAcceptance')).toBe(WORKER_FUNCTIONS.reviewOpenAcceptance);
    expect(handlerOfRef(s.Finalize!.Resource)).toBe(WORKER_FUNCTIONS.reviewFinalize);
    expect(handlerOfRef(s.MarkReviewFailed!.Resource)).toBe(WORKER_FUNCTIONS.reviewFailed);
  });

  it('payout: PreparePayoutRun → PayShards (Map ≤ 4, PayShard looping until done) → CompletePayoutRun → Succeed', () => {
    const { definition: d } = stateMachine('payout');
    const s = d.States;
    expect(d.StartAt).toBe('PreparePayoutRun');
    expect(handlerOfRef(s.PreparePayoutRun!.Resource)).toBe(WORKER_FUNCTIONS.payoutPrepare);
    const map = s[s.PreparePayoutRun!.Next]!;
    expect(map).toMatchObject({ Type: 'Map', ItemsPath: '$.shards', MaxConcurrency: 4, ResultPath: '$.shardResults' });
    expect(map.Catch![0]).toMatchObject({ ErrorEquals: ['States.ALL'] });
    const inner = map.ItemProcessor.States as Record<string, State>;
    const payShard = inner[map.ItemProcessor.StartAt]!;
    expect(handlerOfRef(payShard.Resource)).toBe(WORKER_FUNCTIONS.payoutPayShard);
    const choice = inner[payShard.Next]!;
    expect(choice.Type).toBe('Choice');
    expect(choice.Choices).toEqual(expect.arrayContaining([{ Variable: '$.done', BooleanEquals: false, Next: map.ItemProcessor.StartAt }]));
    const complete = s[map.Next]!;
    expect(handlerOfRef(complete.Resource)).toBe(WORKER_FUNCTIONS.payoutComplete);
    expect(s[complete.Next]!.Type).toBe('Succeed');
  });

  it('closure: ReleaseOpenSlots loops on $.done until ProjectClosed', () => {
    const { definition: d } = stateMachine('closure');
    const s = d.States as Record<string, State>;
    expect(d.StartAt).toBe('ReleaseOpenSlots');
    expect(handlerOfRef(s.ReleaseOpenSlots!.Resource)).toBe(WORKER_FUNCTIONS.closeProject);
    const choice = s[s.ReleaseOpenSlots!.Next]!;
    expect(choice.Choices).toEqual(expect.arrayContaining([{ Variable: '$.done', BooleanEquals: false, Next: 'ReleaseOpenSlots' }, { Variable: '$.done', BooleanEquals: true, Next: 'ProjectClosed' }]));
  });

  it('lets the state machines invoke only their own functions', () => {
    for (const [workflow, handlers] of [
      ['review', Object.values(WORKER_FUNCTIONS).filter((h) => h.startsWith('review/'))],
      ['payout', ['payout/prepare-run', 'payout/pay-shard', 'payout/complete-run']],
      ['closure', ['project/release-open-slots']],
    ] as const) {
      const { sm } = stateMachine(workflow);
      const roleId = sm.Properties.RoleArn['Fn::GetAtt'][0];
      const invoked = ofType('AWS::IAM::Policy')
        .filter(([, p]) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement)
        .filter((st) => [st.Action].flat().includes('lambda:InvokeFunction'))
        .flatMap((st) => [st.Resource].flat())
        .map((res) => resources[(res['Fn::GetAtt']?.[0] ?? res['Fn::Join'][1][0]['Fn::GetAtt'][0]) as string]?.Metadata?.['tessera:handler']);
      expect([...new Set(invoked)].sort(), workflow).toEqual([...handlers].sort());
    }
  });

  it('starts the payout run every Monday at 06:00 UTC with a schedule trigger', () => {
    const { id } = stateMachine('payout');
    workflowsTemplate.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0 6 ? * MON *)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { Ref: id }, Input: JSON.stringify({ trigger: 'schedule' }) })],
    });
  });
});
