import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { getDeps } from '../../shared/app/deps';
import { runImportUseCase } from '../../shared/app/bulk-import';
import { logger } from '../../shared/http/observability';

const Message = z.object({ jobId: z.string().min(1) });
const processor = new BatchProcessor(EventType.SQS);

/** One message: go on with one import from its checkpoint until it ends or this invocation's time is nearly up. */
export const handler = async (event: SQSEvent, context: Context) =>
  processPartialResponse(
    event,
    async (r: SQSRecord) => {
      const { jobId } = Message.parse(JSON.parse(r.body));
      const outcome = await runImportUseCase(getDeps(), jobId, `${context.awsRequestId}:${r.messageId}`, () => context.getRemainingTimeInMillis());
      logger.info('import', { importId: jobId, ...outcome });
    },
    processor,
    { context },
  );
