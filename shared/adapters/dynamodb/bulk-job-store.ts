import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { JOB_RETENTION_DAYS, type ExportJob, type ImportJob } from '../../domain/bulk/jobs';
import { conflict } from '../../domain/errors';
import { Keys } from './table-design';


type Kind = 'import' | 'export';
type JobOf<K extends Kind> = K extends 'import' ? ImportJob : ExportJob;

const keyOf = (kind: Kind, id: string) => (kind === 'import' ? Keys.importJob(id) : Keys.exportJob(id));
const KEY_ATTRS = new Set(['pk', 'sk', 'type', 'ttl']);
const isConditionFailure = (e: unknown) => (e as Error).name === 'ConditionalCheckFailedException';

function strip<T>(item: Record<string, unknown> | undefined): T | undefined {
  if (!item) return undefined;
  return Object.fromEntries(Object.entries(item).filter(([k]) => !KEY_ATTRS.has(k))) as T;
}

/**
 * Import and export jobs in the single table. A runner takes a job's lease before working on it and
 * every commit is conditional on still holding it, so two deliveries of a message never work on
 * one job at once, and a runner that lost its lease cannot move the checkpoint.
 */
export class DynamoBulkJobStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async create<K extends Kind>(kind: K, job: JobOf<K>): Promise<void> {
    const id = kind === 'import' ? (job as ImportJob).importId : (job as ExportJob).exportId;
    const ttl = Math.floor(Date.parse(job.createdAt) / 1000) + JOB_RETENTION_DAYS * 86_400;
    await this.client.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keyOf(kind, id), type: kind === 'import' ? 'ImportJob' : 'ExportJob', ttl, ...job },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get<K extends Kind>(kind: K, id: string, consistent = false): Promise<JobOf<K> | undefined> {
    const r = await this.client.send(new GetCommand({ TableName: this.table, Key: keyOf(kind, id), ConsistentRead: consistent }));
    return strip<JobOf<K>>(r.Item);
  }

  /**
   * Takes the lease of a running job for `leaseMs`, unless another runner holds an unexpired one.
   * Returns the job as it is now, or undefined when it is not running or someone else has it.
   */
  async acquire<K extends Kind>(kind: K, id: string, runner: string, nowMs: number, leaseMs: number): Promise<JobOf<K> | undefined> {
    try {
      const r = await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keyOf(kind, id),
          UpdateExpression: 'SET runner = :runner, leaseUntil = :until',
          ConditionExpression: '#status = :running AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now OR runner = :runner)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':runner': runner, ':until': nowMs + leaseMs, ':now': nowMs, ':running': 'running' },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return strip<JobOf<K>>(r.Attributes);
    } catch (e) {
      if (isConditionFailure(e)) return undefined;
      throw e;
    }
  }

  /**
   * Records a step: sets the given fields (undefined removes one), bumps seq and, with `release`,
   * gives the lease up. False when the runner no longer holds the lease: its work is someone else's now.
   */
  async commit<K extends Kind>(kind: K, id: string, runner: string, changes: Partial<JobOf<K>>, opts: { release?: boolean; now: string }): Promise<boolean> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':runner': runner, ':one': 1, ':now': opts.now };
    const sets = ['seq = seq + :one', 'updatedAt = :now'];
    const removes = opts.release ? ['runner', 'leaseUntil'] : [];
    Object.entries(changes).forEach(([k, v], i) => {
      if (k === 'seq' || k === 'updatedAt' || k === 'runner' || k === 'leaseUntil') return;
      names[`#f${i}`] = k;
      if (v === undefined) removes.push(`#f${i}`);
      else {
        sets.push(`#f${i} = :v${i}`);
        values[`:v${i}`] = v;
      }
    });
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keyOf(kind, id),
          UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: 'runner = :runner',
          ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  /** A status change by a request (start), conditional on the status the caller saw and on nobody running the job. */
  async transition<K extends Kind>(kind: K, id: string, from: string, changes: Partial<JobOf<K>>, now: string): Promise<void> {
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = { ':from': from, ':now': now, ':one': 1 };
    const sets = ['seq = seq + :one', 'updatedAt = :now'];
    const removes = ['runner', 'leaseUntil'];
    Object.entries(changes).forEach(([k, v], i) => {
      names[`#f${i}`] = k;
      if (v === undefined) removes.push(`#f${i}`);
      else {
        values[`:v${i}`] = v;
        sets.push(`#f${i} = :v${i}`);
      }
    });
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keyOf(kind, id),
          UpdateExpression: `SET ${sets.join(', ')} REMOVE ${removes.join(', ')}`,
          ConditionExpression: '#status = :from',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (e) {
      if (isConditionFailure(e)) throw conflict('job_changed', 'The job changed meanwhile; read it again and retry');
      throw e;
    }
  }
}
