import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conflict } from '../../domain/errors';
import type { Answer } from '../../domain/marketplace/answer-spec';
import type { Assignment, AssignmentRevision } from '../../domain/marketplace/assignment';
import type { ClientAcceptance, ReviewerVerdict, ReviewTask } from '../../domain/quality/human-review';
import { strip } from './marketplace-store';
import { Keys } from './table-design';
import { ConditionsFailed, transactWrite } from './transact';

/** How many open review tasks a claim looks at: the oldest first, skipping those the reviewer answered in. */
const REVIEW_CANDIDATES = 20;

/** A revision round of a microtask: the answers still expected back and the token that resumes the review. */
export interface RevisionRound {
  microtaskId: string;
  reviewTaskId: string;
  round: number;
  taskToken: string;
  pending: string[];
  deadline: string;
  resumedAt?: string;
}

/** A reviewed microtask waiting for its client: the token that resumes the review, until the window ends. */
export interface AcceptanceWindow {
  microtaskId: string;
  projectId: string;
  orgId: string;
  taskToken: string;
  status: 'open' | 'decided';
  openedAt: string;
  windowEndsAt: string;
  policyVersion: number;
  assignmentIds: string[];
  decision?: ClientAcceptance;
}

const isConditionFailure = (e: unknown) => e instanceof ConditionsFailed || (e as Error).name === 'ConditionalCheckFailedException';

/**
 * The human stages of the review workflow in the single table: review tasks, revision rounds and
 * client acceptance windows. Each holds a task token of a waiting execution; every change is a
 * conditional write, so a decision is applied once and a task token is used once.
 */
export class DynamoReviewStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  // ---------------------------------------------------------------- review tasks

  /** Opens the task; a retried open (same id, still open) only takes the newer token. */
  async openReviewTask(t: ReviewTask): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...Keys.reviewTask(t.reviewTaskId), ...Keys.openReviewTask(t.projectId, t.createdAt, t.reviewTaskId), type: 'ReviewTask', ...t },
          ConditionExpression: 'attribute_not_exists(pk) OR #status = :open',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':open': 'open' },
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
  }

  async getReviewTask(reviewTaskId: string, consistent = false): Promise<ReviewTask | undefined> {
    const r = await this.client.send(new GetCommand({ TableName: this.table, Key: Keys.reviewTask(reviewTaskId), ConsistentRead: consistent }));
    return strip<ReviewTask>(r.Item);
  }

  /** The oldest open task of the project the reviewer may take (none of their own answers in it), claimed by a conditional write. */
  async claimReviewTask(projectId: string, reviewerId: string, now: string): Promise<ReviewTask | undefined> {
    const r = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': Keys.openReviewTask(projectId, '', '').gsi1pk },
        Limit: REVIEW_CANDIDATES,
      }),
    );
    for (const item of r.Items ?? []) {
      const t = strip<ReviewTask>(item)!;
      if (t.excludedReviewers.includes(reviewerId) || t.expiresAt <= now) continue;
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.table,
            Key: Keys.reviewTask(t.reviewTaskId),
            UpdateExpression: 'SET #status = :claimed, reviewerId = :reviewer, claimedAt = :now REMOVE gsi1pk, gsi1sk',
            ConditionExpression: '#status = :open AND taskToken = :token',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':claimed': 'claimed', ':open': 'open', ':reviewer': reviewerId, ':now': now, ':token': t.taskToken },
          }),
        );
        return { ...t, status: 'claimed', reviewerId, claimedAt: now };
      } catch (e) {
        if (!isConditionFailure(e)) throw e;
      }
    }
    return undefined;
  }

  /** claimed by this reviewer → decided, once. */
  async decideReviewTask(t: ReviewTask, reviewerId: string, verdicts: ReviewerVerdict[], now: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: Keys.reviewTask(t.reviewTaskId),
          UpdateExpression: 'SET #status = :decided, verdicts = :verdicts, decidedAt = :now',
          ConditionExpression: '#status = :claimed AND reviewerId = :reviewer AND taskToken = :token',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':decided': 'decided', ':claimed': 'claimed', ':reviewer': reviewerId, ':verdicts': verdicts, ':now': now, ':token': t.taskToken },
        }),
      );
    } catch (e) {
      if (isConditionFailure(e)) throw conflict('review_task_not_open', 'The review task was decided, or it expired, meanwhile');
      throw e;
    }
  }

  /** A task nobody decided in time is withdrawn (its token is dead): open or claimed (or a decision that came too late) → expired. */
  async expireReviewTask(reviewTaskId: string, from: ('open' | 'claimed' | 'decided')[] = ['open', 'claimed']): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: Keys.reviewTask(reviewTaskId),
          UpdateExpression: 'SET #status = :expired REMOVE gsi1pk, gsi1sk',
          ConditionExpression: `#status IN (${from.map((_, i) => `:from${i}`).join(', ')})`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':expired': 'expired', ...Object.fromEntries(from.map((f, i) => [`:from${i}`, f])) },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  // ---------------------------------------------------------------- revisions

  /**
   * Opens a revision round: its record (replaced by a retried open of the same round, which brings
   * the newer token) and each named answer sent back to its worker (submitted → revision_requested).
   */
  async openRevision(round: RevisionRound, sentBack: { assignmentId: string; revision: AssignmentRevision }[]): Promise<void> {
    // A string set, so each revision leaves it with a conditional DELETE; DynamoDB drops it once empty.
    const { pending, ...rest } = round;
    await this.client.send(new PutCommand({ TableName: this.table, Item: { ...Keys.revision(round.microtaskId), type: 'Revision', ...rest, pendingSet: new Set(pending) } }));
    for (const { assignmentId, revision } of sentBack) {
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.table,
            Key: Keys.assignment(assignmentId),
            UpdateExpression: 'SET #status = :requested, revision = :revision',
            ConditionExpression: '#status = :submitted OR (#status = :requested AND revision.#round = :round)',
            ExpressionAttributeNames: { '#status': 'status', '#round': 'round' },
            ExpressionAttributeValues: { ':requested': 'revision_requested', ':submitted': 'submitted', ':revision': revision, ':round': revision.round },
          }),
        );
      } catch (e) {
        if (!isConditionFailure(e)) throw e;
      }
    }
  }

  async getRevision(microtaskId: string): Promise<RevisionRound | undefined> {
    const r = await this.client.send(new GetCommand({ TableName: this.table, Key: Keys.revision(microtaskId), ConsistentRead: true }));
    const item = strip<Omit<RevisionRound, 'pending'> & { pendingSet?: Set<string> }>(r.Item);
    if (!item) return undefined;
    const { pendingSet, ...rest } = item;
    return { ...rest, pending: pendingSet ? [...pendingSet].sort() : [] };
  }

  /**
   * The worker's revised answer replaces the first (kept in previousAnswers) and leaves the round's
   * pending list in one transaction. Returns the round as it is after the write.
   */
  async submitRevision(a: Assignment, answer: Answer, timeSpentMs: number, now: string): Promise<RevisionRound | undefined> {
    try {
      await transactWrite(this.client, [
        {
          Update: {
            TableName: this.table,
            Key: Keys.assignment(a.assignmentId),
            UpdateExpression:
              'SET #status = :submitted, answer = :answer, previousAnswers = list_append(if_not_exists(previousAnswers, :empty), :previous), revision.revisedAt = :now, submissionContext.timeSpentMs = :ms',
            ConditionExpression: '#status = :requested AND workerId = :worker AND revision.deadline >= :now AND revision.#round = :round',
            ExpressionAttributeNames: { '#status': 'status', '#round': 'round' },
            ExpressionAttributeValues: {
              ':submitted': 'submitted',
              ':requested': 'revision_requested',
              ':answer': answer,
              ':empty': [],
              ':previous': [a.answer ?? null],
              ':now': now,
              ':ms': timeSpentMs,
              ':worker': a.workerId,
              ':round': a.revision!.round,
            },
          },
        },
        {
          Update: {
            TableName: this.table,
            Key: Keys.revision(a.microtaskId),
            UpdateExpression: 'DELETE pendingSet :id',
            ConditionExpression: 'contains(pendingSet, :idValue) AND #round = :round',
            ExpressionAttributeNames: { '#round': 'round' },
            ExpressionAttributeValues: { ':id': new Set([a.assignmentId]), ':idValue': a.assignmentId, ':round': a.revision!.round },
          },
        },
      ]);
    } catch (e) {
      if (e instanceof ConditionsFailed) throw conflict('revision_not_open', 'This revision was already sent, or its round is over');
      throw e;
    }
    return this.getRevision(a.microtaskId);
  }

  /** Marks the round resumed, once: true for the caller that may send the task token. */
  async markRevisionResumed(microtaskId: string, round: number, now: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: Keys.revision(microtaskId),
          UpdateExpression: 'SET resumedAt = :now',
          ConditionExpression: '#round = :round AND attribute_not_exists(resumedAt)',
          ExpressionAttributeNames: { '#round': 'round' },
          ExpressionAttributeValues: { ':now': now, ':round': round },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  /** The deadline passed: an answer still out returns to `submitted` with its first answer. */
  async closeRevision(assignmentId: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: Keys.assignment(assignmentId),
          UpdateExpression: 'SET #status = :submitted',
          ConditionExpression: '#status = :requested',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':submitted': 'submitted', ':requested': 'revision_requested' },
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
  }

  // ---------------------------------------------------------------- client acceptance

  async openAcceptance(w: AcceptanceWindow): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...Keys.acceptance(w.microtaskId), type: 'Acceptance', ...w },
          ConditionExpression: 'attribute_not_exists(pk) OR #status = :open',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':open': 'open' },
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
  }

  async getAcceptance(microtaskId: string, consistent = false): Promise<AcceptanceWindow | undefined> {
    const r = await this.client.send(new GetCommand({ TableName: this.table, Key: Keys.acceptance(microtaskId), ConsistentRead: consistent }));
    return strip<AcceptanceWindow>(r.Item);
  }

  /** open → decided, once, within the window. */
  async decideAcceptance(w: AcceptanceWindow, decision: ClientAcceptance, now: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: Keys.acceptance(w.microtaskId),
          UpdateExpression: 'SET #status = :decided, decision = :decision',
          ConditionExpression: '#status = :open AND windowEndsAt > :now AND taskToken = :token',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':decided': 'decided', ':open': 'open', ':decision': decision, ':now': now, ':token': w.taskToken },
        }),
      );
    } catch (e) {
      if (isConditionFailure(e)) throw conflict('acceptance_closed', 'The microtask was already accepted or rejected, or its window has ended');
      throw e;
    }
  }

  /** The window ended with the client silent: the acceptance is recorded as automatic. */
  async autoAccept(microtaskId: string, now: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: Keys.acceptance(microtaskId),
          UpdateExpression: 'SET #status = :decided, decision = :decision',
          ConditionExpression: '#status = :open',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':decided': 'decided', ':open': 'open', ':decision': { decision: 'auto_accepted', decidedAt: now } },
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
  }
}
