import { derivedId } from '../adapters/ids';
import { feeBasisPointsFor } from '../domain/billing/plans';
import { MICROTASKS_PER_TRANSACTION } from '../adapters/dynamodb/marketplace-store';
import { conflict, notFound } from '../domain/errors';
import { Entries } from '../domain/ledger/ledger';
import { assertWithinBudget } from '../domain/marketplace/pricing';
import { assertMicrotaskInputsFit, parseGoldAnswers, type Answer } from '../domain/marketplace/answer-spec';
import type { Assignment } from '../domain/marketplace/assignment';
import type { GoldStandard, Microtask } from '../domain/marketplace/microtask';
import { assertDeadline, assertMicrotasksCanBeAdded, assertTransition, costPerAssignment, createProject, escrowFor, isWindingDown, type NewProject, type Project } from '../domain/marketplace/project';
import { allWorkDone, type ProjectProgress } from '../domain/marketplace/progress';
import type { Deps } from './deps';
import { assertUsableTypes } from './qualifications';
import { requiredTypeIds } from '../domain/workers/requirements';
import { afterSlotsReleased } from './review';
import { changeReviewPolicy, reviewPolicyOf, type ReviewPolicyInput } from '../domain/quality/review-policy';

export function projectView(p: Project, progress?: ProjectProgress) {
  const { orgId: _org, budgetLeftMinor: _left, ...rest } = p as Project & { budgetLeftMinor?: number };
  const committedMinor = p.committedMinor ?? 0;
  return {
    ...rest,
    reviewPolicy: reviewPolicyOf(p),
    ...(progress ? { progress } : {}),
    committedMinor,
    // What one answer slot reserves: the best tier's reward, every automatic bonus, and their fees.
    cost: { ...costPerAssignment(p), currency: p.currency },
    budget: p.budgetCapMinor === undefined ? null : { capMinor: p.budgetCapMinor, committedMinor, leftMinor: p.budgetCapMinor - committedMinor },
  };
}

/**
 * Money is about to be committed to the project beyond its budget: the request is refused, and a
 * published project is paused so no client automation keeps feeding it unnoticed. Raising the cap
 * (PATCH) and resuming opens it again.
 */
export async function refuseOverBudget(deps: Deps, project: Project, amountMinor: number) {
  try {
    assertWithinBudget({ ...project, committedMinor: project.committedMinor ?? 0 }, amountMinor);
  } catch (e) {
    if (project.status === 'published') await deps.marketplace.transition(project, 'paused', deps.now(), 'budget_cap_reached').catch(() => undefined);
    throw e;
  }
}

/** A client sees only its own organisation's projects; anything else is "not found", never "forbidden", so ids leak nothing. */
export async function ownedProject(deps: Deps, orgId: string, projectId: string, consistent = false): Promise<Project> {
  const p = await deps.marketplace.getProject(projectId, consistent);
  if (!p || p.orgId !== orgId) throw notFound('project', projectId);
  return p;
}

/** One project with its progress: two reads by key. */
export async function getProjectUseCase(deps: Deps, orgId: string, projectId: string) {
  const [project, progress] = await Promise.all([ownedProject(deps, orgId, projectId), deps.marketplace.getProgress(projectId)]);
  return projectView(project, progress);
}

/** A page of the organisation's projects, each with its progress (one batched read by key for the page). */
export async function listProjectsUseCase(deps: Deps, orgId: string, limit: number, cursor?: string, status?: Project['status']) {
  const page = await deps.marketplace.listProjects(orgId, limit, cursor, status);
  const progress = await deps.marketplace.progressOf(page.items.map((p) => p.projectId));
  return { items: page.items.map((p) => projectView(p, progress.get(p.projectId))), nextCursor: page.nextCursor ?? null };
}

/**
 * After a microtask was done with. A published or paused project whose every microtask is done
 * with completes, exactly once (a conditional write on its status and progress counters). Its
 * completion puts it on the deadline index, due at once, so the expiry sweep closes it by the
 * workflow that closes a cancelled or expired project: what escrow its microtasks still hold for
 * slots nobody will answer goes back to the client.
 */
export async function completeProjectIfDone(deps: Deps, projectId: string): Promise<{ completed: boolean }> {
  // A pause or resume between the read and the write fails the write: read again, or no later review would come to complete it.
  for (let attempt = 0; attempt < 3; attempt++) {
    const [project, progress] = await Promise.all([deps.marketplace.getProject(projectId, true), deps.marketplace.getProgress(projectId, true)]);
    if (!project || (project.status !== 'published' && project.status !== 'paused') || !allWorkDone(progress, project.microtaskCount)) return { completed: false };
    if (await deps.marketplace.complete(project, deps.now())) return { completed: true };
  }
  return { completed: false };
}

export async function createProjectUseCase(deps: Deps, orgId: string, input: NewProject) {
  const now = deps.now();
  // The fee of the client's plan (or its negotiated fee) is fixed on the project for its lifetime.
  const feeBasisPoints = feeBasisPointsFor(await deps.billing.get(orgId), now, deps.settings.feeBasisPoints);
  await assertUsableTypes(deps, orgId, requiredTypeIds(input.requirements));
  if (input.reviewerQualification) await assertUsableTypes(deps, orgId, [input.reviewerQualification.qualificationTypeId], 'body.reviewerQualification.qualificationTypeId');
  const p = createProject(input, { projectId: deps.newId('prj'), orgId, now, feeBasisPoints });
  await deps.marketplace.createProject(p);
  return projectView(p);
}

export async function addMicrotasksUseCase(
  deps: Deps,
  orgId: string,
  projectId: string,
  entries: { input: Record<string, unknown>; gold?: { answer: Record<string, unknown> } }[],
  batchKey: string | undefined,
) {
  const project = await ownedProject(deps, orgId, projectId, true);
  assertMicrotasksCanBeAdded(project);
  assertMicrotaskInputsFit(
    project.answerSpec,
    entries.map((m) => m.input),
  );
  const expected = parseGoldAnswers(project.answerSpec, entries);
  // Ids derived from the batch key make a retried batch rewrite the same microtasks, not new ones.
  const batch = batchKey ?? deps.newId('batch');
  const now = deps.now();
  const toWrite = entries.map((m, i) => microtaskToWrite(project, derivedId('mt', projectId, batch, String(i)), m.input, expected[i], now));
  if (project.status !== 'draft') await refuseOverBudget(deps, project, escrowFor(project, toWrite.length));
  let added = 0;
  for (const { start, chunk } of transactionChunks(toWrite)) {
    if (await writeMicrotaskChunk(deps, project, chunk, `escrow:${projectId}:${batch}:${start}`, now)) added += chunk.length;
  }
  return { added, replayed: toWrite.length - added, microtaskIds: toWrite.map((m) => m.microtask.microtaskId) };
}

/** A microtask about to be written, with its expected answer when it is gold (a second item of the transaction). */
export interface MicrotaskToWrite {
  microtask: Microtask;
  gold?: GoldStandard;
}

export function microtaskToWrite(project: Project, microtaskId: string, input: Record<string, unknown>, expected: Answer | undefined, now: string): MicrotaskToWrite {
  const microtask = newMicrotask(project, microtaskId, input, now);
  return expected === undefined ? { microtask } : { microtask, gold: { microtaskId, projectId: project.projectId, answer: expected, createdAt: now } };
}

/**
 * Splits microtasks into transactions of at most MICROTASKS_PER_TRANSACTION items, a gold
 * microtask counting two. Deterministic, so a retried batch splits (and names its escrow) alike.
 */
export function transactionChunks<T extends { gold?: unknown }>(toWrite: readonly T[]): { start: number; chunk: T[] }[] {
  const chunks: { start: number; chunk: T[] }[] = [];
  let items = 0;
  toWrite.forEach((m, i) => {
    const weight = m.gold === undefined ? 1 : 2;
    const current = chunks[chunks.length - 1];
    if (!current || items + weight > MICROTASKS_PER_TRANSACTION) {
      chunks.push({ start: i, chunk: [m] });
      items = weight;
    } else {
      current.chunk.push(m);
      items += weight;
    }
  });
  return chunks;
}

export function newMicrotask(project: Project, microtaskId: string, input: Record<string, unknown>, now: string): Microtask {
  return {
    microtaskId,
    projectId: project.projectId,
    orgId: project.orgId,
    input,
    openSlots: project.redundancy,
    redundancy: project.redundancy,
    submittedCount: 0,
    status: 'open',
    createdAt: now,
  };
}

/**
 * Writes one chunk (see transactionChunks) atomically, gold answers included, with the escrow it
 * needs when the project is already published. The escrow entry id must be as stable as the
 * microtask ids: a replayed chunk is then recognised and written nowhere. False for a replay, true
 * when written now.
 */
export async function writeMicrotaskChunk(deps: Deps, project: Project, chunk: MicrotaskToWrite[], escrowEntryId: string, now: string): Promise<boolean> {
  const escrow =
    project.status === 'draft'
      ? undefined
      : Entries.reserveEscrow(project.orgId, escrowFor(project, chunk.length), {
          entryId: escrowEntryId,
          currency: project.currency,
          createdAt: now,
          refs: { projectId: project.projectId },
        });
  return deps.marketplace.addMicrotaskChunk(
    project,
    chunk.map((m) => m.microtask),
    escrow,
    chunk.flatMap((m) => (m.gold ? [m.gold] : [])),
  );
}

export async function publishProjectUseCase(deps: Deps, orgId: string, projectId: string) {
  const project = await ownedProject(deps, orgId, projectId, true);
  if (project.status === 'published') return projectView(project);
  assertTransition(project, 'published');
  if (project.microtaskCount === 0) throw conflict('no_microtasks', 'Add microtasks before publishing');
  const now = deps.now();
  const amount = escrowFor(project, project.microtaskCount);
  await refuseOverBudget(deps, project, amount);
  await deps.marketplace.publish(project, Entries.reserveEscrow(orgId, amount, { entryId: `escrow:${projectId}:publish`, currency: project.currency, createdAt: now, refs: { projectId } }), now);
  return projectView({ ...project, status: 'published', publishedAt: now, updatedAt: now, committedMinor: (project.committedMinor ?? 0) + amount });
}

export async function getResultsUseCase(deps: Deps, orgId: string, projectId: string, limit: number, cursor?: string, status?: Microtask['status']) {
  await ownedProject(deps, orgId, projectId);
  const page = await deps.marketplace.listMicrotasks(projectId, limit, cursor, status);
  // One bounded query and one read per microtask on the page (redundancy ≤ 50), never a scan of the project.
  const items = await Promise.all(page.items.map((m) => loadMicrotaskResult(deps, m)));
  return { items, nextCursor: page.nextCursor };
}

/** One microtask's result, as one item of the results: the client's own microtasks only, any other is "not found". */
export async function getMicrotaskResultUseCase(deps: Deps, orgId: string, projectId: string, microtaskId: string) {
  await ownedProject(deps, orgId, projectId);
  const m = await deps.marketplace.getMicrotask(microtaskId);
  if (!m || m.projectId !== projectId) throw notFound('microtask', microtaskId);
  return loadMicrotaskResult(deps, m);
}

/** A microtask's result view with what it needs read: its answered assignments and its gold answer. */
export async function loadMicrotaskResult(deps: Deps, m: Microtask) {
  // Only a microtask still in review can be waiting for its client: the window is read then, by key.
  const [assignments, gold, window] = await Promise.all([
    deps.marketplace.listAssignmentsOfMicrotask(m.microtaskId),
    deps.marketplace.getGold(m.microtaskId),
    m.status === 'reviewing' ? deps.reviews.getAcceptance(m.microtaskId) : undefined,
  ]);
  const view = microtaskResultView(m, assignments, gold);
  return window?.status === 'open' ? { ...view, acceptance: { status: 'awaiting_client' as const, windowEndsAt: window.windowEndsAt, assignmentIds: window.assignmentIds } } : view;
}

/** A microtask's result as its client sees it (the results route and the export file alike). */
export function microtaskResultView(m: Microtask, assignments: Assignment[], gold?: GoldStandard) {
  return {
    microtaskId: m.microtaskId,
    input: m.input,
    // Only here, for the client who set it: no worker view is built from this one.
    gold: gold ? { answer: gold.answer } : null,
    status: m.status,
    result: m.result ?? null,
    assignments: assignments
      // Only answered work: open, returned and expired claims carry nothing for the client.
      .filter((a) => a.answer !== undefined)
      .map((a) => ({ assignmentId: a.assignmentId, workerId: a.workerId, status: a.status, answer: a.answer ?? null, submittedAt: a.submittedAt, decision: a.decision ?? null })),
  };
}

/**
 * Cancels a project: claims stop at once; a published project's unclaimed slots are released and
 * their escrow returned by the closure workflow, page by page. Work already claimed may still be
 * submitted and is reviewed and paid as usual.
 */
export async function cancelProjectUseCase(deps: Deps, orgId: string, projectId: string) {
  const project = await ownedProject(deps, orgId, projectId, true);
  const now = deps.now();
  if (project.status !== 'cancelled') {
    assertTransition(project, 'cancelled');
    await deps.marketplace.transition(project, 'cancelled', now);
  }
  // Only a published project reserved escrow. Started on every call, so a retried cancel whose first
  // attempt failed before this line still closes the project; the execution name makes it once.
  if (project.publishedAt) await deps.closureWorkflow().start(`close-${projectId}`, { projectId });
  return projectView({ ...project, status: 'cancelled', updatedAt: project.status === 'cancelled' ? project.updatedAt : now });
}

/**
 * Changes what may change after creation. Text fields and the budget cap may change until the project
 * closes; a deadline may only move later (leases were already given up to the old one); the review
 * policy in a draft or while paused, as its next version. Reward, redundancy, the answer spec and
 * bonus rules never change: escrow was reserved on them.
 */
export async function updateProjectUseCase(
  deps: Deps,
  orgId: string,
  projectId: string,
  changes: { title?: string; description?: string; instructions?: string; budgetCapMinor?: number | null; deadline?: string; reviewPolicy?: ReviewPolicyInput },
) {
  const project = await ownedProject(deps, orgId, projectId, true);
  if (project.status === 'completed' || project.status === 'cancelled' || project.status === 'expired') {
    throw conflict('project_closed', `A ${project.status} project cannot change`, { status: project.status });
  }
  const now = deps.now();
  const committed = project.committedMinor ?? 0;
  if (changes.budgetCapMinor !== undefined && changes.budgetCapMinor !== null && changes.budgetCapMinor < committed) {
    throw conflict('budget_below_committed', `The project has already committed ${committed}; the cap cannot be lower`, { committedMinor: committed });
  }
  if (changes.deadline !== undefined) {
    assertDeadline(changes.deadline, now);
    if (project.deadline && changes.deadline < project.deadline) throw conflict('deadline_earlier', 'A deadline can only move later', { deadline: project.deadline });
  }
  const { reviewPolicy: policyChange, ...rest } = changes;
  // A changed policy is its next version; one equal to the current version changes nothing.
  const reviewPolicy = policyChange ? changeReviewPolicy(project, policyChange) : null;
  await deps.marketplace.updateProject(project, { ...rest, ...(reviewPolicy ? { reviewPolicy } : {}) }, now);
  return projectView((await deps.marketplace.getProject(projectId, true))!);
}

/** published ⇄ paused. Asking for the state a project is already in is answered, not refused. */
export async function setProjectPausedUseCase(deps: Deps, orgId: string, projectId: string, paused: boolean) {
  const project = await ownedProject(deps, orgId, projectId, true);
  const to = paused ? 'paused' : 'published';
  if (project.status === to) return projectView(project);
  if (!paused && project.status === 'draft') throw conflict('not_published', 'Publish the project first: publishing reserves its escrow');
  assertTransition(project, to);
  const now = deps.now();
  await deps.marketplace.transition(project, to, now);
  const { pausedReason: _why, ...rest } = project;
  return projectView({ ...rest, status: to, updatedAt: now });
}

const MICROTASKS_PER_CLOSURE_STEP = 50;

/** One step of the closure workflow: releases the unclaimed slots of a page of microtasks. */
export async function releaseOpenSlotsUseCase(deps: Deps, input: { projectId: string; cursor?: string }) {
  const project = await deps.marketplace.getProject(input.projectId, true);
  if (!project) throw notFound('project', input.projectId);
  // A project never published has no escrow to give back: releasing any would take another project's.
  if (!(isWindingDown(project.status) || project.status === 'completed') || !project.publishedAt) return { projectId: project.projectId, done: true };
  const { totalMinor } = costPerAssignment(project);
  const page = await deps.marketplace.listMicrotasks(project.projectId, MICROTASKS_PER_CLOSURE_STEP, input.cursor);
  for (const listed of page.items) {
    let m: Microtask | undefined = listed;
    // A claim may take a slot between the read and the release: read again and retry.
    for (let attempt = 0; m && m.status === 'open' && m.openSlots > 0 && attempt < 5; attempt++) {
      const entry = Entries.releaseEscrow(project.orgId, totalMinor * m.openSlots, { entryId: `cancel:${m.microtaskId}`, currency: project.currency, createdAt: deps.now(), refs: { projectId: project.projectId } });
      const released = await deps.marketplace.releaseOpenSlots(m, entry);
      // Read again either way: a claim may have taken a slot, or an answer arrived since the page was read.
      // The submission consumer reads after its own write, so one of the two sees every answer and the release.
      m = await deps.marketplace.getMicrotask(m.microtaskId, true);
      if (released) break;
    }
    if (m) await afterSlotsReleased(deps, m);
  }
  return { projectId: project.projectId, done: !page.nextCursor, ...(page.nextCursor ? { cursor: page.nextCursor } : {}) };
}

const DEADLINES_PER_SWEEP = 100;

/**
 * The scheduled expiry sweep: every project past its deadline expires. Claims stop at once (claim
 * checks the deadline itself, so the sweep's delay never lets one through); the closure workflow
 * then releases the unclaimed slots and returns their escrow, as for a cancellation. Bounded per run.
 */
export async function expireProjectsUseCase(deps: Deps) {
  const now = deps.now();
  let expired = 0;
  for (const due of await deps.marketplace.dueDeadlines(now, DEADLINES_PER_SWEEP)) {
    const project = await deps.marketplace.getProject(due.projectId, true);
    if (!project) continue;
    const didExpire = await deps.marketplace.expire(project, due.deadline, now);
    if (didExpire) expired++;
    const isExpired = didExpire || project.status === 'expired';
    // A completed project is here because its completion put it here, to be closed the same way.
    const closes = isExpired || project.status === 'completed';
    // The entry goes only after the closure has started (its execution name makes that once), so a
    // sweep that fails in between is finished by the next one.
    if (closes && project.publishedAt) await deps.closureWorkflow().start(`close-${project.projectId}`, { projectId: project.projectId });
    const closedAnyway = project.status === 'completed' || project.status === 'cancelled';
    if (isExpired || closedAnyway || project.deadline !== due.deadline) await deps.marketplace.removeDeadline(project.projectId, due.deadline);
  }
  return { expired, sweptAt: now };
}
