import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { LocalLambdas } from './lambda-runtime';
import type { LocalStepFunctions } from './step-functions';
import type { TemplateResolver } from './template';

/**
 * Polls each queue of an AWS::Lambda::EventSourceMapping into its function, as Lambda's poller does:
 * batches of BatchSize, records the function reports in batchItemFailures stay on the queue (and
 * reach the DLQ after maxReceiveCount), the others are deleted.
 */
export function startQueuePollers(resolver: TemplateResolver, lambdas: LocalLambdas, sqs: SQSClient, log: (l: string) => void) {
  let running = true;
  const loops: Promise<void>[] = [];
  for (const { stack, resource } of resolver.resources('AWS::Lambda::EventSourceMapping')) {
    const p = resource.Properties ?? {};
    const queueArn = resolver.resolve(p.EventSourceArn, stack) as string;
    const fn = lambdas.byName(resolver.resolve(p.FunctionName, stack) as string) ?? lambdas.byArn(resolver.resolve(p.FunctionName, stack) as string);
    const queue = resolver.resources('AWS::SQS::Queue').map((q) => resolver.physicalOf(q.stack, q.id)!).find((q) => q.attrs.Arn === queueArn);
    if (!fn || !queue) throw new Error(`Event source mapping ${queueArn} → ${JSON.stringify(p.FunctionName)} has no local counterpart`);
    const reportsFailures = (p.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures');
    const batchSize = Math.min(10, p.BatchSize ?? 10);
    loops.push(
      (async () => {
        while (running) {
          try {
            const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.ref, MaxNumberOfMessages: batchSize, WaitTimeSeconds: 1, MessageSystemAttributeNames: ['All'] }));
            const messages = r.Messages ?? [];
            if (!messages.length) continue;
            const event = {
              Records: messages.map((m) => ({
                messageId: m.MessageId!,
                receiptHandle: m.ReceiptHandle!,
                body: m.Body ?? '',
                attributes: m.Attributes ?? {},
                messageAttributes: {},
                md5OfBody: m.MD5OfBody ?? '',
                eventSource: 'aws:sqs',
                eventSourceARN: queueArn,
                awsRegion: 'us-east-1',
              })),
            };
            let failed = new Set<string>(messages.map((m) => m.MessageId!));
            try {
              const out = (await lambdas.invoke(fn, event)) as { batchItemFailures?: { itemIdentifier: string }[] } | undefined;
              failed = new Set(reportsFailures ? (out?.batchItemFailures ?? []).map((f) => f.itemIdentifier) : []);
            } catch (e) {
              log(`[sqs] ${fn.handler} failed the whole batch: ${(e as Error).message}`);
            }
            const done = messages.filter((m) => !failed.has(m.MessageId!));
            if (done.length) {
              await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queue.ref, Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
            }
          } catch (e) {
            if (running) {
              log(`[sqs] poll error: ${(e as Error).message}`);
              await new Promise((r) => setTimeout(r, 500));
            }
          }
        }
      })(),
    );
  }
  return {
    count: loops.length,
    async stop() {
      running = false;
      await Promise.allSettled(loops);
    },
  };
}

const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

function fieldMatches(field: string, value: number, names: string[] = []): boolean {
  if (field === '*' || field === '?') return true;
  return field.split(',').some((part) => {
    const norm = (s: string) => (names.includes(s.toUpperCase()) ? names.indexOf(s.toUpperCase()) : Number(s));
    const [range, step] = part.split('/') as [string, string | undefined];
    const [lo, hi] = range === '*' ? [0, 59] : range.includes('-') ? range.split('-').map(norm) : [norm(range), step ? 59 : norm(range)];
    return value >= lo! && value <= hi! && (value - lo!) % Number(step ?? 1) === 0;
  });
}

/** Whether an EventBridge `cron(min hour dom month dow year)` or `rate(n unit)` expression fires in this UTC minute. */
export function scheduleFires(expression: string, at: Date, startedAt: Date): boolean {
  const rate = expression.match(/^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/);
  if (rate) {
    const unit = rate[2]!.startsWith('minute') ? 60_000 : rate[2]!.startsWith('hour') ? 3_600_000 : 86_400_000;
    const elapsed = Math.round((at.getTime() - startedAt.getTime()) / 60_000) * 60_000;
    return elapsed > 0 && elapsed % (Number(rate[1]) * unit) === 0;
  }
  const cron = expression.match(/^cron\((.+)\)$/);
  if (!cron) return false;
  const [min, hour, dom, month, dow] = cron[1]!.split(/\s+/) as [string, string, string, string, string];
  return (
    fieldMatches(min, at.getUTCMinutes()) &&
    fieldMatches(hour, at.getUTCHours()) &&
    fieldMatches(dom, at.getUTCDate()) &&
    fieldMatches(month, at.getUTCMonth() + 1) &&
    // EventBridge numbers days 1 (SUN) to 7 (SAT)
    (dow === '?' || dow === '*' || fieldMatches(dow.replace(/\d/g, (d) => DAYS[Number(d) - 1] ?? d), at.getUTCDay(), DAYS))
  );
}

/** Fires each scheduled rule (state machine or Lambda targets), checking once a minute. */
export function startScheduler(resolver: TemplateResolver, sfn: LocalStepFunctions, lambdas: LocalLambdas, log: (l: string) => void) {
  const rules = resolver.resources('AWS::Events::Rule').flatMap(({ stack, resource }) => {
    const expr = resource.Properties?.ScheduleExpression as string | undefined;
    if (!expr || resource.Properties?.State === 'DISABLED') return [];
    return (resource.Properties?.Targets ?? []).map((t: Record<string, unknown>) => ({ expr, arn: resolver.resolve(t.Arn, stack) as string, input: (resolver.resolve(t.Input, stack) as string | undefined) ?? '{}' }));
  });
  const startedAt = new Date();
  const timer = setInterval(() => {
    const now = new Date();
    for (const rule of rules) {
      if (!scheduleFires(rule.expr, now, startedAt)) continue;
      const fn = lambdas.byArn(rule.arn);
      if (fn) {
        void lambdas.invoke(fn, { source: 'aws.events', 'detail-type': 'Scheduled Event', time: now.toISOString() }).then(
          (out) => log(`[schedule] ${rule.expr} ran ${fn.handler}: ${JSON.stringify(out)}`),
          (e: Error) => log(`[schedule] ${fn.handler} failed: ${e.message}`),
        );
        continue;
      }
      try {
        sfn.start(rule.arn, `schedule-${now.toISOString().slice(0, 16).replace(/[:T]/g, '-')}`, rule.input);
        log(`[schedule] ${rule.expr} started ${rule.arn.split(':').pop()}`);
      } catch (e) {
        log(`[schedule] ${(e as Error).message}`);
      }
    }
  }, 60_000);
  timer.unref();
  return { rules, stop: () => clearInterval(timer) };
}
