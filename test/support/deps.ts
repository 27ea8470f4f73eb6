import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoBulkJobStore } from '../../shared/adapters/dynamodb/bulk-job-store';
import { DynamoApiKeyStore } from '../../shared/adapters/dynamodb/api-key-store';
import { DynamoBillingStore } from '../../shared/adapters/dynamodb/billing-store';
import { DynamoLedger } from '../../shared/adapters/dynamodb/ledger-store';
import { DynamoMarketplaceStore } from '../../shared/adapters/dynamodb/marketplace-store';
import { DynamoMediaStore } from '../../shared/adapters/dynamodb/media-store';
import { DynamoPayoutStore } from '../../shared/adapters/dynamodb/payout-store';
import type { MediaStorage } from '../../shared/adapters/s3/media-storage';
import { DynamoWorkerStore } from '../../shared/adapters/dynamodb/worker-store';
import { newId } from '../../shared/adapters/ids';
import type { JobQueue, SubmissionQueue, Workflow } from '../../shared/adapters/messaging';
import type { JobFiles } from '../../shared/adapters/s3/job-files';
import type { Deps } from '../../shared/app/deps';
import { randomBytes } from 'node:crypto';
import { EnvelopeEncryption, LocalKeyWrapper } from '../../shared/adapters/crypto/envelope';

const unused = () => {
  throw new Error('not used in this test');
};

/** The use cases' dependencies on a DynamoDB Local table, with no queue, workflows or payment rails unless given. */
export function makeDeps(client: DynamoDBDocumentClient, tableName: string, overrides: Partial<Deps> = {}): Deps {
  const ledger = new DynamoLedger(client, tableName);
  const sealer = new EnvelopeEncryption(new LocalKeyWrapper(randomBytes(32).toString('base64')));
  return {
    ledger,
    marketplace: new DynamoMarketplaceStore(client, tableName, ledger),
    payouts: new DynamoPayoutStore(client, tableName, ledger),
    billing: new DynamoBillingStore(client, tableName, ledger),
    media: new DynamoMediaStore(client, tableName),
    mediaStorage: unused as () => MediaStorage,
    workers: new DynamoWorkerStore(client, tableName),
    identity: () => ({ deleteUser: async () => true }),
    jobs: new DynamoBulkJobStore(client, tableName),
    jobFiles: unused as () => JobFiles,
    importQueue: unused as () => JobQueue,
    exportQueue: unused as () => JobQueue,
    apiKeys: new DynamoApiKeyStore(client, tableName),
    submissions: () => ({ announce: async () => undefined }) as unknown as SubmissionQueue,
    reviewWorkflow: unused as () => Workflow,
    payoutWorkflow: unused as () => Workflow,
    closureWorkflow: unused as () => Workflow,
    payments: { charge: unused },
    payoutProvider: { send: unused, verifyRecipient: unused },
    payoutDetails: () => sealer,
    now: () => new Date().toISOString(),
    newId: (prefix) => newId(prefix),
    settings: { minPayoutMinor: 1_000, feeBasisPoints: 1_000, holdPeriodHours: 0, maxActiveClaimsPerWorker: 5 },
    ...overrides,
  };
}
