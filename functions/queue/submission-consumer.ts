import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { getDeps } from '../../shared/app/deps';
import { onSubmissionUseCase } from '../../shared/app/review';
import { logger } from '../../shared/http/observability';

const Message = z.object({ microtaskId: z.string().min(1), assignmentId: z.string().min(1) });
const processor = new BatchProcessor(EventType.SQS);

async function record(r: SQSRecord) {
  const msg = Message.parse(JSON.parse(r.body));
  const outcome = await onSubmissionUseCase(getDeps(), msg);
  logger.debug('submission', { microtaskId: msg.microtaskId, ...outcome });
}

/** Failed records are reported one by one, so one bad message never makes the batch retry. */
export const handler = async (event: SQSEvent, context: Context) => processPartialResponse(event, record, processor, { context });
