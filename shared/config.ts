/**
 * Runtime configuration from environment variables. Deployed, the CDK bind helpers set them;
 * locally, infra/local/start.ts sets them to the emulators. Read once per cold start.
 */
function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`Missing environment variable ${name}`);
  return v;
}

function int(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`${name} must be an integer, got ${v}`);
  return n;
}

export const ENV = {
  tableName: 'TABLE_NAME',
  idempotencyTableName: 'IDEMPOTENCY_TABLE_NAME',
  mediaBucket: 'MEDIA_BUCKET_NAME',
  submissionQueueUrl: 'SUBMISSION_QUEUE_URL',
  importQueueUrl: 'IMPORT_QUEUE_URL',
  exportQueueUrl: 'EXPORT_QUEUE_URL',
  reviewStateMachineArn: 'REVIEW_STATE_MACHINE_ARN',
  payoutStateMachineArn: 'PAYOUT_STATE_MACHINE_ARN',
  closureStateMachineArn: 'CLOSURE_STATE_MACHINE_ARN',
  minPayoutMinor: 'MIN_PAYOUT_MINOR',
  platformFeeBasisPoints: 'PLATFORM_FEE_BASIS_POINTS',
  holdPeriodHours: 'HOLD_PERIOD_HOURS',
  maxActiveClaimsPerWorker: 'MAX_ACTIVE_CLAIMS_PER_WORKER',
  jwtIssuer: 'JWT_ISSUER',
  jwtAudience: 'JWT_AUDIENCE',
  s3ForcePathStyle: 'S3_FORCE_PATH_STYLE',
  payoutDetailsKeyArn: 'PAYOUT_DETAILS_KEY_ARN',
  localMasterKey: 'TESSERA_LOCAL_MASTER_KEY',
  userPoolId: 'USER_POOL_ID',
} as const;

export const config = {
  tableName: () => required(ENV.tableName),
  idempotencyTableName: () => required(ENV.idempotencyTableName),
  mediaBucket: () => required(ENV.mediaBucket),
  submissionQueueUrl: () => required(ENV.submissionQueueUrl),
  importQueueUrl: () => required(ENV.importQueueUrl),
  exportQueueUrl: () => required(ENV.exportQueueUrl),
  reviewStateMachineArn: () => required(ENV.reviewStateMachineArn),
  payoutStateMachineArn: () => required(ENV.payoutStateMachineArn),
  closureStateMachineArn: () => required(ENV.closureStateMachineArn),
  /** €10 by default: workers are paid once their available balance reaches it. */
  minPayoutMinor: () => int(ENV.minPayoutMinor, 1_000),
  /** 10 % platform fee on top of each reward by default. */
  platformFeeBasisPoints: () => int(ENV.platformFeeBasisPoints, 1_000),
  /** How long an approved reward stays pending before it can be paid out; 0 pays it at the next run. */
  holdPeriodHours: () => int(ENV.holdPeriodHours, 0),
  /** Claimed-and-unsubmitted assignments one worker may hold at once, across all projects. */
  maxActiveClaimsPerWorker: () => int(ENV.maxActiveClaimsPerWorker, 5),
  /** The Cognito user pool's issuer URL and the app client id its tokens must be for (the authorizer only). */
  jwtIssuer: () => required(ENV.jwtIssuer),
  jwtAudience: () => required(ENV.jwtAudience),
  s3ForcePathStyle: () => process.env[ENV.s3ForcePathStyle] === 'true',
  payoutDetailsKeyArn: () => required(ENV.payoutDetailsKeyArn),
  /** Set only by the local platform, which has no KMS: the master key of its envelope encryption. */
  localMasterKey: () => process.env[ENV.localMasterKey],
  userPoolId: () => required(ENV.userPoolId),
};
