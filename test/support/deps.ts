import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoApiKeyStore } from '../../shared/adapters/dynamodb/api-key-store';
import { DynamoBillingStore } from '../../shared/adapters/dynamodb/billing-store';
import { DynamoLedger } from '../../shared/adapters/dynamodb/ledger-store';
import { DynamoMarketplaceStore } from '../../shared/adapters/dynamodb/marketplace-store';
import { DynamoPayoutStore } from '../../shared/adapters/dynamodb/payout-store';
import { newId } from '../../shared/adapters/ids';
import type { SubmissionQueue, Workflow } from '../../shared/adapters/messaging';
import type { Deps } from '../../shared/app/deps';

const unused = () => {
  throw new Error('not used in this test');
};

/** The use cases' dependencies on a DynamoDB Local table, with no queue, workflows or payment rails unless given. */
export function makeDeps(client: DynamoDBDocumentClient, tableName: string, overrides: Partial<Deps> = {}): Deps {
  const ledger = new DynamoLedger(client, tableName);
  return {
    ledger,
    marketplace: new DynamoMarketplaceStore(client, tableName, ledger),
    payouts: new DynamoPayoutStore(client, tableName, ledger),
    billing: new DynamoBillingStore(client, tableName, ledger),
    apiKeys: new DynamoApiKeyStore(client, tableName),
    submissions: () => ({ announce: async () => undefined }) as unknown as SubmissionQueue,
    reviewWorkflow: unused as () => Workflow,
    payoutWorkflow: unused as () => Workflow,
    closureWorkflow: unused as () => Workflow,
    payments: { charge: unused },
    payoutProvider: { send: unused },
    now: () => new Date().toISOString(),
    newId: (prefix) => newId(prefix),
    settings: { minPayoutMinor: 1_000, feeBasisPoints: 1_000, holdPeriodHours: 0, maxActiveClaimsPerWorker: 5 },
    ...overrides,
  };
}
