/**
 * The DynamoDB key design, shared by the CDK stack, the local provisioner and the repositories.
 * One table holds every entity (single-table design, see docs/adr/0002-single-table-design.md);
 * the Powertools idempotency records live in a table of their own because their key is fixed.
 */
export const MAIN_TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'ttl',
  indexes: [
    { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  ],
} as const;

export const IDEMPOTENCY_TABLE = {
  partitionKey: 'id',
  timeToLiveAttribute: 'expiration',
} as const;

/** Key builders: the only place that knows how an entity maps to keys. */
export const Keys = {
  project: (projectId: string) => ({ pk: `PROJECT#${projectId}`, sk: 'PROJECT' }),
  projectByOrg: (orgId: string, createdAt: string, projectId: string) => ({ gsi1pk: `ORG#${orgId}#PROJECTS`, gsi1sk: `${createdAt}#${projectId}` }),
  /** The same list per status: moved to the new status's partition by every transition, in the same write. */
  projectByOrgStatus: (orgId: string, status: string, createdAt: string, projectId: string) => ({ gsi2pk: `ORG#${orgId}#PROJECTS#${status}`, gsi2sk: `${createdAt}#${projectId}` }),

  microtask: (microtaskId: string) => ({ pk: `MICROTASK#${microtaskId}`, sk: 'MICROTASK' }),
  /** Sparse, write-sharded index of microtasks with open slots; removed when the last slot is claimed. */
  openMicrotask: (projectId: string, shard: number, microtaskId: string) => ({ gsi1pk: `OPEN#${projectId}#${shard}`, gsi1sk: microtaskId }),
  microtaskByProject: (projectId: string, microtaskId: string) => ({ gsi2pk: `PROJECT#${projectId}#MICROTASKS`, gsi2sk: microtaskId }),

  assignment: (assignmentId: string) => ({ pk: `ASSIGNMENT#${assignmentId}`, sk: 'ASSIGNMENT' }),
  assignmentByWorker: (workerId: string, claimedAt: string, assignmentId: string) => ({ gsi1pk: `WORKER#${workerId}#ASSIGNMENTS`, gsi1sk: `${claimedAt}#${assignmentId}` }),
  assignmentByMicrotask: (microtaskId: string, assignmentId: string) => ({ gsi2pk: `MICROTASK#${microtaskId}#ASSIGNMENTS`, gsi2sk: assignmentId }),
  /** One item per (microtask, worker): its conditional put is what forbids a second claim of the same microtask. */
  claimGuard: (microtaskId: string, workerId: string) => ({ pk: `MICROTASK#${microtaskId}`, sk: `WORKER#${workerId}` }),
  /** On the claim guard while its assignment is claimed: the sweeper finds expired leases here, oldest first. */
  leaseIndex: (shard: number, leaseExpiresAt: string, assignmentId: string) => ({ gsi1pk: `LEASES#${shard}`, gsi1sk: `${leaseExpiresAt}#${assignmentId}` }),

  account: (accountId: string) => ({ pk: `ACCOUNT#${accountId}`, sk: 'ACCOUNT' }),
  /** Worker balances spread over shards so the payout run can page through them in parallel. */
  accountByKind: (kind: string, shard: number, accountId: string) => ({ gsi1pk: `ACCOUNTS#${kind}#${shard}`, gsi1sk: accountId }),
  entry: (entryId: string) => ({ pk: `ENTRY#${entryId}`, sk: 'ENTRY' }),
  /** One line per posting, under its account, for statements. */
  posting: (accountId: string, createdAt: string, entryId: string) => ({ pk: `ACCOUNT#${accountId}`, sk: `POSTING#${createdAt}#${entryId}` }),

  clientBilling: (orgId: string) => ({ pk: `CLIENT#${orgId}`, sk: 'BILLING' }),
  /** An organisation's API key as the client manages it (name, hint, last use), listed under the org. */
  apiKey: (orgId: string, keyId: string) => ({ pk: `CLIENT#${orgId}`, sk: `APIKEY#${keyId}` }),
  /** The same key as the authorizer finds it: one GetItem by the SHA-256 of the presented key. */
  apiKeyCredential: (keyHash: string) => ({ pk: `APIKEY#${keyHash}`, sk: 'CREDENTIAL' }),
  /** Claimed-and-unsubmitted assignments of a worker, across projects: the claim cap's counter. */
  activeClaims: (workerId: string) => ({ pk: `WORKER#${workerId}`, sk: 'ACTIVE_CLAIMS' }),
  /** A worker's totals per currency: approved and rejected counts, rewards earned, measured active time. */
  workerStats: (workerId: string, currency: string) => ({ pk: `WORKER#${workerId}`, sk: `STATS#${currency}` }),
  /** A reward in its hold period; indexed by release time within the worker's balance shard. */
  hold: (assignmentId: string) => ({ pk: `HOLD#${assignmentId}`, sk: 'HOLD' }),
  holdDue: (shard: number, releaseAt: string, assignmentId: string) => ({ gsi2pk: `HOLDS#${shard}`, gsi2sk: `${releaseAt}#${assignmentId}` }),

  payoutRun: (runId: string) => ({ pk: `PAYOUTRUN#${runId}`, sk: 'RUN' }),
  payout: (runId: string, workerId: string) => ({ pk: `PAYOUTRUN#${runId}`, sk: `PAYOUT#${workerId}` }),
  payoutByWorker: (workerId: string, createdAt: string, runId: string) => ({ gsi1pk: `WORKER#${workerId}#PAYOUTS`, gsi1sk: `${createdAt}#${runId}` }),
} as const;

export const ACCOUNT_SHARDS = 16;
export const LEASE_SHARDS = 8;
