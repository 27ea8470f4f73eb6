import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { CronOptions } from 'aws-cdk-lib/aws-events';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

/**
 * Everything that differs between deployments of Tessera lives here, so the stacks read one object
 * instead of branching on the stage name. Selected with `cdk synth -c stage=dev|prod`.
 */
export const STAGES = ['dev', 'prod'] as const;
export type StageName = (typeof STAGES)[number];

export interface StageConfig {
  readonly stage: StageName;
  /** Applied to every stateful resource (table, buckets, user pool). */
  readonly removalPolicy: RemovalPolicy;
  /** DynamoDB and Cognito deletion protection. */
  readonly deletionProtection: boolean;
  /** Only in dev: empty the buckets on stack deletion so `cdk destroy` leaves nothing behind. */
  readonly autoDeleteObjects: boolean;
  /** Retention of every Lambda, state machine and access log group. */
  readonly logRetention: RetentionDays;
  /** Origins allowed to call the API and to upload to the media bucket from a browser. */
  readonly allowedOrigins: string[];
  /** True when allowedOrigins came from `-c allowedOrigins=...` rather than the stage default. */
  readonly allowedOriginsConfigured: boolean;
  /** API Gateway default-stage throttling (requests per second, burst). */
  readonly apiThrottle: { rateLimit: number; burstLimit: number };
  /** Cognito threat protection (the Plus feature plan) costs per MAU: on where real users are. */
  readonly threatProtection: boolean;
  /** Business settings handed to every Lambda (see shared/config.ts). */
  readonly minPayoutMinor: number;
  readonly platformFeeBasisPoints: number;
  /** Hours an approved reward stays pending before it is payable (time to catch fraud and appeals). */
  readonly holdPeriodHours: number;
  /** Claimed-and-unsubmitted assignments one worker may hold at once, across projects. */
  readonly maxActiveClaimsPerWorker: number;
  /**
   * How long API Gateway caches the authorizer's answer per Authorization header. A revoked API key
   * (or an expired login) keeps working at most this long; 0 disables the cache.
   */
  readonly authorizerCacheTtl: Duration;
  /** When the weekly payout run starts (UTC). */
  readonly payoutSchedule: CronOptions;
}

/**
 * The submission consumer's timeout and batching window. The queue (stateful stack) derives its
 * visibility timeout from them and the consumer (stateless stack) uses them, so they are defined once.
 */
export const SUBMISSION_CONSUMER = {
  timeout: Duration.seconds(30),
  maxBatchingWindow: Duration.seconds(1),
  batchSize: 10,
} as const;

/** AWS guidance for SQS event sources: visibility timeout ≥ 6 × function timeout + batching window. */
export const SUBMISSION_QUEUE_VISIBILITY_TIMEOUT = Duration.seconds(
  6 * SUBMISSION_CONSUMER.timeout.toSeconds() + SUBMISSION_CONSUMER.maxBatchingWindow.toSeconds(),
);

/**
 * The bulk import and export runners: one message (one job) per invocation, which checkpoints and
 * hands over before this timeout. Their queues' visibility timeout is derived from it as above.
 */
export const BULK_JOB_RUNNER = {
  timeout: Duration.minutes(2),
  batchSize: 1,
  memorySize: 1024,
} as const;

/**
 * Media confirm decodes a JPEG or PNG in pure JS for its perceptual hash (a 12 MP JPEG: ~3 s on
 * one vCPU): 1769 MB is one full vCPU and room for the decoded pixels (24 MP × 4 bytes) beside the file.
 */
export const MEDIA_CONFIRM = {
  timeout: Duration.seconds(20),
  memorySize: 1_769,
} as const;

export const BULK_JOB_QUEUE_VISIBILITY_TIMEOUT = Duration.seconds(6 * BULK_JOB_RUNNER.timeout.toSeconds());

const BASE = {
  minPayoutMinor: 1_000,
  platformFeeBasisPoints: 1_000,
  payoutSchedule: { minute: '0', hour: '6', weekDay: 'MON' },
  maxActiveClaimsPerWorker: 5,
} as const;

const DEFAULTS: Record<StageName, Omit<StageConfig, 'allowedOrigins' | 'allowedOriginsConfigured'> & { allowedOrigins: string[] }> = {
  dev: {
    ...BASE,
    stage: 'dev',
    removalPolicy: RemovalPolicy.DESTROY,
    deletionProtection: false,
    autoDeleteObjects: true,
    logRetention: RetentionDays.ONE_MONTH,
    allowedOrigins: ['*'],
    apiThrottle: { rateLimit: 50, burstLimit: 100 },
    threatProtection: false,
    // Short, so a revoked key is refused seconds later in local runs and tests, and the cache still exercised.
    authorizerCacheTtl: Duration.seconds(2),
    // Local and dev runs pay at the next run, so a walk-through ends with a payout.
    holdPeriodHours: 0,
  },
  prod: {
    ...BASE,
    stage: 'prod',
    removalPolicy: RemovalPolicy.RETAIN,
    deletionProtection: true,
    autoDeleteObjects: false,
    logRetention: RetentionDays.ONE_YEAR,
    // A placeholder that works with nothing: set the real web origin(s) with -c allowedOrigins=...
    allowedOrigins: ['https://app.tessera.example'],
    apiThrottle: { rateLimit: 500, burstLimit: 1_000 },
    threatProtection: true,
    authorizerCacheTtl: Duration.seconds(30),
    holdPeriodHours: 72,
  },
};

function isStage(s: unknown): s is StageName {
  return typeof s === 'string' && (STAGES as readonly string[]).includes(s);
}

/**
 * Resolves the stage config from CDK context: `stage` (default dev) and, optionally,
 * `allowedOrigins` as a comma-separated list or a JSON array.
 */
export function stageConfig(context: { stage?: unknown; allowedOrigins?: unknown; payoutSchedule?: unknown }): StageConfig {
  const stage = context.stage ?? 'dev';
  if (!isStage(stage)) throw new Error(`Unknown stage '${String(stage)}': use one of ${STAGES.join(', ')}`);
  const base = DEFAULTS[stage];
  const origins = parseOrigins(context.allowedOrigins);
  return { ...base, payoutSchedule: parsePayoutSchedule(context.payoutSchedule) ?? base.payoutSchedule, allowedOrigins: origins ?? base.allowedOrigins, allowedOriginsConfigured: origins !== undefined };
}

/** `-c payoutSchedule=daily|weekly`, or a cron JSON such as `{"minute":"0","hour":"6","weekDay":"MON,THU"}`. */
function parsePayoutSchedule(raw: unknown): CronOptions | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (raw === 'weekly') return BASE.payoutSchedule;
  if (raw === 'daily') return { minute: '0', hour: '6' };
  const parsed = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Record<string, unknown>;
  const allowed = ['minute', 'hour', 'day', 'month', 'weekDay', 'year'];
  if (!parsed || typeof parsed !== 'object' || Object.keys(parsed).some((k) => !allowed.includes(k))) throw new Error(`payoutSchedule: use daily, weekly or cron fields (${allowed.join(', ')})`);
  return parsed as CronOptions;
}

function parseOrigins(raw: unknown): string[] | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const list = Array.isArray(raw) ? raw.map(String) : String(raw).trim().startsWith('[') ? (JSON.parse(String(raw)) as unknown[]).map(String) : String(raw).split(',');
  const origins = list.map((o) => o.trim()).filter(Boolean);
  return origins.length > 0 ? origins : undefined;
}
