import { randomBytes } from 'node:crypto';
import { BatchGetCommand, type BatchGetCommandOutput, DeleteCommand, GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conflict, forbidden } from '../../domain/errors';
import type { LedgerEntry } from '../../domain/ledger/ledger';
import type { Assignment, ReviewDecision } from '../../domain/marketplace/assignment';
import { OPEN_INDEX_SHARDS, openIndexShard, type GoldStandard, type Microtask, type MicrotaskResult } from '../../domain/marketplace/microtask';
import type { Project } from '../../domain/marketplace/project';
import { emptyProgress, MICROTASK_COUNTER, type ProjectProgress } from '../../domain/marketplace/progress';
import type { Currency } from '../../domain/money';
import { assertWithinBudget } from '../../domain/marketplace/pricing';
import type { DynamoLedger } from './ledger-store';
import { shardOf, translateLedgerFailure } from './ledger-store';
import { Accounts } from '../../domain/ledger/ledger';
import type { Hold, WorkerOutcome, WorkerStats } from '../../domain/payouts/payouts';
import { Keys, LEASE_SHARDS, MAIN_TABLE } from './table-design';
import { emptyClientCounters, LATENCY_BUCKET_COUNT, latencyBucketOf, type ClientCounters, type ClientDecisionOutcome } from '../../domain/workers/client-reputation';
import { queryPage, type Page, type PartitionQuery } from './paging';
import { ConditionsFailed, transactWrite, type TransactItem } from './transact';

const KEY_ATTRS = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'type'];
/** An item without its key attributes: the entity as the domain knows it. */
export function strip<T>(item: Record<string, unknown> | undefined): T | undefined {
  if (!item) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) if (!KEY_ATTRS.includes(k)) out[k] = v;
  return out as T;
}

function shuffled<T>(xs: T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

const statusFilter = (status: string | undefined): Pick<PartitionQuery, 'filter'> =>
  status ? { filter: { expression: '#status = :status', names: { '#status': 'status' }, values: { ':status': status } } } : {};

/** How many open microtasks a claim reads from one shard at a time before trying them. */
const CANDIDATES_PER_PAGE = 25;
/**
 * The most open microtasks one claim reads from one shard, page by page: enough that a worker who
 * has done most of a small project's shard still finds what is left in it, few enough to keep a
 * claim bounded whatever the project's size (8 shards × 10 pages, in the worst case).
 */
export const CANDIDATES_PER_SHARD = 250;

/** How a claim's failure names the per-worker cap and the quota counter, whose positions in the transaction vary. */
const CAP_ITEM = 100;
const QUOTA_ITEM = 101;
const ACTIVE_CLAIMS_ITEM = 102;

/**
 * What else a claim is counted against. `segmentOf` gives a candidate's quota segment, or null
 * when the candidate falls in no segment the project wants.
 */
export interface ClaimLimits {
  /** Claimed-and-unsubmitted assignments a worker may hold across all projects. */
  maxActiveClaims: number;
  segmentOf?: (m: Microtask) => { key: string; limit: number } | null | undefined;
  perWorkerCap?: number;
}

/** A claim in progress, as the lease sweeper and a return see it. */
export interface Lease {
  assignmentId: string;
  microtaskId: string;
  projectId: string;
  workerId: string;
  quotaSegment?: string;
  capped?: boolean;
}

/** Microtasks per transaction when adding a batch: 100 items at most, minus the project update and an escrow entry. */
export const MICROTASKS_PER_TRANSACTION = 90;

/**
 * Projects, microtasks and assignments in the single table. Every state change is a conditional
 * write or a transaction, so concurrent requests cannot over-claim, double-submit or half-write.
 */
export class DynamoMarketplaceStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly ledger: DynamoLedger,
  ) {}

  /** One page of an index partition: every list on a request path is bounded by `limit`. */
  private async page<T>(q: PartitionQuery, limit: number, cursor: string | undefined): Promise<Page<T>> {
    const page = await queryPage(this.client, this.table, q, limit, cursor);
    return { items: page.items.map((i) => strip<T>(i)!), nextCursor: page.nextCursor };
  }

  // ---------------------------------------------------------------- projects

  async createProject(p: Project): Promise<void> {
    const budget = p.budgetCapMinor === undefined ? {} : { budgetLeftMinor: p.budgetCapMinor - p.committedMinor };
    await transactWrite(this.client, [
      {
        Put: {
          TableName: this.table,
          Item: { ...Keys.project(p.projectId), ...Keys.projectByOrg(p.orgId, p.createdAt, p.projectId), type: 'Project', ...p, ...budget },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...(p.deadline ? [this.deadlinePut(p.projectId, p.deadline)] : []),
    ]);
  }

  private deadlinePut(projectId: string, deadline: string): TransactItem {
    return { Put: { TableName: this.table, Item: { ...Keys.projectDeadline(projectId), ...Keys.deadlineDue(deadline, projectId), type: 'ProjectDeadline', projectId, deadline } } };
  }

  /**
   * Changes a project's editable fields, conditional on what the caller read: its status, its
   * deadline and what it had committed (the budget left is derived from the cap and that).
   */
  async updateProject(seen: Project, changes: Partial<Pick<Project, 'title' | 'description' | 'instructions' | 'deadline' | 'reviewPolicy'>> & { budgetCapMinor?: number | null }, now: string): Promise<void> {
    const set: string[] = ['updatedAt = :now'];
    const remove: string[] = [];
    const values: Record<string, unknown> = { ':now': now, ':status': seen.status, ':committed': seen.committedMinor ?? 0 };
    for (const field of ['title', 'description', 'instructions', 'deadline', 'reviewPolicy'] as const) {
      if (changes[field] !== undefined) {
        set.push(`${field} = :${field}`);
        values[`:${field}`] = changes[field];
      }
    }
    if (changes.budgetCapMinor === null) remove.push('budgetCapMinor', 'budgetLeftMinor');
    else if (changes.budgetCapMinor !== undefined) {
      set.push('budgetCapMinor = :cap', 'budgetLeftMinor = :left');
      values[':cap'] = changes.budgetCapMinor;
      values[':left'] = changes.budgetCapMinor - (seen.committedMinor ?? 0);
    }
    const deadlineCondition = seen.deadline ? 'deadline = :seenDeadline' : 'attribute_not_exists(deadline)';
    if (seen.deadline) values[':seenDeadline'] = seen.deadline;
    try {
      await transactWrite(this.client, [
        {
          Update: {
            TableName: this.table,
            Key: Keys.project(seen.projectId),
            UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
            ConditionExpression: `#status = :status AND ${deadlineCondition} AND (committedMinor = :committed OR (attribute_not_exists(committedMinor) AND :committed = :zero))`,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ...values, ':zero': 0 },
          },
        },
        ...(changes.deadline ? [this.deadlinePut(seen.projectId, changes.deadline)] : []),
      ]);
    } catch (e) {
      if (e instanceof ConditionsFailed) throw conflict('project_changed', 'The project changed meanwhile; read it again and retry');
      throw e;
    }
  }

  /** Projects whose deadline has passed, oldest first: a bounded page for the expiry sweep. */
  async dueDeadlines(now: string, limit: number): Promise<{ projectId: string; deadline: string }[]> {
    const r = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: MAIN_TABLE.indexes[1].indexName,
        KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk < :now',
        ExpressionAttributeValues: { ':pk': Keys.deadlineDue('', '').gsi2pk, ':now': now },
        Limit: limit,
      }),
    );
    return (r.Items ?? []).map((i) => ({ projectId: i.projectId as string, deadline: i.deadline as string }));
  }

  /**
   * An open project past its deadline becomes expired, conditional on the deadline it was found by,
   * so an extension that slipped in wins. True when this call expired it.
   */
  async expire(project: Project, deadline: string, now: string): Promise<boolean> {
    if (project.status !== 'draft' && project.status !== 'published' && project.status !== 'paused') return false;
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: Keys.project(project.projectId),
          UpdateExpression: 'SET #status = :expired, updatedAt = :now REMOVE pausedReason, gsi2pk, gsi2sk',
          ConditionExpression: '#status = :from AND deadline = :d',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':expired': 'expired', ':now': now, ':from': project.status, ':d': deadline },
        }),
      );
      return true;
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }

  /** Drops the index entry once its deadline is dealt with; a newer deadline put meanwhile stays. */
  async removeDeadline(projectId: string, deadline: string): Promise<void> {
    try {
      await this.client.send(new DeleteCommand({ TableName: this.table, Key: Keys.projectDeadline(projectId), ConditionExpression: 'deadline = :d', ExpressionAttributeValues: { ':d': deadline } }));
    } catch (e) {
      if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
    }
  }


  async getProject(projectId: string, consistent = false): Promise<Project | undefined> {
    const r = await this.client.send(new GetCommand({ TableName: this.table, Key: Keys.project(projectId), ConsistentRead: consistent }));
    return strip<Project>(r.Item);
  }

  /** Newest first; with a status, from that status's own index partition (no filtering). */
  /**
   * An org's projects, newest first. With a status, a bounded filtered read like the other status
   * filters: the project item's gsi2 belongs to the workers' task feed, so a per-status partition
   * would need an item (or an index) of its own for few projects per org.
   */
  async listProjects(orgId: string, limit: number, cursor?: string, status?: Project['status']): Promise<Page<Project>> {
    return this.page<Project>({ index: 'gsi1', partition: Keys.projectByOrg(orgId, '', '').gsi1pk, newestFirst: true, ...statusFilter(status) }, limit, cursor);
  }


  /**
   * Adds one chunk of microtasks atomically: the project's count, the microtasks and, for a project
   * that is already published, the escrow they need. Returns false when this exact chunk was
   * written before (a replay), true when written now.
   */
  async addMicrotaskChunk(project: Project, microtasks: Microtask[], escrow: LedgerEntry | undefined, golds: readonly GoldStandard[] = []): Promise<boolean> {
    if (microtasks.length + golds.length > MICROTASKS_PER_TRANSACTION) throw new Error('chunk too large');
    const commit = commitment(project, escrow ? escrowAmount(escrow) : 0);
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.table,
          Key: Keys.project(project.projectId),
          UpdateExpression: `ADD microtaskCount :n${commit.add} SET updatedAt = :now`,
          ConditionExpression: `#status = :status${commit.condition}`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':n': microtasks.length, ':now': microtasks[0]?.createdAt ?? project.updatedAt, ':status': project.status, ...commit.values },
        },
      },
      ...microtasks.map(
        (m): TransactItem => ({
          Put: {
            TableName: this.table,
            Item: {
              ...Keys.microtask(m.microtaskId),
              ...Keys.openMicrotask(m.projectId, openIndexShard(m.microtaskId), m.microtaskId),
              ...Keys.microtaskByProject(m.projectId, m.microtaskId),
              type: 'Microtask',
              ...m,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        }),
      ),
      ...golds.map((g): TransactItem => ({ Put: { TableName: this.table, Item: { ...Keys.gold(g.microtaskId), type: 'Gold', ...g }, ConditionExpression: 'attribute_not_exists(pk)' } })),
    ];
    const ledgerOffset = items.length;
    if (escrow) items.push(...this.ledger.transactItems(escrow));
    // Last and unconditional, so the indexes read on failure above stay where they are.
    items.push(this.progressUpdate(project.projectId, { mt_total: microtasks.length, mt_open: microtasks.length }));
    try {
      await transactWrite(this.client, items);
      return true;
    } catch (e) {
      if (e instanceof ConditionsFailed) {
        if (e.failed.includes(0)) throw conflict('project_changed', 'The project changed state while adding microtasks; retry the request', { status: project.status });
        if (e.failed.some((i) => i >= 1 && i < ledgerOffset)) return false;
        const ledgerFailure = escrow ? translateLedgerFailure(e, escrow, ledgerOffset) : undefined;
        if (ledgerFailure instanceof Error) throw ledgerFailure;
        if (ledgerFailure === 'replayed') return false;
      }
      throw e;
    }
  }

  /** A lifecycle transition, conditional on the status the caller saw; `pausedReason` says why the platform paused it. */
  async transition(project: Project, to: Project['status'], now: string, pausedReason?: string): Promise<void> {
    const feed = to === 'published' ? Keys.publishedProject(project.priority ?? 0, project.publishedAt ?? now, project.projectId) : undefined;
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: Keys.project(project.projectId),
          // Only a published project is in the task feed's index; only a platform pause carries a reason.
          UpdateExpression: [
            `SET ${['#status = :to', 'updatedAt = :now', ...(feed ? ['gsi2pk = :fpk', 'gsi2sk = :fsk'] : []), ...(pausedReason ? ['pausedReason = :why'] : [])].join(', ')}`,
            `REMOVE ${[...(feed ? [] : ['gsi2pk', 'gsi2sk']), ...(pausedReason ? [] : ['pausedReason'])].join(', ')}`,
          ].join(' '),
          ConditionExpression: '#status = :from',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':to': to, ':from': project.status, ':now': now, ...(feed ? { ':fpk': feed.gsi2pk, ':fsk': feed.gsi2sk } : {}), ...(pausedReason ? { ':why': pausedReason } : {}) },
        }),
      );
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') throw conflict('project_changed', 'The project changed meanwhile; read it again and retry');
      throw e;
    }
  }

  /**
   * Gives up a microtask's unclaimed slots and returns their escrow, atomically. False when a claim
   * took a slot in between (the caller reads again) or the slots were released before.
   */
  async releaseOpenSlots(m: Microtask, escrowBack: LedgerEntry | undefined): Promise<boolean> {
    try {
      await transactWrite(this.client, [
        {
          Update: {
            TableName: this.table,
            Key: Keys.microtask(m.microtaskId),
            // ADD, not SET: the lease sweeper may have released a slot of this microtask too.
            UpdateExpression: 'SET openSlots = :zero REMOVE gsi1pk, gsi1sk ADD releasedSlots :n',
            ConditionExpression: 'openSlots = :n AND #status = :open',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':zero': 0, ':n': m.openSlots, ':open': 'open' },
          },
        },
        ...(escrowBack ? this.ledger.transactItems(escrowBack) : []),
      ]);
      return true;
    } catch (e) {
      if (e instanceof ConditionsFailed && (e.failed.includes(0) || e.failed.includes(1))) return false;
      throw e;
    }
  }

  /**
   * Adaptive redundancy: a microtask under review gets one more answer slot instead of being
   * finalized. In one transaction it goes back to open (and into the open index) with its
   * redundancy raised by one, and the slot's escrow is reserved and committed against the budget.
   * Conditional on the redundancy the caller saw, so concurrent or retried calls open one slot at
   * most per round. False when the slot was opened before (or the microtask moved on); throws
   * `insufficient_funds` / `budget_cap_reached` (nothing written) when the money is short.
   */
  async openAnotherSlot(project: Project, m: Microtask, escrow: LedgerEntry): Promise<boolean> {
    const commit = commitment(project, escrowAmount(escrow));
    const open = Keys.openMicrotask(m.projectId, openIndexShard(m.microtaskId), m.microtaskId);
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.table,
          Key: Keys.microtask(m.microtaskId),
          UpdateExpression: 'SET #status = :open, openSlots = :one, redundancy = :next, gsi1pk = :gpk, gsi1sk = :gsk ADD extraSlots :one',
          ConditionExpression: '#status = :reviewing AND redundancy = :seen',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':open': 'open', ':reviewing': 'reviewing', ':one': 1, ':next': m.redundancy + 1, ':seen': m.redundancy, ':gpk': open.gsi1pk, ':gsk': open.gsi1sk },
        },
      },
      {
        Update: {
          TableName: this.table,
          Key: Keys.project(project.projectId),
          UpdateExpression: `SET updatedAt = :now${commit.add ? ` ADD${commit.add.slice(1)}` : ''}`,
          ConditionExpression: `#status = :published${commit.condition}`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':published': 'published', ':now': escrow.createdAt, ...commit.values },
        },
      },
      ...this.ledger.transactItems(escrow),
      // Back from review to open: the project's progress moves in the same transaction.
      this.progressUpdate(m.projectId, { [`mt_${MICROTASK_COUNTER.reviewing}`]: -1, [`mt_${MICROTASK_COUNTER.open}`]: 1 }),
    ];
    try {
      await transactWrite(this.client, items);
      return true;
    } catch (e) {
      if (e instanceof ConditionsFailed && e.failed.includes(0)) return false;
      const ledgerFailure = translateLedgerFailure(e, escrow, 2);
      if (ledgerFailure === 'replayed') return false;
      if (ledgerFailure instanceof Error) throw ledgerFailure;
      if (e instanceof ConditionsFailed && e.failed.includes(1)) {
        const now = await this.getProject(project.projectId, true);
        if (now?.status !== 'published') throw conflict('project_changed', `The project is ${now?.status ?? 'gone'}: no more answers are bought`, { status: now?.status });
        assertWithinBudget({ budgetCapMinor: now.budgetCapMinor, committedMinor: now.committedMinor ?? 0 }, escrowAmount(escrow));
        throw conflict('project_changed', "The project's budget changed meanwhile; retry");
      }
      throw e;
    }
  }

  /** draft → published, with the escrow for every microtask reserved in the same transaction. */
  async publish(project: Project, escrow: LedgerEntry, now: string): Promise<void> {
    const commit = commitment(project, escrowAmount(escrow));
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.table,
          Key: Keys.project(project.projectId),
          UpdateExpression: `SET #status = :published, publishedAt = :now, updatedAt = :now, gsi2pk = :fpk, gsi2sk = :fsk${commit.add ? ` ADD${commit.add.slice(1)}` : ''}`,
          ConditionExpression: `#status = :draft AND microtaskCount = :count${commit.condition}`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':published': 'published',
            ':draft': 'draft',
            ':now': now,
            ':count': project.microtaskCount,
            ':fpk': Keys.publishedProject(project.priority ?? 0, now, project.projectId).gsi2pk,
            ':fsk': Keys.publishedProject(project.priority ?? 0, now, project.projectId).gsi2sk,
            ...commit.values,
          },
        },
      },
      ...this.ledger.transactItems(escrow),
    ];
    try {
      await transactWrite(this.client, items);
    } catch (e) {
      if (e instanceof ConditionsFailed && e.failed.includes(0)) {
        throw conflict('project_changed', 'The project changed while publishing; read it again and retry');
      }
      const ledgerFailure = translateLedgerFailure(e, escrow, 1);
      if (ledgerFailure instanceof Error) throw ledgerFailure;
      throw e;
    }
  }

  /** A bonus paid by hand on the project's work: committed against its budget in the same transaction as the entry. */
  async postBonus(project: Project, amountMinor: number, entry: LedgerEntry): Promise<{ applied: boolean }> {
    const commit = commitment(project, amountMinor);
    try {
      await transactWrite(this.client, [
        {
          Update: {
            TableName: this.table,
            Key: Keys.project(project.projectId),
            UpdateExpression: `ADD${commit.add.slice(1)}`,
            ConditionExpression: `attribute_exists(pk)${commit.condition}`,
            ExpressionAttributeValues: commit.values,
          },
        },
        ...this.ledger.transactItems(entry),
      ]);
      return { applied: true };
    } catch (e) {
      const failure = translateLedgerFailure(e, entry, 1);
      // A replay first: a bonus already paid is answered as paid, even once the budget is used up.
      if (failure === 'replayed') return { applied: false };
      if (e instanceof ConditionsFailed && e.failed.includes(0)) {
        const now = await this.getProject(project.projectId, true);
        assertWithinBudget({ budgetCapMinor: now?.budgetCapMinor, committedMinor: now?.committedMinor ?? 0 }, amountMinor);
        throw conflict('project_changed', "The project's budget changed meanwhile; retry");
      }
      if (failure instanceof Error) throw failure;
      throw e;
    }
  }

  /** One page of published projects, highest priority first, then oldest publication. */
  async listPublishedProjects(limit: number, cursor?: string): Promise<Page<Project>> {
    return this.page<Project>({ index: 'gsi2', partition: Keys.publishedProject(0, '', '').gsi2pk }, limit, cursor);
  }

  /** With a status, a bounded filtered read (MAX_EVALUATED_PER_REQUEST): the page may be short, with a cursor. */
  async listMicrotasks(projectId: string, limit: number, cursor?: string, status?: Microtask['status']): Promise<Page<Microtask>> {
    return this.page<Microtask>({ index: 'gsi2', partition: Keys.microtaskByProject(projectId, '').gsi2pk, ...statusFilter(status) }, limit, cursor);
  }


  async getMicrotask(microtaskId: string, consistent = false): Promise<Microtask | undefined> {
    const r = await this.client.send(new GetCommand({ TableName: this.table, Key: Keys.microtask(microtaskId), ConsistentRead: consistent }));
    return strip<Microtask>(r.Item);
  }

  /** A gold microtask's expected answer, undefined for any other microtask. Never for a worker's eyes. */
  async getGold(microtaskId: string, consistent = false): Promise<GoldStandard | undefined> {
    const r = await this.client.send(new GetCommand({ TableName: this.table, Key: Keys.gold(microtaskId), ConsistentRead: consistent }));
    return strip<GoldStandard>(r.Item);
  }

  // ---------------------------------------------------------------- claiming

  /**
   * Claims one open slot of the project for the worker, or returns undefined when none is left
   * that this worker has not done. Bounded work whatever the project's size: per shard, pages of
   * open microtasks up to CANDIDATES_PER_SHARD, each with one batched read of the worker's claim
   * guards, and transactions only on microtasks the worker has not claimed; usually one page.
   * With `limits`, the same transaction counts the claim against the worker's cap on the project
   * and its quota segment, each under a condition, so concurrent claims can never take more than
   * either allows.
   */
  async claimNext(
    project: Project,
    workerId: string,
    build: (m: Microtask) => Assignment,
    limits: ClaimLimits,
  ): Promise<{ assignment?: Assignment; microtask?: Microtask; conflicts: number; filledSegments: string[] }> {
    let conflicts = 0;
    const filled = new Set<string>();
    for (const shard of shuffled([...Array(OPEN_INDEX_SHARDS).keys()])) {
      for await (const page of this.openCandidates(project.projectId, shard, workerId)) {
        for (const candidate of shuffled(page)) {
          const segment = limits.segmentOf?.(candidate);
          if (segment === null || (segment && filled.has(segment.key))) continue; // not in any quota, or its quota is full
          let m: Microtask | undefined = candidate;
          for (let attempt = 0; m && m.openSlots > 0 && m.status === 'open' && attempt < 3; attempt++) {
            const assignment: Assignment = { ...build(m), ...(segment ? { quotaSegment: segment.key } : {}), ...(limits.perWorkerCap ? { capped: true } : {}) };
            try {
              await this.claimSlot(project, m, assignment, { segment, perWorkerCap: limits.perWorkerCap, maxActiveClaims: limits.maxActiveClaims });
              return { assignment, microtask: m, conflicts, filledSegments: [...filled] };
            } catch (e) {
              if (!(e instanceof ConditionsFailed)) throw e;
              conflicts++;
              if (e.failed.includes(3)) throw conflict('project_not_open', 'The project is not accepting work right now');
              if (e.failed.includes(ACTIVE_CLAIMS_ITEM)) {
                throw conflict('claim_limit_reached', `You already hold ${limits.maxActiveClaims} claimed tasks; submit or return one first`, { limit: limits.maxActiveClaims });
              }
              if (e.failed.includes(CAP_ITEM)) throw forbidden('assignment_cap_reached', `You have claimed the most assignments one worker may take in this project (${limits.perWorkerCap})`, { maxAssignmentsPerWorker: limits.perWorkerCap });
              if (e.failed.includes(QUOTA_ITEM) && segment) {
                filled.add(segment.key);
                break;
              }
              if (e.failed.includes(1)) break; // this worker already has this microtask
              m = await this.getMicrotask(m.microtaskId, true); // another worker took the slot first: look again
            }
          }
        }
      }
    }
    return { conflicts, filledSegments: [...filled] };
  }

  /**
   * The open microtasks of one shard this worker has not claimed before, a page at a time, read
   * from a random point of the shard and wrapping around, up to CANDIDATES_PER_SHARD read. Microtask
   * ids are hashes, so a random start spreads concurrent workers over the whole shard instead of
   * having them all race for its first items. Each page's microtasks already done by this worker
   * are dropped by one batched read of their claim guards, so paging on past them costs reads, not
   * failed transactions; the claim transaction's own guard condition still decides.
   */
  private async *openCandidates(projectId: string, shard: number, workerId: string): AsyncGenerator<Microtask[]> {
    const pk = Keys.openMicrotask(projectId, shard, '').gsi1pk;
    const start = `mt_${randomBytes(2).toString('hex')}`;
    let read = 0;
    for (const range of ['gsi1sk >= :start', 'gsi1sk < :start']) {
      let after: Record<string, unknown> | undefined;
      do {
        const r = await this.client.send(
          new QueryCommand({
            TableName: this.table,
            IndexName: MAIN_TABLE.indexes[0].indexName,
            KeyConditionExpression: `gsi1pk = :pk AND ${range}`,
            ExpressionAttributeValues: { ':pk': pk, ':start': start },
            Limit: Math.min(CANDIDATES_PER_PAGE, CANDIDATES_PER_SHARD - read),
            ExclusiveStartKey: after,
          }),
        );
        const items = (r.Items ?? []).map((i) => strip<Microtask>(i)!);
        read += items.length;
        const done = await this.claimedBy(workerId, items.map((m) => m.microtaskId));
        const fresh = items.filter((m) => !done.has(m.microtaskId));
        if (fresh.length) yield fresh;
        after = r.LastEvaluatedKey;
      } while (after && read < CANDIDATES_PER_SHARD);
      if (read >= CANDIDATES_PER_SHARD) return;
    }
  }

  /** Which of these microtasks (one page: ≤ 100) the worker has claimed before: their claim guards, by key. */
  private async claimedBy(workerId: string, microtaskIds: string[]): Promise<Set<string>> {
    const done = new Set<string>();
    let request: Record<string, unknown>[] | undefined = microtaskIds.map((id) => Keys.claimGuard(id, workerId));
    // Unprocessed keys come back under throttling; a few rounds at most.
    for (let round = 0; request?.length && round < 5; round++) {
      const r: BatchGetCommandOutput = await this.client.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: request, ProjectionExpression: 'microtaskId' } } }));
      for (const item of r.Responses?.[this.table] ?? []) done.add(item.microtaskId as string);
      request = r.UnprocessedKeys?.[this.table]?.Keys;
    }
    // Keys left unread count as not done: the claim transaction's guard refuses them if they are.
    return done;
  }

  /** Claimed-and-unsubmitted assignments the worker holds now (the claim cap's counter). */
  async activeClaims(workerId: string): Promise<number> {
    const r = await this.client.send(new GetCommand({ TableName: this.table, Key: Keys.activeClaims(workerId), ConsistentRead: true }));
    return (r.Item?.activeClaims as number | undefined) ?? 0;
  }

  /**
   * One claim, atomically: the slot, the worker's guard on the microtask, the assignment, the
   * project still published, and the worker's active-claims counter under the cap (item 4); with
   * limits, also the worker's claims on this project and the quota segment's counter. Every way a
   * claim ends (submit, return, expiry) takes the active-claims counter down in its own transaction.
   */
  private async claimSlot(project: Project, m: Microtask, a: Assignment, limits: { segment?: { key: string; limit: number }; perWorkerCap?: number; maxActiveClaims: number }): Promise<void> {
    const next = m.openSlots - 1;
    const { segment, perWorkerCap } = limits;
    const cap: TransactItem | undefined = perWorkerCap
      ? {
          Update: {
            TableName: this.table,
            Key: Keys.workerProjectClaims(a.workerId, project.projectId),
            UpdateExpression: 'ADD claims :one SET #type = :type',
            ConditionExpression: 'attribute_not_exists(claims) OR claims < :cap',
            ExpressionAttributeNames: { '#type': 'type' },
            ExpressionAttributeValues: { ':one': 1, ':cap': perWorkerCap, ':type': 'WorkerProjectClaims' },
          },
        }
      : undefined;
    const quota: TransactItem | undefined = segment
      ? {
          Update: {
            TableName: this.table,
            Key: Keys.quotaCounter(project.projectId, segment.key),
            UpdateExpression: 'ADD filled :one SET #limit = :limit, #type = :type',
            ConditionExpression: 'attribute_not_exists(filled) OR filled < :limit',
            ExpressionAttributeNames: { '#type': 'type', '#limit': 'limit' },
            ExpressionAttributeValues: { ':one': 1, ':limit': segment.limit, ':type': 'QuotaCounter' },
          },
        }
      : undefined;
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.table,
          Key: Keys.microtask(m.microtaskId),
          UpdateExpression: next === 0 ? 'SET openSlots = :next REMOVE gsi1pk, gsi1sk' : 'SET openSlots = :next',
          ConditionExpression: 'openSlots = :seen AND #status = :open',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':next': next, ':seen': m.openSlots, ':open': 'open' },
        },
      },
      {
        Put: {
          TableName: this.table,
          Item: {
            ...Keys.claimGuard(m.microtaskId, a.workerId),
            ...Keys.leaseIndex(openIndexShard(a.assignmentId, LEASE_SHARDS), a.leaseExpiresAt, a.assignmentId),
            type: 'ClaimGuard',
            assignmentId: a.assignmentId,
            microtaskId: m.microtaskId,
            projectId: m.projectId,
            workerId: a.workerId,
            leaseExpiresAt: a.leaseExpiresAt,
            ...(a.quotaSegment ? { quotaSegment: a.quotaSegment } : {}),
            ...(perWorkerCap ? { capped: true } : {}),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: this.table,
          Item: {
            ...Keys.assignment(a.assignmentId),
            ...Keys.assignmentByWorker(a.workerId, a.claimedAt, a.assignmentId),
            ...Keys.assignmentByMicrotask(a.microtaskId, a.assignmentId),
            type: 'Assignment',
            ...a,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        ConditionCheck: {
          TableName: this.table,
          Key: Keys.project(project.projectId),
          ConditionExpression: '#status = :published',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':published': 'published' },
        },
      },
      {
        Update: {
          TableName: this.table,
          Key: Keys.activeClaims(a.workerId),
          UpdateExpression: 'ADD activeClaims :one SET workerId = :worker, #type = :type',
          ConditionExpression: 'attribute_not_exists(activeClaims) OR activeClaims < :cap',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':one': 1, ':cap': limits.maxActiveClaims, ':worker': a.workerId, ':type': 'ActiveClaims' },
        },
      },
    ];
    const capAt = cap ? items.push(cap) - 1 : -1;
    const quotaAt = quota ? items.push(quota) - 1 : -1;
    try {
      await transactWrite(this.client, items);
    } catch (e) {
      if (!(e instanceof ConditionsFailed)) throw e;
      throw new ConditionsFailed(e.failed.map((i) => (i === 4 ? ACTIVE_CLAIMS_ITEM : i === capAt ? CAP_ITEM : i === quotaAt ? QUOTA_ITEM : i)), e.reasons);
    }
  }

  /** The counter item's decrement, for the transaction that ends a claim (exactly once, by that transaction's own condition). */
  private releaseActiveClaim(workerId: string): TransactItem {
    return { Update: { TableName: this.table, Key: Keys.activeClaims(workerId), UpdateExpression: 'ADD activeClaims :minusOne', ExpressionAttributeValues: { ':minusOne': -1 } } };
  }

  // ---------------------------------------------------------------- assignments

  async getAssignment(assignmentId: string, consistent = false): Promise<Assignment | undefined> {
    const r = await this.client.send(new GetCommand({ TableName: this.table, Key: Keys.assignment(assignmentId), ConsistentRead: consistent }));
    return strip<Assignment>(r.Item);
  }

  /** claimed → submitted, counted on the microtask in the same transaction. */
  async submit(a: Assignment, now: string): Promise<void> {
    try {
      await transactWrite(this.client, [
        {
          Update: {
            TableName: this.table,
            Key: Keys.assignment(a.assignmentId),
            // The risk measured at submit lands with the answer: review never sees one without the other.
            UpdateExpression: `SET #status = :submitted, answer = :answer, submittedAt = :now, submissionContext = :ctx${a.risk ? ', risk = :risk' : ''}`,
            ConditionExpression: '#status = :claimed AND workerId = :worker AND leaseExpiresAt >= :now',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':submitted': 'submitted',
              ':claimed': 'claimed',
              ':answer': a.answer,
              ':now': now,
              ':ctx': a.submissionContext ?? {},
              ':worker': a.workerId,
              ...(a.risk ? { ':risk': a.risk } : {}),
            },
          },
        },
        {
          Update: {
            TableName: this.table,
            Key: Keys.microtask(a.microtaskId),
            UpdateExpression: 'ADD submittedCount :one',
            ExpressionAttributeValues: { ':one': 1 },
          },
        },
        // The lease is over: the sweeper has nothing to reclaim.
        { Update: { TableName: this.table, Key: Keys.claimGuard(a.microtaskId, a.workerId), UpdateExpression: 'REMOVE gsi1pk, gsi1sk' } },
        this.releaseActiveClaim(a.workerId),
        this.progressUpdate(a.projectId, { asg_submitted: 1 }),
      ]);
    } catch (e) {
      if (e instanceof ConditionsFailed) throw conflict('assignment_not_open', 'The assignment can no longer be submitted (already submitted, or the lease expired)');
      throw e;
    }
  }

  /**
   * Erasure: the network details and the reported location recorded with a submission go, and so
   * does its risk record (its evidence holds countries and distances measured from them); the
   * answer and its decision stay.
   */
  async scrubSubmissionContext(assignmentId: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: Keys.assignment(assignmentId),
          UpdateExpression: 'REMOVE submissionContext.sourceIp, submissionContext.userAgent, submissionContext.#location, risk',
          ConditionExpression: 'attribute_exists(submissionContext) OR attribute_exists(risk)',
          ExpressionAttributeNames: { '#location': 'location' },
        }),
      );
      return true;
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }

  /** Newest first. With a status, a bounded filtered read, as listMicrotasks. */
  async listAssignmentsByWorker(workerId: string, limit: number, cursor?: string, status?: Assignment['status']): Promise<Page<Assignment>> {
    return this.page<Assignment>({ index: 'gsi1', partition: Keys.assignmentByWorker(workerId, '', '').gsi1pk, newestFirst: true, ...statusFilter(status) }, limit, cursor);
  }


  /** Bounded by the redundancy (≤ 50), so one page. */
  async listAssignmentsOfMicrotask(microtaskId: string): Promise<Assignment[]> {
    return (await this.page<Assignment>({ index: 'gsi2', partition: Keys.assignmentByMicrotask(microtaskId, '').gsi2pk }, 200, undefined)).items;
  }


  /**
   * submitted → approved | rejected, with the money movement in the same transaction. Returns
   * false when the decision had already been applied (a retried state machine task).
   */
  async decide(
    assignmentId: string,
    decision: ReviewDecision,
    entry: LedgerEntry,
    extra: { hold?: Hold; stats?: WorkerOutcome; client?: ClientDecisionOutcome; projectId?: string } = {},
  ): Promise<boolean> {
    const { hold, stats, client, projectId } = extra;
    try {
      await transactWrite(this.client, [
        {
          Update: {
            TableName: this.table,
            Key: Keys.assignment(assignmentId),
            UpdateExpression: 'SET #status = :outcome, decision = :decision',
            ConditionExpression: '#status = :submitted',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':outcome': decision.outcome, ':decision': decision, ':submitted': 'submitted' },
          },
        },
        ...this.ledger.transactItems(entry),
        ...(hold
          ? [
              {
                Put: {
                  TableName: this.table,
                  Item: { ...Keys.hold(hold.assignmentId), ...Keys.holdDue(shardOf(Accounts.workerAvailable(hold.workerId)), hold.releaseAt, hold.assignmentId), type: 'Hold', ...hold },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ]
          : []),
        ...(stats
          ? [
              {
                Update: {
                  TableName: this.table,
                  Key: Keys.workerStats(stats.workerId, stats.currency),
                  UpdateExpression: `ADD ${stats.approved ? 'approvedCount' : 'rejectedCount'} :one, earnedMinor :earned, activeMs :ms${goldCounts(stats)} SET workerId = :w, currency = :c, #type = :type`,
                  ExpressionAttributeNames: { '#type': 'type' },
                  ExpressionAttributeValues: { ':one': 1, ':earned': stats.rewardMinor, ':ms': stats.activeMs, ':w': stats.workerId, ':c': stats.currency, ':type': 'WorkerStats', ...goldCountValues(stats) },
                },
              },
              // Reputation per task type, and the event the worker sees as what changed it.
              ...(stats.taskType
                ? [
                    {
                      Update: {
                        TableName: this.table,
                        Key: Keys.workerTaskTypeStats(stats.workerId, stats.taskType),
                        UpdateExpression: `ADD ${stats.approved ? 'approvedCount' : 'rejectedCount'} :one${goldCounts(stats)} SET taskType = :t, #type = :type`,
                        ExpressionAttributeNames: { '#type': 'type' },
                        ExpressionAttributeValues: { ':one': 1, ':t': stats.taskType, ':type': 'WorkerTaskTypeStats', ...goldCountValues(stats) },
                      },
                    },
                  ]
                : []),
              // Per project as well: a project's gold policy judges a worker by its own gold.
              ...(stats.gold && stats.projectId
                ? [
                    {
                      Update: {
                        TableName: this.table,
                        Key: Keys.workerProjectGold(stats.workerId, stats.projectId),
                        UpdateExpression: 'ADD goldCount :one, goldMatchedCount :matched SET projectId = :p, #type = :type',
                        ExpressionAttributeNames: { '#type': 'type' },
                        ExpressionAttributeValues: { ':one': 1, ':p': stats.projectId, ':type': 'WorkerProjectGold', ...goldCountValues(stats) },
                      },
                    },
                  ]
                : []),
              {
                Put: {
                  TableName: this.table,
                  Item: {
                    ...Keys.reputationEvent(stats.workerId, decision.decidedAt, assignmentId),
                    type: 'ReputationEvent',
                    assignmentId,
                    ...(stats.projectId ? { projectId: stats.projectId } : {}),
                    ...(stats.taskType ? { taskType: stats.taskType } : {}),
                    outcome: decision.outcome,
                    rule: decision.rule,
                    decidedAt: decision.decidedAt,
                  },
                },
              },
            ]
          : []),
        // In the same transaction as the status change, so a retried finalize counts nothing twice.
        ...(client ? [{ Update: clientDecisionUpdate(this.table, client) }] : []),
        ...(projectId ? [this.progressUpdate(projectId, { asg_submitted: -1, [decision.outcome === 'approved' ? 'asg_approved' : 'asg_rejected']: 1 })] : []),
      ]);
      return true;
    } catch (e) {
      if (e instanceof ConditionsFailed && (e.failed.includes(0) || e.failed.includes(1))) return false;
      const ledgerFailure = translateLedgerFailure(e, entry, 1);
      if (ledgerFailure instanceof Error) throw ledgerFailure;
      throw e;
    }
  }

  /** Claims whose lease ended before `now`, from one shard of the lease index, oldest first. */
  async expiredLeases(shard: number, now: string, limit: number): Promise<Lease[]> {
    const r = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: MAIN_TABLE.indexes[0].indexName,
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :now',
        ExpressionAttributeValues: { ':pk': Keys.leaseIndex(shard, '', '').gsi1pk, ':now': now },
        Limit: limit,
      }),
    );
    return (r.Items ?? []).map((i) => ({
      assignmentId: i.assignmentId,
      microtaskId: i.microtaskId,
      projectId: i.projectId,
      workerId: i.workerId,
      ...(i.quotaSegment ? { quotaSegment: i.quotaSegment } : {}),
      ...(i.capped ? { capped: true } : {}),
    }));
  }

  /**
   * Ends a claim that will never be submitted (lease expired, or returned by the worker) and gives
   * its slot back: reopened for another worker, or, on a cancelled project, released with its escrow.
   * False when the assignment was submitted or ended meanwhile.
   */
  async endClaim(
    lease: Lease,
    end: { status: 'expired' | 'returned'; now: string },
    slot: { reopen: true } | { reopen: false; escrowBack: LedgerEntry },
  ): Promise<boolean> {
    const condition = end.status === 'expired' ? '#status = :claimed AND leaseExpiresAt < :now' : '#status = :claimed AND workerId = :worker';
    try {
      await transactWrite(this.client, [
        {
          Update: {
            TableName: this.table,
            Key: Keys.assignment(lease.assignmentId),
            UpdateExpression: 'SET #status = :end, endedAt = :now',
            ConditionExpression: condition,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':end': end.status, ':claimed': 'claimed', ':now': end.now, ...(end.status === 'returned' ? { ':worker': lease.workerId } : {}) },
          },
        },
        // The guard stays, so the worker is not handed the same microtask again; only its lease goes.
        { Update: { TableName: this.table, Key: Keys.claimGuard(lease.microtaskId, lease.workerId), UpdateExpression: 'REMOVE gsi1pk, gsi1sk' } },
        this.releaseActiveClaim(lease.workerId),
        slot.reopen
          ? {
              Update: {
                TableName: this.table,
                Key: Keys.microtask(lease.microtaskId),
                UpdateExpression: 'ADD openSlots :one SET gsi1pk = :open, gsi1sk = :id',
                ConditionExpression: '#status = :openStatus',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: {
                  ':one': 1,
                  ':open': Keys.openMicrotask(lease.projectId, openIndexShard(lease.microtaskId), lease.microtaskId).gsi1pk,
                  ':id': lease.microtaskId,
                  ':openStatus': 'open',
                },
              },
            }
          : {
              Update: {
                TableName: this.table,
                Key: Keys.microtask(lease.microtaskId),
                UpdateExpression: 'ADD releasedSlots :one',
                ExpressionAttributeValues: { ':one': 1 },
              },
            },
        ...(slot.reopen
          ? [
              // Reopen only while the project is not winding down: a cancellation or expiry that slipped in between
              // makes this fail, and the next sweep releases the slot's escrow instead.
              {
                ConditionCheck: {
                  TableName: this.table,
                  Key: Keys.project(lease.projectId),
                  ConditionExpression: 'NOT (#status IN (:cancelled, :expired))',
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: { ':cancelled': 'cancelled', ':expired': 'expired' },
                },
              },
            ]
          : this.ledger.transactItems(slot.escrowBack)),
        // The claim no longer counts against its quota segment nor the worker's cap.
        ...(lease.quotaSegment ? [{ Update: { TableName: this.table, Key: Keys.quotaCounter(lease.projectId, lease.quotaSegment), UpdateExpression: 'ADD filled :minus', ExpressionAttributeValues: { ':minus': -1 } } }] : []),
        ...(lease.capped ? [{ Update: { TableName: this.table, Key: Keys.workerProjectClaims(lease.workerId, lease.projectId), UpdateExpression: 'ADD claims :minus', ExpressionAttributeValues: { ':minus': -1 } } }] : []),
      ]);
      return true;
    } catch (e) {
      if (e instanceof ConditionsFailed && (e.failed.includes(0) || (slot.reopen && e.failed.includes(4)))) return false;
      throw e;
    }
  }

  /** The measured counters of each organisation asked for (a feed page's clients: 100 at most), by key. */
  async clientCounters(orgIds: string[]): Promise<Map<string, ClientCounters>> {
    const wanted = [...new Set(orgIds)].slice(0, 100);
    const out = new Map(wanted.map((o) => [o, emptyClientCounters()]));
    let request: Record<string, unknown>[] | undefined = wanted.map((o) => Keys.clientReputation(o));
    // Unprocessed keys come back under throttling; a few rounds at most.
    for (let round = 0; request?.length && round < 5; round++) {
      const r: BatchGetCommandOutput = await this.client.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: request } } }));
      for (const item of r.Responses?.[this.table] ?? []) out.set(item.orgId as string, clientCountersOf(item));
      request = r.UnprocessedKeys?.[this.table]?.Keys;
    }
    if (request?.length) throw new Error('client reputation read left unprocessed keys');
    return out;
  }

  /** One item per currency the worker has earned in: a handful at most. */
  async workerStats(workerId: string): Promise<WorkerStats[]> {
    const r = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :stats)',
        ExpressionAttributeValues: { ':pk': Keys.workerStats(workerId, '').pk, ':stats': 'STATS#' },
      }),
    );
    return (r.Items ?? []).map((i) => ({
      currency: i.currency,
      approvedCount: i.approvedCount ?? 0,
      rejectedCount: i.rejectedCount ?? 0,
      earnedMinor: i.earnedMinor ?? 0,
      activeMs: i.activeMs ?? 0,
      goldCount: i.goldCount ?? 0,
      goldMatchedCount: i.goldMatchedCount ?? 0,
    }));
  }

  /**
   * Moves a microtask from one of `from` to `to`, and its project's progress counters with it in the
   * same transaction. The status is read first so the counter it leaves is known; the write is
   * conditional on that status, and read again when another write moved it meanwhile. False when
   * the microtask is in none of `from`, or (with `redundancy`) no longer has that many slots: the
   * round the caller saw, as adaptive redundancy may have added one.
   */
  async setMicrotaskStatus(microtaskId: string, from: Microtask['status'][], to: Microtask['status'], extra: { result?: MicrotaskResult; error?: unknown; redundancy?: number } = {}): Promise<boolean> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const m = await this.getMicrotask(microtaskId, true);
      if (!m || !from.includes(m.status) || (extra.redundancy !== undefined && m.redundancy !== extra.redundancy)) return false;
      try {
        await transactWrite(this.client, [
          {
            Update: {
              TableName: this.table,
              Key: Keys.microtask(microtaskId),
              UpdateExpression: `SET #status = :to${extra.result ? ', #result = :result' : ''}${extra.error ? ', reviewError = :error' : ''}`,
              ConditionExpression: `#status = :seen${extra.redundancy !== undefined ? ' AND redundancy = :redundancy' : ''}`,
              ExpressionAttributeNames: { '#status': 'status', ...(extra.result ? { '#result': 'result' } : {}) },
              ExpressionAttributeValues: {
                ':to': to,
                ':seen': m.status,
                ...(extra.result ? { ':result': extra.result } : {}),
                ...(extra.error ? { ':error': extra.error } : {}),
                ...(extra.redundancy !== undefined ? { ':redundancy': extra.redundancy } : {}),
              },
            },
          },
          this.progressUpdate(m.projectId, { [`mt_${MICROTASK_COUNTER[m.status]}`]: -1, [`mt_${MICROTASK_COUNTER[to]}`]: 1 }),
        ]);
        return true;
      } catch (e) {
        if (!(e instanceof ConditionsFailed)) throw e;
      }
    }
    throw conflict('microtask_busy', `Microtask ${microtaskId} kept changing status; retry`);
  }

  // ---------------------------------------------------------------- progress

  /** ADDs to the project's progress counters: one unconditional item for the transaction of a state change. */
  private progressUpdate(projectId: string, adds: Record<string, number>): TransactItem {
    const entries = Object.entries(adds).filter(([, n]) => n !== 0);
    return {
      Update: {
        TableName: this.table,
        Key: Keys.projectProgress(projectId),
        UpdateExpression: `ADD ${entries.map((_, i) => `#c${i} :c${i}`).join(', ')} SET projectId = :project, #type = :type`,
        ExpressionAttributeNames: { '#type': 'type', ...Object.fromEntries(entries.map(([name], i) => [`#c${i}`, name])) },
        ExpressionAttributeValues: { ':project': projectId, ':type': 'ProjectProgress', ...Object.fromEntries(entries.map(([, n], i) => [`:c${i}`, n])) },
      },
    };
  }

  /** The project's progress, by key (zeros for a project with none yet). */
  async getProgress(projectId: string, consistent = false): Promise<ProjectProgress> {
    const r = await this.client.send(new GetCommand({ TableName: this.table, Key: Keys.projectProgress(projectId), ConsistentRead: consistent }));
    return progressOf(r.Item);
  }

  /** The progress of each project asked for (a list page: 100 at most), by key. */
  async progressOf(projectIds: string[]): Promise<Map<string, ProjectProgress>> {
    const wanted = [...new Set(projectIds)].slice(0, 100);
    const out = new Map(wanted.map((p) => [p, emptyProgress()]));
    let request: Record<string, unknown>[] | undefined = wanted.map((p) => Keys.projectProgress(p));
    for (let round = 0; request?.length && round < 5; round++) {
      const r: BatchGetCommandOutput = await this.client.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: request } } }));
      for (const item of r.Responses?.[this.table] ?? []) out.set(item.projectId as string, progressOf(item));
      request = r.UnprocessedKeys?.[this.table]?.Keys;
    }
    if (request?.length) throw new Error('project progress read left unprocessed keys');
    return out;
  }

  /**
   * published or paused → completed, once: conditional on the status the caller saw, on the
   * microtask count it saw, and on the progress item showing nothing open, in review or failed,
   * all in one transaction, so microtasks added meanwhile or a concurrent completion make it fail.
   * The same transaction puts the project on the deadline index, due now: the sweep that closes
   * expired projects finds it there and starts its closure. True when this call completed the project.
   */
  async complete(project: Project, now: string): Promise<boolean> {
    if (project.status !== 'published' && project.status !== 'paused') return false;
    try {
      await transactWrite(this.client, [
        {
          Update: {
            TableName: this.table,
            Key: Keys.project(project.projectId),
            // Out of the task feed with the status change.
            UpdateExpression: 'SET #status = :completed, updatedAt = :now, completedAt = :now REMOVE gsi2pk, gsi2sk, pausedReason',
            ConditionExpression: '#status = :from AND microtaskCount = :count',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':completed': 'completed', ':now': now, ':from': project.status, ':count': project.microtaskCount },
          },
        },
        {
          ConditionCheck: {
            TableName: this.table,
            Key: Keys.projectProgress(project.projectId),
            ConditionExpression: 'mt_total = :count AND mt_open = :zero AND (attribute_not_exists(mt_reviewing) OR mt_reviewing = :zero) AND (attribute_not_exists(mt_reviewFailed) OR mt_reviewFailed = :zero)',
            ExpressionAttributeValues: { ':count': project.microtaskCount, ':zero': 0 },
          },
        },
        this.deadlinePut(project.projectId, now),
      ]);
      return true;
    } catch (e) {
      if (e instanceof ConditionsFailed) return false;
      throw e;
    }
  }
}

function progressOf(item: Record<string, unknown> | undefined): ProjectProgress {
  const n = (k: string) => (typeof item?.[k] === 'number' ? (item[k] as number) : 0);
  const p = emptyProgress();
  for (const k of Object.keys(p.microtasks) as (keyof ProjectProgress['microtasks'])[]) p.microtasks[k] = n(`mt_${k}`);
  for (const k of Object.keys(p.assignments) as (keyof ProjectProgress['assignments'])[]) p.assignments[k] = n(`asg_${k}`);
  return p;
}

/**
 * The marker and the counter of a rejection overturned on appeal: the marker's conditional put
 * counts it against the client once per assignment. Written in the appeal decision's transaction.
 */
export function overturnedRejectionItems(table: string, orgId: string, assignmentId: string, at: string): TransactItem[] {
  return [
    { Put: { TableName: table, Item: { ...Keys.overturnedRejection(assignmentId), type: 'OverturnedRejection', assignmentId, orgId, at }, ConditionExpression: 'attribute_not_exists(pk)' } },
    {
      Update: {
        TableName: table,
        Key: Keys.clientReputation(orgId),
        UpdateExpression: 'ADD overturnedRejections :one SET orgId = :org, #type = :type',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':one': 1, ':org': orgId, ':type': 'ClientReputation' },
      },
    },
  ];
}

/**
 * The gold counters of a decision on a gold microtask, beside the approval counts (per currency and
 * per task type): the share matched is a measure of the worker's skill that consensus cannot give.
 */
const goldCounts = (stats: WorkerOutcome) => (stats.gold ? ', goldCount :one, goldMatchedCount :matched' : '');
const goldCountValues = (stats: WorkerOutcome) => (stats.gold ? { ':matched': stats.gold.matched ? 1 : 0 } : {});

/** What a ledger entry moves into the client's escrow (or out of its funds, for a bonus). */
function escrowAmount(entry: LedgerEntry): number {
  return entry.postings.filter((p) => p.amountMinor > 0 && p.accountId.endsWith(':escrow')).reduce((s, p) => s + p.amountMinor, 0);
}

/**
 * The project-update fragment that commits money against its budget. DynamoDB conditions cannot
 * add, so a capped project keeps `budgetLeftMinor` (cap − committed) and the condition compares
 * with that; an uncapped project asserts it has no cap, so a cap set meanwhile is not bypassed.
 */
function commitment(project: Project, amountMinor: number): { add: string; condition: string; values: Record<string, number> } {
  if (amountMinor === 0) return { add: '', condition: '', values: {} };
  if (project.budgetCapMinor === undefined) return { add: ', committedMinor :commit', condition: ' AND attribute_not_exists(budgetLeftMinor)', values: { ':commit': amountMinor } };
  return { add: ', committedMinor :commit, budgetLeftMinor :uncommit', condition: ' AND budgetLeftMinor >= :commit', values: { ':commit': amountMinor, ':uncommit': -amountMinor } };
}

/**
 * A decision's ADDs to its client's counters: flat attributes (`lat<i>`, `earned_<CUR>`,
 * `activeMs_<CUR>`), since ADD cannot create a nested path in a map that does not exist yet.
 */
function clientDecisionUpdate(table: string, c: ClientDecisionOutcome) {
  const latency = c.latencySeconds === undefined ? '' : `, lat${latencyBucketOf(c.latencySeconds)} :one`;
  return {
    TableName: table,
    Key: Keys.clientReputation(c.orgId),
    UpdateExpression: `ADD ${c.approved ? 'approvedCount' : 'rejectedCount'} :one${latency}, #earned :earned, #ms :ms SET orgId = :org, #type = :type`,
    ExpressionAttributeNames: { '#type': 'type', '#earned': `earned_${c.currency}`, '#ms': `activeMs_${c.currency}` },
    ExpressionAttributeValues: { ':one': 1, ':earned': c.rewardMinor, ':ms': c.activeMs, ':org': c.orgId, ':type': 'ClientReputation' },
  };
}

function clientCountersOf(item: Record<string, unknown>): ClientCounters {
  const n = (k: string) => (typeof item[k] === 'number' ? (item[k] as number) : 0);
  const currencies = Object.keys(item).flatMap((k) => (k.startsWith('activeMs_') ? [k.slice('activeMs_'.length) as Currency] : []));
  return {
    approvedCount: n('approvedCount'),
    rejectedCount: n('rejectedCount'),
    overturnedRejections: n('overturnedRejections'),
    latencyBuckets: Array.from({ length: LATENCY_BUCKET_COUNT }, (_, i) => n(`lat${i}`)),
    pay: currencies.sort().map((currency) => ({ currency, earnedMinor: n(`earned_${currency}`), activeMs: n(`activeMs_${currency}`) })),
  };
}
