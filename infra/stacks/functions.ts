import { Duration } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ROUTES, routeList, WORKER_FUNCTIONS, type RouteDef, type RouteName } from '../../shared/api/routes';
import { BULK_JOB_RUNNER, MEDIA_CONFIRM, SUBMISSION_CONSUMER, type StageConfig } from '../constructs/stage-config';
import { TesseraFunction } from '../constructs/tessera-function';

/** The API's authorizer lives with the HTTP API; every other worker module runs in the background. */
export const API_WORKER_FUNCTIONS = ['apiAuthorizer'] as const;
export type WorkerName = keyof typeof WORKER_FUNCTIONS;
export type ApiWorkerName = (typeof API_WORKER_FUNCTIONS)[number];
export type BackgroundName = Exclude<WorkerName, ApiWorkerName>;

/** `api/create-project` → `ApiCreateProject`: the construct id of a handler's function. */
export function constructIdFor(handler: string): string {
  return handler
    .split(/[/-]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

// Longer than the 10 s default only where the work needs it (workflow tasks must stay under their 30 s task timeout).
const TIMEOUTS: Record<string, Duration> = {
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
  [ROUTES.confirmMedia.handler]: MEDIA_CONFIRM.timeout,
};

const MEMORY: Record<string, number> = {
  [WORKER_FUNCTIONS.importRunner]: BULK_JOB_RUNNER.memorySize,
  [WORKER_FUNCTIONS.exportRunner]: BULK_JOB_RUNNER.memorySize,
  [ROUTES.confirmMedia.handler]: MEDIA_CONFIRM.memorySize,
};

function make(scope: Construct, config: StageConfig, handler: string, description: string): TesseraFunction {
  return new TesseraFunction(scope, constructIdFor(handler), { handler, config, description, timeout: TIMEOUTS[handler], memorySize: MEMORY[handler] }).bindSettings(config);
}

/** The worker modules of one stack: the API's authorizer, or the background modules. */
export function makeFunctions(scope: Construct, config: StageConfig, which: 'background'): Record<BackgroundName, TesseraFunction>;
export function makeFunctions(scope: Construct, config: StageConfig, which: 'api'): Record<ApiWorkerName, TesseraFunction>;
export function makeFunctions(scope: Construct, config: StageConfig, which: 'api' | 'background') {
  const workers = (Object.entries(WORKER_FUNCTIONS) as [WorkerName, string][]).filter(([name]) => (API_WORKER_FUNCTIONS as readonly string[]).includes(name) === (which === 'api'));
  return Object.fromEntries(workers.map(([name, handler]) => [name, make(scope, config, handler, `Tessera ${handler}`)]));
}

/** One function per given route of the route table. */
export function makeRouteFunctions(scope: Construct, config: StageConfig, routes: readonly (RouteDef & { name: RouteName })[]): Partial<Record<RouteName, TesseraFunction>> {
  return Object.fromEntries(routes.map((r) => [r.name, make(scope, config, r.handler, `${r.method} ${r.path}: ${r.summary}`)]));
}

/** The functions of every route, whichever stack each is in; a route without one fails synth. */
export function everyRouteFunction(parts: readonly Partial<Record<RouteName, TesseraFunction>>[]): Record<RouteName, TesseraFunction> {
  const all: Partial<Record<RouteName, TesseraFunction>> = Object.assign({}, ...parts);
  for (const r of routeList()) if (!all[r.name]) throw new Error(`No function for route ${r.name}: no route stack holds it`);
  return all as Record<RouteName, TesseraFunction>;
}

/** Every function's access is decided in its stack's grant list; one left out fails synth. */
export function assertEveryFunctionHasAccess(functions: Record<string, TesseraFunction>, access: Map<TesseraFunction, () => void>): void {
  for (const fn of Object.values(functions)) {
    const bind = access.get(fn);
    if (!bind) throw new Error(`No access decided for ${fn.handler}: add it to the grants of its stack`);
    bind();
  }
}
