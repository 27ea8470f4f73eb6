import { clients } from '../adapters/aws-clients';
import { EnvelopeEncryption, KmsKeyWrapper, LocalKeyWrapper } from '../adapters/crypto/envelope';
import { DynamoBulkJobStore } from '../adapters/dynamodb/bulk-job-store';
import { DynamoApiKeyStore } from '../adapters/dynamodb/api-key-store';
import { DynamoBillingStore } from '../adapters/dynamodb/billing-store';
import { DynamoDecisionStore } from '../adapters/dynamodb/decision-store';
import { DynamoLedger } from '../adapters/dynamodb/ledger-store';
import { DynamoMarketplaceStore } from '../adapters/dynamodb/marketplace-store';
import { DynamoFingerprintStore } from '../adapters/dynamodb/fingerprint-store';
import { DynamoMediaStore } from '../adapters/dynamodb/media-store';
import { DynamoPayoutStore } from '../adapters/dynamodb/payout-store';
import { MediaStorage } from '../adapters/s3/media-storage';
import { DynamoWorkerStore } from '../adapters/dynamodb/worker-store';
import { newId } from '../adapters/ids';
import { CognitoDirectory, type IdentityDirectory } from '../adapters/identity';
import { JobQueue, SubmissionQueue, TaskTokens, Workflow } from '../adapters/messaging';
import { DynamoReviewStore } from '../adapters/dynamodb/review-store';
import { JobFiles } from '../adapters/s3/job-files';
import { sandboxPayments, sandboxPayouts } from '../adapters/sandbox-providers';
import { config } from '../config';
import type { PaymentProvider, PayoutProvider } from '../domain/payouts/payouts';
import type { IpCountryResolver } from '../domain/quality/ip-country';
import { BucketIpCountryResolver } from '../adapters/s3/ip-country-table';

/**
 * The composition root: which adapter serves which port. Built once per cold start, on first use,
 * so a handler only needs the environment of the adapters it actually touches.
 */
export interface Deps {
  marketplace: DynamoMarketplaceStore;
  /** After a decision: appeals of rejections and a project's gold policy. */
  decisions: DynamoDecisionStore;
  ledger: DynamoLedger;
  payouts: DynamoPayoutStore;
  billing: DynamoBillingStore;
  media: DynamoMediaStore;
  /** Content fingerprints per project: who submitted an answer or a file first. */
  fingerprints: DynamoFingerprintStore;
  /** The country of a submitting address (ADR 0016: a fixed table until a GeoIP source is wired). */
  ipCountry: IpCountryResolver;
  /** The media bucket; only functions bound to it (MEDIA_BUCKET_NAME) may call this. */
  mediaStorage: () => MediaStorage;
  workers: DynamoWorkerStore;
  identity: () => IdentityDirectory;
  jobs: DynamoBulkJobStore;
  jobFiles: () => JobFiles;
  importQueue: () => JobQueue;
  exportQueue: () => JobQueue;
  apiKeys: DynamoApiKeyStore;
  submissions: () => SubmissionQueue;
  reviewWorkflow: () => Workflow;
  /** Review tasks, revision rounds and client acceptance windows (the review's human stages). */
  reviews: DynamoReviewStore;
  /** Resumes a review waiting on a human stage. */
  taskTokens: () => TaskTokens;
  /** The automatic checks' rules over each assignment's stored risk. */
  /** Uniform [0,1): the review's sampling and spot-check draws. */
  random: () => number;
  payoutWorkflow: () => Workflow;
  closureWorkflow: () => Workflow;
  payments: PaymentProvider;
  payoutProvider: PayoutProvider;
  /** Seals and opens workers' payout details. */
  payoutDetails: () => EnvelopeEncryption;
  now: () => string;
  newId: (prefix: string) => string;
  settings: { minPayoutMinor: number; feeBasisPoints: number; holdPeriodHours: number; maxActiveClaimsPerWorker: number };
}

let deps: Deps | undefined;

export function getDeps(): Deps {
  if (deps) return deps;
  const table = config.tableName();
  const ledger = new DynamoLedger(clients.dynamo(), table);
  let queue: SubmissionQueue | undefined;
  let review: Workflow | undefined;
  let tokens: TaskTokens | undefined;
  let payout: Workflow | undefined;
  let closure: Workflow | undefined;
  let sealer: EnvelopeEncryption | undefined;
  let storage: MediaStorage | undefined;
  let identity: IdentityDirectory | undefined;
  let files: JobFiles | undefined;
  let imports: JobQueue | undefined;
  let exports: JobQueue | undefined;
  deps = {
    ledger,
    marketplace: new DynamoMarketplaceStore(clients.dynamo(), table, ledger),
    decisions: new DynamoDecisionStore(clients.dynamo(), table, ledger),
    payouts: new DynamoPayoutStore(clients.dynamo(), table, ledger),
    billing: new DynamoBillingStore(clients.dynamo(), table, ledger),
    media: new DynamoMediaStore(clients.dynamo(), table),
    fingerprints: new DynamoFingerprintStore(clients.dynamo(), table),
    // A warning, not an error: without a table every address is unknown and the signal says so.
    ipCountry: new BucketIpCountryResolver(clients.s3, config.mediaBucket, (reason) => console.warn(JSON.stringify({ level: 'WARN', message: 'IP country table unavailable', reason }))),
    mediaStorage: () => (storage ??= new MediaStorage(clients.s3(), config.mediaBucket())),
    workers: new DynamoWorkerStore(clients.dynamo(), table),
    identity: () => (identity ??= new CognitoDirectory(clients.cognito(), config.userPoolId())),
    jobs: new DynamoBulkJobStore(clients.dynamo(), table),
    jobFiles: () => (files ??= new JobFiles(clients.s3(), config.mediaBucket())),
    importQueue: () => (imports ??= new JobQueue(clients.sqs(), config.importQueueUrl())),
    exportQueue: () => (exports ??= new JobQueue(clients.sqs(), config.exportQueueUrl())),
    apiKeys: new DynamoApiKeyStore(clients.dynamo(), table),
    submissions: () => (queue ??= new SubmissionQueue(clients.sqs(), config.submissionQueueUrl())),
    reviewWorkflow: () => (review ??= new Workflow(clients.sfn(), config.reviewStateMachineArn())),
    reviews: new DynamoReviewStore(clients.dynamo(), table),
    taskTokens: () => (tokens ??= new TaskTokens(clients.sfn())),
    random: Math.random,
    payoutWorkflow: () => (payout ??= new Workflow(clients.sfn(), config.payoutStateMachineArn())),
    closureWorkflow: () => (closure ??= new Workflow(clients.sfn(), config.closureStateMachineArn())),
    payments: sandboxPayments,
    payoutProvider: sandboxPayouts,
    payoutDetails: () => {
      const local = config.localMasterKey();
      return (sealer ??= new EnvelopeEncryption(local ? new LocalKeyWrapper(local) : new KmsKeyWrapper(clients.kms(), config.payoutDetailsKeyArn())));
    },
    now: () => new Date().toISOString(),
    newId: (prefix) => newId(prefix),
    settings: { minPayoutMinor: config.minPayoutMinor(), feeBasisPoints: config.platformFeeBasisPoints(), holdPeriodHours: config.holdPeriodHours(), maxActiveClaimsPerWorker: config.maxActiveClaimsPerWorker() },
  };
  return deps;
}
