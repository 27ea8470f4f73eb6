import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { startApiServer, routesFromTemplate } from './api-server';
import { startEmulators, type Emulators } from './emulators';
import { startQueuePollers, startScheduler } from './event-sources';
import { LocalLambdas } from './lambda-runtime';
import { LOCAL_CREDENTIALS, provision } from './provision';
import { LocalStepFunctions } from './step-functions';
import { LOCAL_REGION, synthesize, TemplateResolver } from './template';
import type { PlatformInfo } from './users';
import { ENV } from '../../shared/config';

export interface LocalPlatform {
  info: PlatformInfo;
  stepFunctions: LocalStepFunctions;
  stop(): Promise<void>;
}

export interface PlatformOptions {
  port: number;
  dataDir: string;
  fresh?: boolean;
  /** Where emulator and handler chatter goes; the console stays for the ready line and errors. */
  logFile?: string;
  root: string;
}

/** The data folder's master key, made on first start; kept with the data it protects, readable by its owner only. */
function localMasterKey(dataDir: string): string {
  const file = join(dataDir, 'master.key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

/**
 * The whole platform on one machine: emulators, the resources of the synthesized templates on them,
 * the functions in this process, the state machines, the queue pollers, the schedule and the API.
 */
export async function startPlatform(opts: PlatformOptions): Promise<LocalPlatform> {
  if (opts.fresh) rmSync(opts.dataDir, { recursive: true, force: true });
  mkdirSync(opts.dataDir, { recursive: true });
  const logFile = opts.logFile ?? join(opts.dataDir, 'platform.log');
  const log = (line: string) => appendFileSync(logFile, `${new Date().toISOString()} ${line}\n`);

  let emulators: Emulators | undefined;
  let sfn: LocalStepFunctions | undefined;
  let api: Server | undefined;
  let pollers: { stop(): Promise<void> } | undefined;
  let scheduler: { stop(): void } | undefined;
  let sqs: SQSClient | undefined;
  const stop = async () => {
    await new Promise<void>((resolve) => (api ? api.close(() => resolve()) : resolve()));
    api?.closeAllConnections();
    scheduler?.stop();
    await pollers?.stop();
    await sfn?.close();
    sqs?.destroy();
    await emulators?.stop();
  };

  try {
    // Java takes a few seconds to come up; synthesize meanwhile.
    const emulatorsStarting = startEmulators(opts.dataDir, log);
    emulatorsStarting.catch(() => {});
    const synthesized = synthesize(process.env.TESSERA_STAGE ?? 'dev');
    emulators = await emulatorsStarting;
    const { endpoints } = emulators;

    const resolver = new TemplateResolver(synthesized);
    const { userPoolId, clientId } = await provision(resolver, endpoints, opts.dataDir);

    Object.assign(process.env, {
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
      AWS_ENDPOINT_URL_S3: endpoints.s3,
      AWS_ENDPOINT_URL_SQS: endpoints.sqs,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: endpoints.cognito,
      S3_FORCE_PATH_STYLE: 'true',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: process.env.TESSERA_LOG_LEVEL ?? 'WARN',
      // No KMS locally: the envelope encryption of payout details wraps with this folder's own key.
      TESSERA_LOCAL_MASTER_KEY: localMasterKey(opts.dataDir),
    });
    const lambdas = new LocalLambdas(resolver, opts.root);
    const { NODE_OPTIONS: _ignored, ...functionEnv } = lambdas.mergedEnvironment();
    Object.assign(process.env, functionEnv);
    // The authorizer verifies tokens against the pool's issuer; locally cognito-local is that issuer,
    // as the AWS_ENDPOINT_URL_* variables make the emulators the SDK's endpoints.
    const issuer = process.env[ENV.jwtIssuer];
    if (issuer) process.env[ENV.jwtIssuer] = localIssuer(issuer, endpoints.cognito, userPoolId);

    sfn = new LocalStepFunctions(resolver, lambdas, log, { taskTimeoutOverrides: taskTimeoutOverrides(process.env.TESSERA_TASK_TIMEOUT_OVERRIDES) });
    process.env.AWS_ENDPOINT_URL_SFN = await sfn.listen();
    process.env.HEALTH_CHECK_URLS = JSON.stringify({ cognito: `${endpoints.cognito}/${userPoolId}/.well-known/jwks.json`, stepfunctions: sfn.url });

    sqs = new SQSClient({ region: LOCAL_REGION, endpoint: endpoints.sqs, credentials: LOCAL_CREDENTIALS });
    pollers = startQueuePollers(resolver, lambdas, sqs, log);
    scheduler = startScheduler(resolver, sfn, lambdas, log);

    api = await startApiServer(routesFromTemplate(resolver, lambdas), lambdas, { port: opts.port, log });
    const info: PlatformInfo = { apiUrl: `http://localhost:${opts.port}`, cognitoUrl: endpoints.cognito, userPoolId, clientId, region: LOCAL_REGION };
    writeFileSync(join(opts.dataDir, 'platform.json'), JSON.stringify({ ...info, endpoints, stepFunctions: sfn.url, pid: process.pid }, null, 2));
    return { info, stepFunctions: sfn, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** `{"ClientAcceptance": 5000}`: how long, in ms, a task-token state waits locally instead of its own timeout (tests). */
export function taskTimeoutOverrides(json: string | undefined): Record<string, number> | undefined {
  if (!json) return undefined;
  const parsed = JSON.parse(json) as Record<string, unknown>;
  for (const [state, ms] of Object.entries(parsed)) {
    if (typeof ms !== 'number' || !(ms > 0)) throw new Error(`TESSERA_TASK_TIMEOUT_OVERRIDES: ${state} must be a number of milliseconds above 0`);
  }
  return parsed as Record<string, number>;
}

/** `https://cognito-idp.<region>.amazonaws.com/<pool>` as the template says it → cognito-local's issuer for the same pool. */
export function localIssuer(templateIssuer: string, cognitoUrl: string, userPoolId: string): string {
  const m = templateIssuer.match(/^https:\/\/cognito-idp\.[\w-]+\.amazonaws\.com\/(.+)$/);
  if (!m || m[1] !== userPoolId) throw new Error(`Unexpected token issuer in the template: ${templateIssuer}`);
  return `${cognitoUrl}/${userPoolId}`;
}
