import { BatchGetCommand, type BatchGetCommandOutput, DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conflict } from '../../domain/errors';
import type { WorkerProfile } from '../../domain/workers/profile';
import type { Attempt, AttemptState, Qualification, QualificationType } from '../../domain/workers/qualifications';
import type { StandingDecision } from '../../domain/workers/standing';
import { Keys, qualificationScoreKey } from './table-design';
import { ConditionsFailed, transactWrite } from './transact';
import { queryPage, type Page } from './paging';

const KEY_ATTRS = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'type', 'ttl']);
function strip<T>(item: Record<string, unknown> | undefined): T | undefined {
  if (!item) return undefined;
  return Object.fromEntries(Object.entries(item).filter(([k]) => !KEY_ATTRS.has(k))) as T;
}

/** A qualification item is also its holder-index entry, so a grant, a new score or a revoke moves both at once. */
const qualificationItem = (q: Qualification) => ({ ...Keys.qualification(q.workerId, q.qualificationTypeId), ...Keys.qualificationHolder(q.qualificationTypeId, q.score, q.workerId), type: 'Qualification', ...q });

const isConditionFailure = (e: unknown) => (e as Error).name === 'ConditionalCheckFailedException';

/** The items a claim reads about a worker, all by key in one BatchGet. */
export interface EligibilityItems {
  profile?: WorkerProfile;
  platform?: StandingDecision;
  client?: StandingDecision;
  excluded: boolean;
  qualifications: Record<string, Qualification | undefined>;
}

export interface ReputationEvent {
  assignmentId: string;
  projectId?: string;
  taskType?: string;
  outcome: 'approved' | 'rejected';
  rule?: string;
  decidedAt: string;
}

/**
 * Workers' profiles, qualifications, assessments and standing in the single table. Everything of a
 * worker lives in the `WORKER#<id>` partition; the attempt state and appeals change only through
 * conditional writes, so concurrent requests cannot bypass a cooldown or appeal twice.
 */
export class DynamoWorkerStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  private async get<T>(key: Record<string, string>, consistent = false): Promise<T | undefined> {
    const r = await this.client.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: consistent }));
    return strip<T>(r.Item);
  }

  // ---------------------------------------------------------------- profile

  getProfile(workerId: string, consistent = false) {
    return this.get<WorkerProfile>(Keys.workerProfile(workerId), consistent);
  }

  /** Conditional on the version the caller read, so two concurrent saves cannot silently overwrite each other. */
  async putProfile(p: WorkerProfile, previous: WorkerProfile | undefined): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...Keys.workerProfile(p.workerId), type: 'WorkerProfile', ...p },
          ConditionExpression: previous ? 'updatedAt = :seen' : 'attribute_not_exists(pk)',
          ...(previous ? { ExpressionAttributeValues: { ':seen': previous.updatedAt } } : {}),
        }),
      );
    } catch (e) {
      if (isConditionFailure(e)) throw conflict('profile_changed', 'The profile changed meanwhile; read it again and retry');
      throw e;
    }
  }

  // ---------------------------------------------------------------- qualification types

  async createQualificationType(t: QualificationType): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...Keys.qualificationType(t.qualificationTypeId), ...Keys.qualificationTypeByOwner(t.ownerId, t.createdAt, t.qualificationTypeId), type: 'QualificationType', ...t },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  getQualificationType(typeId: string) {
    return this.get<QualificationType>(Keys.qualificationType(typeId));
  }

  /** Up to 100 types by id (a project's requirements name at most a few). */
  async getQualificationTypes(typeIds: string[]): Promise<QualificationType[]> {
    if (typeIds.length === 0) return [];
    const r = await this.client.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: typeIds.slice(0, 100).map((id) => Keys.qualificationType(id)) } } }));
    return (r.Responses?.[this.table] ?? []).map((i) => strip<QualificationType>(i)!);
  }

  async listQualificationTypes(ownerId: string, limit: number, cursor?: string): Promise<Page<QualificationType>> {
    const page = await queryPage(this.client, this.table, { index: 'gsi1', partition: Keys.qualificationTypeByOwner(ownerId, '', '').gsi1pk, newestFirst: true }, limit, cursor);
    return { items: page.items.map((i) => strip<QualificationType>(i)!), nextCursor: page.nextCursor };
  }


  // ---------------------------------------------------------------- qualifications

  getQualification(workerId: string, typeId: string, consistent = false) {
    return this.get<Qualification>(Keys.qualification(workerId, typeId), consistent);
  }

  async putQualification(q: Qualification): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.table, Item: qualificationItem(q) }));
  }

  /** False when the worker held no such qualification. */
  async deleteQualification(workerId: string, typeId: string): Promise<boolean> {
    const r = await this.client.send(new DeleteCommand({ TableName: this.table, Key: Keys.qualification(workerId, typeId), ReturnValues: 'ALL_OLD' }));
    return !!r.Attributes;
  }

  /**
   * Holders of a type with at least `minScore` whose score has not expired, highest score first:
   * one bounded page of the type's holder index (gsi1), never a scan.
   */
  async qualificationHolders(typeId: string, minScore: number, now: string, limit: number, cursor?: string): Promise<Page<Qualification>> {
    const page = await queryPage(
      this.client,
      this.table,
      {
        index: 'gsi1',
        partition: Keys.qualificationHolder(typeId, 0, '').gsi1pk,
        sortKeyFrom: qualificationScoreKey(minScore),
        newestFirst: true,
        filter: { expression: 'attribute_not_exists(expiresAt) OR expiresAt > :now', values: { ':now': now } },
      },
      limit,
      cursor,
    );
    return { items: page.items.map((i) => strip<Qualification>(i)!), nextCursor: page.nextCursor };
  }

  async listQualifications(workerId: string): Promise<Qualification[]> {
    return this.partitionItems<Qualification>(workerId, 'QUAL#', 100);
  }

  private async partitionItems<T>(workerId: string, prefix: string, limit: number, newestFirst = false): Promise<T[]> {
    const r = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': Keys.workerPartition(workerId).pk, ':prefix': prefix },
        ScanIndexForward: !newestFirst,
        Limit: limit,
      }),
    );
    return (r.Items ?? []).map((i) => strip<T>(i)!);
  }

  // ---------------------------------------------------------------- assessments

  getAttemptState(workerId: string, typeId: string) {
    return this.get<AttemptState>(Keys.attemptState(workerId, typeId), true);
  }

  getAttempt(workerId: string, typeId: string, attemptId: string) {
    return this.get<Attempt>(Keys.attempt(workerId, typeId, attemptId), true);
  }

  /**
   * Opens an attempt if the rules allow it now: no attempt in progress, attempts left, cooldown
   * over. The rules are the update's condition, so two concurrent starts cannot both succeed.
   * The provisional retake time covers an abandoned attempt (deadline + cooldown). False when the
   * condition failed; the caller reads the state to say why.
   */
  async startAttempt(attempt: Attempt, rules: { maxAttempts: number; provisionalRetakeAfter: string }, now: string): Promise<boolean> {
    try {
      await transactWrite(this.client, [
        {
          Update: {
            TableName: this.table,
            Key: Keys.attemptState(attempt.workerId, attempt.qualificationTypeId),
            UpdateExpression: 'ADD attemptsUsed :one SET openAttemptId = :id, openDeadline = :deadline, retakeAfter = :retake, #type = :type',
            ConditionExpression:
              '(attribute_not_exists(attemptsUsed) OR attemptsUsed < :max) AND (attribute_not_exists(retakeAfter) OR retakeAfter <= :now) AND (attribute_not_exists(openDeadline) OR openDeadline < :now)',
            ExpressionAttributeNames: { '#type': 'type' },
            ExpressionAttributeValues: {
              ':one': 1,
              ':id': attempt.attemptId,
              ':deadline': attempt.deadline,
              ':retake': rules.provisionalRetakeAfter,
              ':max': rules.maxAttempts,
              ':now': now,
              ':type': 'AttemptState',
            },
          },
        },
        {
          Put: {
            TableName: this.table,
            Item: { ...Keys.attempt(attempt.workerId, attempt.qualificationTypeId, attempt.attemptId), type: 'Attempt', ...attempt },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ]);
      return true;
    } catch (e) {
      if (e instanceof ConditionsFailed) return false;
      throw e;
    }
  }

  /**
   * Records a graded attempt, closes it, sets the retake time and, when passed, grants the
   * qualification, atomically. False when the attempt was graded before (a concurrent submit).
   */
  async finishAttempt(graded: Attempt, retakeAfter: string, grant: Qualification | undefined): Promise<boolean> {
    try {
      await transactWrite(this.client, [
        {
          Update: {
            TableName: this.table,
            Key: Keys.attemptState(graded.workerId, graded.qualificationTypeId),
            UpdateExpression: 'SET retakeAfter = :retake REMOVE openAttemptId, openDeadline',
            ConditionExpression: 'openAttemptId = :id',
            ExpressionAttributeValues: { ':retake': retakeAfter, ':id': graded.attemptId },
          },
        },
        {
          Update: {
            TableName: this.table,
            Key: Keys.attempt(graded.workerId, graded.qualificationTypeId, graded.attemptId),
            UpdateExpression: 'SET submittedAt = :at, answers = :answers, score = :score, passed = :passed, wrongQuestionIds = :wrong',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(submittedAt)',
            ExpressionAttributeValues: { ':at': graded.submittedAt, ':answers': graded.answers, ':score': graded.score, ':passed': graded.passed, ':wrong': graded.wrongQuestionIds ?? [] },
          },
        },
        ...(grant ? [{ Put: { TableName: this.table, Item: qualificationItem(grant) } }] : []),
      ]);
      return true;
    } catch (e) {
      if (e instanceof ConditionsFailed) return false;
      throw e;
    }
  }

  // ---------------------------------------------------------------- standing

  getPlatformDecision(workerId: string, consistent = false) {
    return this.get<StandingDecision>(Keys.platformStanding(workerId), consistent);
  }

  getClientBlock(workerId: string, orgId: string) {
    return this.get<StandingDecision>(Keys.clientBlock(workerId, orgId), true);
  }

  /** A new decision replaces the one before (and with it any appeal of it). */
  async putDecision(d: StandingDecision): Promise<void> {
    const key = d.scope === 'platform' ? Keys.platformStanding(d.workerId) : Keys.clientBlock(d.workerId, d.scope.orgId);
    await this.client.send(new PutCommand({ TableName: this.table, Item: { ...key, type: 'StandingDecision', ...d } }));
  }

  /** Ends a decision now (kept, with `until`, as history). False when none was in force. */
  async liftDecision(workerId: string, scope: StandingDecision['scope'], now: string): Promise<boolean> {
    const key = scope === 'platform' ? Keys.platformStanding(workerId) : Keys.clientBlock(workerId, scope.orgId);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression: 'SET #until = :now',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#until) OR #until > :now)',
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: { ':now': now },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  /** Files the one appeal of a decision; the condition makes a second appeal of the same decision fail. */
  async fileAppeal(d: StandingDecision, statement: string, now: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: Keys.platformStanding(d.workerId),
          UpdateExpression: 'SET appeal = :appeal, gsi1pk = :gpk, gsi1sk = :gsk',
          ConditionExpression: 'decisionId = :decision AND attribute_not_exists(appeal)',
          ExpressionAttributeValues: {
            ':appeal': { statement, filedAt: now, status: 'pending' },
            ':decision': d.decisionId,
            ':gpk': Keys.pendingAppeal(now, d.workerId).gsi1pk,
            ':gsk': Keys.pendingAppeal(now, d.workerId).gsi1sk,
          },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  /** An admin's ruling on a pending appeal; overturning ends the decision at once. */
  async decideAppeal(workerId: string, decisionId: string, ruling: { status: 'upheld' | 'overturned'; note: string }, now: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: Keys.platformStanding(workerId),
          UpdateExpression: `SET appeal.#status = :status, appeal.decidedAt = :now, appeal.note = :note${ruling.status === 'overturned' ? ', #until = :now' : ''} REMOVE gsi1pk, gsi1sk`,
          ConditionExpression: 'decisionId = :decision AND appeal.#status = :pending',
          ExpressionAttributeNames: { '#status': 'status', ...(ruling.status === 'overturned' ? { '#until': 'until' } : {}) },
          ExpressionAttributeValues: { ':status': ruling.status, ':now': now, ':note': ruling.note, ':decision': decisionId, ':pending': 'pending' },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async listPendingAppeals(limit: number, cursor?: string): Promise<Page<StandingDecision>> {
    const page = await queryPage(this.client, this.table, { index: 'gsi1', partition: Keys.pendingAppeal('', '').gsi1pk }, limit, cursor);
    return { items: page.items.map((i) => strip<StandingDecision>(i)!), nextCursor: page.nextCursor };
  }


  async setExcluded(workerId: string, projectId: string, excluded: boolean, now: string): Promise<void> {
    const key = Keys.projectExclusion(workerId, projectId);
    if (excluded) await this.client.send(new PutCommand({ TableName: this.table, Item: { ...key, type: 'ProjectExclusion', workerId, projectId, excludedAt: now } }));
    else await this.client.send(new DeleteCommand({ TableName: this.table, Key: key }));
  }

  // ---------------------------------------------------------------- eligibility

  /** Everything a claim needs to know about the worker, by key: 4 + (required types) items. */
  async eligibilityItems(workerId: string, orgId: string, projectId: string, typeIds: string[]): Promise<EligibilityItems> {
    const w = await this.workerItems(workerId, { orgIds: [orgId], projectIds: [projectId], typeIds });
    return { profile: w.profile, platform: w.platform, client: w.clientBlocks.get(orgId), excluded: w.exclusions.has(projectId), qualifications: Object.fromEntries(typeIds.map((t) => [t, w.qualifications.get(t)])) };
  }

  /**
   * The worker's profile, platform standing, and the client blocks, project exclusions and
   * qualifications asked for, all by key in BatchGets of 100: bounded by what is asked, never by
   * what the worker or the projects hold.
   */
  async workerItems(workerId: string, want: { orgIds: string[]; projectIds: string[]; typeIds: string[] }) {
    const uniq = (xs: string[]) => [...new Set(xs)];
    const keys = [
      Keys.workerProfile(workerId),
      Keys.platformStanding(workerId),
      ...uniq(want.orgIds).map((o) => Keys.clientBlock(workerId, o)),
      ...uniq(want.projectIds).map((p) => Keys.projectExclusion(workerId, p)),
      ...uniq(want.typeIds).map((t) => Keys.qualification(workerId, t)),
    ];
    const bySk = new Map<string, Record<string, unknown>>();
    for (let i = 0; i < keys.length; i += 100) {
      let request: Record<string, unknown>[] | undefined = keys.slice(i, i + 100);
      // Unprocessed keys come back under throttling; a few rounds at most.
      for (let round = 0; request?.length && round < 5; round++) {
        const r: BatchGetCommandOutput = await this.client.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: request } } }));
        for (const item of r.Responses?.[this.table] ?? []) bySk.set(item.sk as string, item);
        request = r.UnprocessedKeys?.[this.table]?.Keys;
      }
      if (request?.length) throw new Error('worker read left unprocessed keys');
    }
    const at = <T>(key: { sk: string }) => strip<T>(bySk.get(key.sk));
    return {
      profile: at<WorkerProfile>(Keys.workerProfile(workerId)),
      platform: at<StandingDecision>(Keys.platformStanding(workerId)),
      clientBlocks: new Map(want.orgIds.map((o) => [o, at<StandingDecision>(Keys.clientBlock(workerId, o))])),
      exclusions: new Set(want.projectIds.filter((p) => bySk.has(Keys.projectExclusion(workerId, p).sk))),
      qualifications: new Map(want.typeIds.map((t) => [t, at<Qualification>(Keys.qualification(workerId, t))])),
    };
  }

  /** Platform decisions and this organisation's blocks of up to 100 workers (a page of a pool), by key. */
  async standings(workerIds: string[], orgId: string): Promise<Map<string, { platform?: StandingDecision; client?: StandingDecision }>> {
    const ids = [...new Set(workerIds)].slice(0, 100);
    const keys = ids.flatMap((w) => [Keys.platformStanding(w), Keys.clientBlock(w, orgId)]);
    const byKey = new Map<string, Record<string, unknown>>();
    for (let i = 0; i < keys.length; i += 100) {
      let request: Record<string, unknown>[] | undefined = keys.slice(i, i + 100);
      for (let round = 0; request?.length && round < 5; round++) {
        const r: BatchGetCommandOutput = await this.client.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: request } } }));
        for (const item of r.Responses?.[this.table] ?? []) byKey.set(`${item.pk as string}|${item.sk as string}`, item);
        request = r.UnprocessedKeys?.[this.table]?.Keys;
      }
      if (request?.length) throw new Error('standing read left unprocessed keys');
    }
    const at = (k: { pk: string; sk: string }) => strip<StandingDecision>(byKey.get(`${k.pk}|${k.sk}`));
    return new Map(ids.map((w) => [w, { platform: at(Keys.platformStanding(w)), client: at(Keys.clientBlock(w, orgId)) }]));
  }

  // ---------------------------------------------------------------- reputation

  /** Decision counts per task type: one item per type the worker has done. */
  async taskTypeStats(workerId: string): Promise<{ taskType: string; approvedCount: number; rejectedCount: number; goldCount: number; goldMatchedCount: number }[]> {
    const items = await this.partitionItems<Record<string, number | string>>(workerId, 'TYPESTATS#', 50);
    return items.map((i) => ({
      taskType: String(i.taskType),
      approvedCount: Number(i.approvedCount ?? 0),
      rejectedCount: Number(i.rejectedCount ?? 0),
      goldCount: Number(i.goldCount ?? 0),
      goldMatchedCount: Number(i.goldMatchedCount ?? 0),
    }));
  }

  reputationEvents(workerId: string, limit: number) {
    return this.partitionItems<ReputationEvent>(workerId, 'REPEVENT#', limit, true);
  }

  // ---------------------------------------------------------------- GDPR

  /** One page of everything stored in the worker's partition. */
  async exportPage(workerId: string, limit: number, cursor?: string): Promise<Page<Record<string, unknown>>> {
    const page = await queryPage(this.client, this.table, { partition: Keys.workerPartition(workerId).pk }, limit, cursor);
    return { items: page.items.map((i) => ({ kind: i.type ?? String(i.sk).split('#')[0], ...strip<Record<string, unknown>>(i)! })), nextCursor: page.nextCursor };
  }


  /** Deletes the profile and every assessment attempt (their answers); bounded by attempts allowed per type. */
  async erasePersonalData(workerId: string): Promise<{ deleted: number }> {
    let deleted = 0;
    await this.client.send(new DeleteCommand({ TableName: this.table, Key: Keys.workerProfile(workerId) }));
    deleted++;
    for (let page = 0; page < 20; page++) {
      const attempts = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': Keys.workerPartition(workerId).pk, ':prefix': 'ATTEMPT#' },
          ProjectionExpression: 'pk, sk',
          Limit: 100,
        }),
      );
      const items = attempts.Items ?? [];
      await Promise.all(items.map((i) => this.client.send(new DeleteCommand({ TableName: this.table, Key: { pk: i.pk, sk: i.sk } }))));
      deleted += items.length;
      if (!attempts.LastEvaluatedKey) break;
    }
    return { deleted };
  }
}
