import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { clients } from './aws-clients';
import { config } from '../config';
import { MAIN_TABLE } from './dynamodb/table-design';

type Check = { status: 'ok' | 'down'; ms: number; error?: string };

async function timed(fn: () => Promise<unknown>): Promise<Check> {
  const t = Date.now();
  try {
    await Promise.race([fn(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout after 2 s')), 2_000).unref())]);
    return { status: 'ok', ms: Date.now() - t };
  } catch (e) {
    return { status: 'down', ms: Date.now() - t, error: (e as Error).name === 'Error' ? (e as Error).message : (e as Error).name };
  }
}

/**
 * Reaches each backing service the API depends on. Locally, HEALTH_CHECK_URLS (a JSON map of name
 * to URL) adds the emulators that have no SDK call here (Cognito's JWKS, the Step Functions runner).
 */
export async function checkHealth() {
  const checks: Record<string, Promise<Check>> = {
    // A read of a key that is never written: it proves the table answers, at the cost of any other
    // read. DescribeTable would not do: DynamoDB Local counts the items for it (6 s at 200,000).
    dynamodb: timed(() => clients.dynamo().send(new GetItemCommand({ TableName: config.tableName(), Key: { [MAIN_TABLE.partitionKey]: { S: 'HEALTH' }, [MAIN_TABLE.sortKey]: { S: 'HEALTH' } } }))),
    s3: timed(() => clients.s3().send(new HeadBucketCommand({ Bucket: config.mediaBucket() }))),
    sqs: timed(() => clients.sqs().send(new GetQueueAttributesCommand({ QueueUrl: config.submissionQueueUrl(), AttributeNames: ['QueueArn'] }))),
  };
  const extra = process.env.HEALTH_CHECK_URLS ? (JSON.parse(process.env.HEALTH_CHECK_URLS) as Record<string, string>) : {};
  for (const [name, url] of Object.entries(extra)) {
    checks[name] = timed(async () => {
      const r = await fetch(url);
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
    });
  }
  const results = Object.fromEntries(await Promise.all(Object.entries(checks).map(async ([k, v]) => [k, await v] as const)));
  return { status: Object.values(results).every((c) => c.status === 'ok') ? 'ok' : 'degraded', services: results };
}
