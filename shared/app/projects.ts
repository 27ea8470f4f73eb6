import { derivedId } from '../adapters/ids';
import { feeBasisPointsFor } from '../domain/billing/plans';
import { MICROTASKS_PER_TRANSACTION } from '../adapters/dynamodb/marketplace-store';
import { conflict, notFound } from '../domain/errors';
import { Entries } from '../domain/ledger/ledger';
import type { Microtask } from '../domain/marketplace/microtask';
import { assertMicrotasksCanBeAdded, assertTransition, costPerAssignment, createProject, escrowFor, type NewProject, type Project } from '../domain/marketplace/project';
import type { Deps } from './deps';
import { afterSlotsReleased } from './review';

export function projectView(p: Project) {
  const { orgId: _org, ...rest } = p;
  return { ...rest, cost: { ...costPerAssignment(p), currency: p.currency } };
}

/** A client sees only its own organisation's projects; anything else is "not found", never "forbidden", so ids leak nothing. */
export async function ownedProject(deps: Deps, orgId: string, projectId: string, consistent = false): Promise<Project> {
  const p = await deps.marketplace.getProject(projectId, consistent);
  if (!p || p.orgId !== orgId) throw notFound('project', projectId);
  return p;
}

export async function createProjectUseCase(deps: Deps, orgId: string, input: NewProject) {
  const now = deps.now();
  // The fee of the client's plan (or its negotiated fee) is fixed on the project for its lifetime.
  const feeBasisPoints = feeBasisPointsFor(await deps.billing.get(orgId), now, deps.settings.feeBasisPoints);
  const p = createProject(input, { projectId: deps.newId('prj'), orgId, now, feeBasisPoints });
  await deps.marketplace.createProject(p);
  return projectView(p);
}

export async function addMicrotasksUseCase(deps: Deps, orgId: string, projectId: string, inputs: { input: Record<string, unknown> }[], batchKey: string | undefined) {
  const project = await ownedProject(deps, orgId, projectId, true);
  assertMicrotasksCanBeAdded(project);
  // Ids derived from the batch key make a retried batch rewrite the same microtasks, not new ones.
  const batch = batchKey ?? deps.newId('batch');
  const now = deps.now();
  const microtasks: Microtask[] = inputs.map((m, i) => ({
    microtaskId: derivedId('mt', projectId, batch, String(i)),
    projectId,
    orgId,
    input: m.input,
    openSlots: project.redundancy,
    redundancy: project.redundancy,
    submittedCount: 0,
    status: 'open',
    createdAt: now,
  }));
  let added = 0;
  for (let i = 0; i < microtasks.length; i += MICROTASKS_PER_TRANSACTION) {
    const chunk = microtasks.slice(i, i + MICROTASKS_PER_TRANSACTION);
    const escrow =
      project.status === 'draft'
        ? undefined
        : Entries.reserveEscrow(orgId, escrowFor(project, chunk.length), {
            entryId: `escrow:${projectId}:${batch}:${i}`,
            currency: project.currency,
            createdAt: now,
            refs: { projectId },
          });
    if (await deps.marketplace.addMicrotaskChunk(project, chunk, escrow)) added += chunk.length;
  }
  return { added, replayed: microtasks.length - added, microtaskIds: microtasks.map((m) => m.microtaskId) };
}

export async function publishProjectUseCase(deps: Deps, orgId: string, projectId: string) {
  const project = await ownedProject(deps, orgId, projectId, true);
  if (project.status === 'published') return projectView(project);
  assertTransition(project, 'published');
  if (project.microtaskCount === 0) throw conflict('no_microtasks', 'Add microtasks before publishing');
  const now = deps.now();
  const amount = escrowFor(project, project.microtaskCount);
  await deps.marketplace.publish(project, Entries.reserveEscrow(orgId, amount, { entryId: `escrow:${projectId}:publish`, currency: project.currency, createdAt: now, refs: { projectId } }), now);
  return projectView({ ...project, status: 'published', publishedAt: now, updatedAt: now });
}

export async function getResultsUseCase(deps: Deps, orgId: string, projectId: string, limit: number, cursor?: string, status?: Microtask['status']) {
  await ownedProject(deps, orgId, projectId);
  const page = await deps.marketplace.listMicrotasks(projectId, limit, cursor, status);
  // One bounded query per microtask on the page (redundancy ≤ 50), never a scan of the project.
  const items = await Promise.all(
    page.items.map(async (m) => {
      const assignments = await deps.marketplace.listAssignmentsOfMicrotask(m.microtaskId);
      return {
        microtaskId: m.microtaskId,
        input: m.input,
        status: m.status,
        result: m.result ?? null,
        assignments: assignments
          // Only answered work: open, returned and expired claims carry nothing for the client.
          .filter((a) => a.answer !== undefined)
          .map((a) => ({ assignmentId: a.assignmentId, workerId: a.workerId, status: a.status, answer: a.answer ?? null, submittedAt: a.submittedAt, decision: a.decision ?? null })),
      };
    }),
  );
  return { items, nextCursor: page.nextCursor };
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

/** published ⇄ paused. Asking for the state a project is already in is answered, not refused. */
export async function setProjectPausedUseCase(deps: Deps, orgId: string, projectId: string, paused: boolean) {
  const project = await ownedProject(deps, orgId, projectId, true);
  const to = paused ? 'paused' : 'published';
  if (project.status === to) return projectView(project);
  if (!paused && project.status === 'draft') throw conflict('not_published', 'Publish the project first: publishing reserves its escrow');
  assertTransition(project, to);
  const now = deps.now();
  await deps.marketplace.transition(project, to, now);
  return projectView({ ...project, status: to, updatedAt: now });
}

const MICROTASKS_PER_CLOSURE_STEP = 50;

/** One step of the closure workflow: releases the unclaimed slots of a page of microtasks. */
export async function releaseOpenSlotsUseCase(deps: Deps, input: { projectId: string; cursor?: string }) {
  const project = await deps.marketplace.getProject(input.projectId, true);
  if (!project) throw notFound('project', input.projectId);
  // A project never published has no escrow to give back: releasing any would take another project's.
  if (project.status !== 'cancelled' || !project.publishedAt) return { projectId: project.projectId, done: true };
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
