import { MAX_PRIORITY } from '../../domain/marketplace/project';

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

  /** The project's progress counters (docs/adr/0013), moved in the same write as each microtask or answer state change. */
  projectProgress: (projectId: string) => ({ pk: `PROJECT#${projectId}`, sk: 'PROGRESS' }),
  /** Beside a project with a deadline, indexed by time so the expiry sweep finds due projects without a scan. */
  projectDeadline: (projectId: string) => ({ pk: `PROJECT#${projectId}`, sk: 'DEADLINE' }),
  deadlineDue: (deadline: string, projectId: string) => ({ gsi2pk: 'DEADLINES', gsi2sk: `${deadline}#${projectId}` }),

  microtask: (microtaskId: string) => ({ pk: `MICROTASK#${microtaskId}`, sk: 'MICROTASK' }),
  /**
   * A gold microtask's expected answer: an item of its own beside the microtask, never an attribute
   * of it, so every read of the microtask (claim, submit, worker views) cannot carry it by accident;
   * only review and the client's result views get it, by this key. Written in the microtask's transaction.
   */
  gold: (microtaskId: string) => ({ pk: `MICROTASK#${microtaskId}`, sk: 'GOLD' }),
  /** Sparse, write-sharded index of microtasks with open slots; removed when the last slot is claimed. */
  openMicrotask: (projectId: string, shard: number, microtaskId: string) => ({ gsi1pk: `OPEN#${projectId}#${shard}`, gsi1sk: microtaskId }),
  microtaskByProject: (projectId: string, microtaskId: string) => ({ gsi2pk: `PROJECT#${projectId}#MICROTASKS`, gsi2sk: microtaskId }),

  /** A microtask's answers waiting for a human reviewer (reviewer stage or spot check); holds the workflow's task token. */
  reviewTask: (reviewTaskId: string) => ({ pk: `REVIEWTASK#${reviewTaskId}`, sk: 'REVIEWTASK' }),
  /** Sparse: an open review task of a project, oldest first; removed when claimed or expired. */
  openReviewTask: (projectId: string, createdAt: string, reviewTaskId: string) => ({ gsi1pk: `PROJECT#${projectId}#OPEN_REVIEWS`, gsi1sk: `${createdAt}#${reviewTaskId}` }),
  /** The revision round a reviewer opened on a microtask: the answers still expected and the workflow's task token. */
  revision: (microtaskId: string) => ({ pk: `MICROTASK#${microtaskId}`, sk: 'REVISION' }),
  /** The client's acceptance window of a reviewed microtask, with the workflow's task token. */
  acceptance: (microtaskId: string) => ({ pk: `MICROTASK#${microtaskId}`, sk: 'ACCEPTANCE' }),

  assignment: (assignmentId: string) => ({ pk: `ASSIGNMENT#${assignmentId}`, sk: 'ASSIGNMENT' }),
  assignmentByWorker: (workerId: string, claimedAt: string, assignmentId: string) => ({ gsi1pk: `WORKER#${workerId}#ASSIGNMENTS`, gsi1sk: `${claimedAt}#${assignmentId}` }),
  assignmentByMicrotask: (microtaskId: string, assignmentId: string) => ({ gsi2pk: `MICROTASK#${microtaskId}#ASSIGNMENTS`, gsi2sk: assignmentId }),
  /** One item per (microtask, worker): its conditional put is what forbids a second claim of the same microtask. */
  /** A file uploaded for an assignment (media collection tasks), next to the assignment itself. */
  media: (assignmentId: string, mediaId: string) => ({ pk: `ASSIGNMENT#${assignmentId}`, sk: `MEDIA#${mediaId}` }),
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
  /** What the platform measured about an organisation's decisions (counters ADDed in the decide transaction). */
  clientReputation: (orgId: string) => ({ pk: `CLIENT#${orgId}`, sk: 'REPUTATION' }),
  /** Marks an assignment's rejection as overturned, so the client's counter counts it once. */
  overturnedRejection: (assignmentId: string) => ({ pk: `ASSIGNMENT#${assignmentId}`, sk: 'OVERTURNED' }),
  /** A rejection appeal waiting for the client, beside its assignment; indexed under the project until decided. */
  rejectionAppeal: (assignmentId: string) => ({ pk: `ASSIGNMENT#${assignmentId}`, sk: 'APPEAL' }),
  pendingRejectionAppeal: (projectId: string, filedAt: string, assignmentId: string) => ({ gsi1pk: `PROJECT#${projectId}#APPEALS`, gsi1sk: `${filedAt}#${assignmentId}` }),
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

  /** The worker's payout details: masked form and verification in clear, the details themselves sealed. */
  payoutMethod: (workerId: string) => ({ pk: `WORKER#${workerId}`, sk: 'PAYOUT_METHOD' }),
  // Workers: everything about one worker lives under `WORKER#<id>`, so an export reads one partition.
  workerProfile: (workerId: string) => ({ pk: `WORKER#${workerId}`, sk: 'PROFILE' }),
  workerPartition: (workerId: string) => ({ pk: `WORKER#${workerId}` }),
  qualificationType: (typeId: string) => ({ pk: `QUALTYPE#${typeId}`, sk: 'QUALTYPE' }),
  /** An owner's (organisation or `platform`) qualification types, newest first. */
  qualificationTypeByOwner: (ownerId: string, createdAt: string, typeId: string) => ({ gsi1pk: `OWNER#${ownerId}#QUALTYPES`, gsi1sk: `${createdAt}#${typeId}` }),
  /** A worker's score on a type: read by key at claim time, one item per required type. */
  qualification: (workerId: string, typeId: string) => ({ pk: `WORKER#${workerId}`, sk: `QUAL#${typeId}` }),
  /** On the same item: holders of a type by score (zero-padded, so the sort key orders numerically), for reviewer pools. */
  qualificationHolder: (typeId: string, score: number, workerId: string) => ({ gsi1pk: `QUALHOLDERS#${typeId}`, gsi1sk: `${qualificationScoreKey(score)}#${workerId}` }),
  /** Attempts used, the open attempt and the retake time: its conditional update enforces cooldown and max attempts. */
  attemptState: (workerId: string, typeId: string) => ({ pk: `WORKER#${workerId}`, sk: `ATTEMPTS#${typeId}` }),
  attempt: (workerId: string, typeId: string, attemptId: string) => ({ pk: `WORKER#${workerId}`, sk: `ATTEMPT#${typeId}#${attemptId}` }),
  platformStanding: (workerId: string) => ({ pk: `WORKER#${workerId}`, sk: 'STANDING#PLATFORM' }),
  clientBlock: (workerId: string, orgId: string) => ({ pk: `WORKER#${workerId}`, sk: `STANDING#ORG#${orgId}` }),
  /** Sparse: only while an appeal waits for an admin. */
  pendingAppeal: (filedAt: string, workerId: string) => ({ gsi1pk: 'APPEALS#PENDING', gsi1sk: `${filedAt}#${workerId}` }),
  projectExclusion: (workerId: string, projectId: string) => ({ pk: `WORKER#${workerId}`, sk: `EXCLUDED#${projectId}` }),
  /** How many claims a worker made on a project, for the per-worker cap (counted in the claim transaction). */
  workerProjectClaims: (workerId: string, projectId: string) => ({ pk: `WORKER#${workerId}`, sk: `CLAIMS#${projectId}` }),
  /** Claims taken per segment value of a project's quota (counted in the claim transaction). */
  quotaCounter: (projectId: string, segment: string) => ({ pk: `PROJECT#${projectId}`, sk: `QUOTA#${segment}` }),
  /** The first submission of a content fingerprint (an answer's text, a file's bytes) in a project: its conditional put decides who was first. */
  fingerprint: (projectId: string, kind: 'answer' | 'media', hash: string) => ({ pk: `PROJECT#${projectId}`, sk: `HASH#${kind}#${hash}` }),
  /** The first submitted photo with this 16-bit band (`<position>#<hex>`) of its perceptual hash; the item keeps that photo's whole hash. */
  perceptualBand: (projectId: string, band: string) => ({ pk: `PROJECT#${projectId}`, sk: `PHASH#${band}` }),
  /** Decision counts per task type, beside the per-currency stats. */
  workerTaskTypeStats: (workerId: string, taskType: string) => ({ pk: `WORKER#${workerId}`, sk: `TYPESTATS#${taskType}` }),
  /** A worker's gold answers in one project (counted in the decide transaction), read by the project's gold policy. */
  workerProjectGold: (workerId: string, projectId: string) => ({ pk: `WORKER#${workerId}`, sk: `GOLD#${projectId}` }),
  /** What a project's gold policy did to a worker, once per project: the worker reads it with their reputation. */
  goldAction: (workerId: string, projectId: string) => ({ pk: `WORKER#${workerId}`, sk: `GOLDACTION#${projectId}` }),
  /** One review decision that moved the worker's reputation. */
  reputationEvent: (workerId: string, decidedAt: string, assignmentId: string) => ({ pk: `WORKER#${workerId}`, sk: `REPEVENT#${decidedAt}#${assignmentId}` }),
  /** Sparse index of published projects for the task feed: higher priority first, then oldest publication. */
  publishedProject: (priority: number, publishedAt: string, projectId: string) => ({ gsi2pk: 'FEED', gsi2sk: `${String(MAX_PRIORITY - priority).padStart(3, '0')}#${publishedAt}#${projectId}` }),

  payoutRun: (runId: string) => ({ pk: `PAYOUTRUN#${runId}`, sk: 'RUN' }),
  payout: (runId: string, workerId: string) => ({ pk: `PAYOUTRUN#${runId}`, sk: `PAYOUT#${workerId}` }),
  payoutByWorker: (workerId: string, createdAt: string, runId: string) => ({ gsi1pk: `WORKER#${workerId}#PAYOUTS`, gsi1sk: `${createdAt}#${runId}` }),

  /** Bulk jobs: read by id only (the org is checked on the item); they expire with their files. */
  importJob: (importId: string) => ({ pk: `IMPORT#${importId}`, sk: 'IMPORT' }),
  exportJob: (exportId: string) => ({ pk: `EXPORT#${exportId}`, sk: 'EXPORT' }),
} as const;

/** Scores are integers 0..1,000,000 (the grant schema's bounds): seven digits sort like numbers. */
export const qualificationScoreKey = (score: number) => String(Math.max(0, Math.floor(score))).padStart(7, '0');

export const ACCOUNT_SHARDS = 16;
export const LEASE_SHARDS = 8;
