import { Annotations, App, Tags, Validations, type Environment } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { stageConfig, type StageConfig } from './constructs/stage-config';
import { StatefulStack } from './stacks/stateful-stack';
import { everyRouteFunction } from './stacks/functions';
import { AREAS, type Area } from './stacks/route-areas';
import { RoutesStack } from './stacks/routes-stack';
import { StatelessStack } from './stacks/stateless-stack';
import { WorkflowsStack } from './stacks/workflows-stack';

/**
 * The environment from the CLI's credentials when there are any (CDK_DEFAULT_ACCOUNT/REGION), else
 * environment-agnostic: `cdk synth` needs no AWS account.
 */
function environment(): Environment | undefined {
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const region = process.env.CDK_DEFAULT_REGION;
  return account || region ? { account, region } : undefined;
}

function flag(value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  return value !== false && value !== 'false';
}

export interface Tessera {
  stateful: StatefulStack;
  workflows: WorkflowsStack;
  /** The HTTP API, its authorizer and the grant list of every function behind it. */
  stateless: StatelessStack;
  /** The route functions and routes, one stack per area. */
  routes: Record<Area, RoutesStack>;
  config: StageConfig;
}

/**
 * Builds Tessera into `app`: `-c stage=dev|prod` (default dev) selects the config; the stacks are
 * `Tessera-<stage>-Stateful` (data), `Tessera-<stage>-Workflows` (state machines, consumers,
 * schedules), `Tessera-<stage>-Stateless` (the HTTP API and its authorizer) and
 * `Tessera-<stage>-Routes-<Area>` (the routes of one area). The cdk-nag AWS Solutions checks
 * run on every synth and fail it on an unacknowledged finding (`-c nag=false` skips them).
 */
export function createTessera(app: App): Tessera {
  const config = stageConfig({ stage: app.node.tryGetContext('stage'), allowedOrigins: app.node.tryGetContext('allowedOrigins'), payoutSchedule: app.node.tryGetContext('payoutSchedule') });
  const env = environment();
  const prefix = `Tessera-${config.stage}`;

  const stateful = new StatefulStack(app, `${prefix}-Stateful`, {
    env,
    config,
    description: `Tessera (${config.stage}): tables, media bucket, submission queue, user pool`,
    terminationProtection: config.stage === 'prod',
  });
  const workflows = new WorkflowsStack(app, `${prefix}-Workflows`, {
    env,
    config,
    description: `Tessera (${config.stage}): state machines, queue consumers, job runners, schedules`,
    table: stateful.table,
    mediaBucket: stateful.mediaBucket,
    submissionQueue: stateful.submissionQueue,
    importQueue: stateful.importQueue,
    exportQueue: stateful.exportQueue,
    payoutDetailsKey: stateful.payoutDetailsKey,
  });
  const stateless = new StatelessStack(app, `${prefix}-Stateless`, {
    env,
    config,
    description: `Tessera (${config.stage}): HTTP API and its authorizer`,
    workflows,
    table: stateful.table,
    idempotencyTable: stateful.idempotencyTable,
    mediaBucket: stateful.mediaBucket,
    mediaBucketArn: stateful.mediaBucketArnImport,
    submissionQueue: stateful.submissionQueue,
    importQueue: stateful.importQueue,
    exportQueue: stateful.exportQueue,
    userPool: stateful.userPool,
    userPoolClient: stateful.userPoolClient,
    payoutDetailsKey: stateful.payoutDetailsKey,
  });

  const routes = Object.fromEntries(
    AREAS.map((area) => [
      area,
      new RoutesStack(app, `${prefix}-Routes-${area}`, { env, config, area, api: stateless.api, description: `Tessera (${config.stage}): ${area.toLowerCase()} routes and their functions` }),
    ]),
  ) as Record<Area, RoutesStack>;
  stateless.grantApiAccess(everyRouteFunction(Object.values(routes).map((s) => s.functions)));

  for (const stack of [stateful, workflows, stateless, ...Object.values(routes)]) {
    Tags.of(stack).add('app', 'tessera');
    Tags.of(stack).add('stage', config.stage);
  }
  if (config.stage === 'prod' && !config.allowedOriginsConfigured) {
    Annotations.of(stateful).addWarningV2(
      'tessera:allowed-origins',
      `CORS allows only the placeholder ${config.allowedOrigins.join(', ')}: deploy with -c allowedOrigins=https://your.web.app`,
    );
  }
  if (flag(app.node.tryGetContext('nag'), true)) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  }
  return { stateful, workflows, stateless, routes, config };
}
