import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { getDeps, type Deps } from '../app/deps';
import { logger } from './observability';

const JobMessage = z.object({ jobId: z.string().min(1) });

/**
 * The handler of a bulk job queue: each message names one job, which goes on from its checkpoint
 * until it ends or the invocation's time is nearly up. The runner id (request and message) is what
 * the job's lease is taken by; a failed message is retried alone.
 */
export function jobRunnerHandler(kind: 'import' | 'export', run: (deps: Deps, jobId: string, runner: string, remainingMs: () => number) => Promise<object>) {
  const processor = new BatchProcessor(EventType.SQS);
  return async (event: SQSEvent, context: Context) =>
    processPartialResponse(
      event,
      async (r: SQSRecord) => {
        const { jobId } = JobMessage.parse(JSON.parse(r.body));
        const outcome = await run(getDeps(), jobId, `${context.awsRequestId}:${r.messageId}`, () => context.getRemainingTimeInMillis());
        logger.info(kind, { [`${kind}Id`]: jobId, ...outcome });
      },
      processor,
      { context },
    );
}
