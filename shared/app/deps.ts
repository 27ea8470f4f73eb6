import { clients } from '../adapters/aws-clients';
import { DynamoApiKeyStore } from '../adapters/dynamodb/api-key-store';
import { DynamoBillingStore } from '../adapters/dynamodb/billing-store';
import { DynamoLedger } from '../adapters/dynamodb/ledger-store';
import { DynamoMarketplaceStore } from '../adapters/dynamodb/marketplace-store';
import { DynamoPayoutStore } from '../adapters/dynamodb/payout-store';
import { newId } from '../adapters/ids';
import { SubmissionQueue, Workflow } from '../adapters/messaging';
import { sandboxPayments, sandboxPayouts } from '../adapters/sandbox-providers';
import { config } from '../config';
import type { PaymentProvider, PayoutProvider } from '../domain/payouts/payouts';

/**
 * The composition root: which adapter serves which port. Built once per cold start, on first use,
 * so a handler only needs the environment of the adapters it actually touches.
 */
export interface Deps {
  marketplace: DynamoMarketplaceStore;
  ledger: DynamoLedger;
  payouts: DynamoPayoutStore;
  billing: DynamoBillingStore;
  apiKeys: DynamoApiKeyStore;
  submissions: () => SubmissionQueue;
  reviewWorkflow: () => Workflow;
  payoutWorkflow: () => Workflow;
  closureWorkflow: () => Workflow;
  payments: PaymentProvider;
  payoutProvider: PayoutProvider;
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
  let payout: Workflow | undefined;
  let closure: Workflow | undefined;
  deps = {
    ledger,
    marketplace: new DynamoMarketplaceStore(clients.dynamo(), table, ledger),
    payouts: new DynamoPayoutStore(clients.dynamo(), table, ledger),
    billing: new DynamoBillingStore(clients.dynamo(), table, ledger),
    apiKeys: new DynamoApiKeyStore(clients.dynamo(), table),
    submissions: () => (queue ??= new SubmissionQueue(clients.sqs(), config.submissionQueueUrl())),
    reviewWorkflow: () => (review ??= new Workflow(clients.sfn(), config.reviewStateMachineArn())),
    payoutWorkflow: () => (payout ??= new Workflow(clients.sfn(), config.payoutStateMachineArn())),
    closureWorkflow: () => (closure ??= new Workflow(clients.sfn(), config.closureStateMachineArn())),
    payments: sandboxPayments,
    payoutProvider: sandboxPayouts,
    now: () => new Date().toISOString(),
    newId: (prefix) => newId(prefix),
    settings: { minPayoutMinor: config.minPayoutMinor(), feeBasisPoints: config.platformFeeBasisPoints(), holdPeriodHours: config.holdPeriodHours(), maxActiveClaimsPerWorker: config.maxActiveClaimsPerWorker() },
  };
  return deps;
}
