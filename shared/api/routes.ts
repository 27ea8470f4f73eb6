import { z } from 'zod';
import * as S from './schemas';

/**
 * The one route table. The CDK API (infra/) and the local API server (infra/local/) are both
 * built from it, and every handler looks its route up here to validate and authorize, so a route
 * cannot exist in one place and not the other.
 */
export const GROUPS = ['clients', 'workers', 'reviewers', 'admins'] as const;
export type Group = (typeof GROUPS)[number];

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteDef {
  method: HttpMethod;
  /** API Gateway path syntax: `/projects/{projectId}`. */
  path: string;
  /** Handler module under functions/, also the Lambda function's logical name. */
  handler: string;
  /**
   * `public` routes have no authorizer; the others need a token of a user in one of `groups`, or an
   * organisation's API key on client routes (unless `apiKeys: false`).
   */
  auth: 'public' | { groups: readonly Group[]; apiKeys?: false };
  summary: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Mutations honour an `Idempotency-Key` header: a retried request returns the first response. */
  idempotent?: boolean;
}

const clients = { groups: ['clients'] } as const;
const workers = { groups: ['workers'] } as const;
const admins = { groups: ['admins'] } as const;
/** Managing API keys takes a signed-in client: a leaked key cannot mint or hide others. */
const clientLogins = { groups: ['clients'], apiKeys: false } as const;

const projectParams = z.strictObject({ projectId: S.ProjectId });
const assignmentParams = z.strictObject({ assignmentId: S.AssignmentId });

export const ROUTES = {
  health: { method: 'GET', path: '/health', handler: 'api/health', auth: 'public', summary: 'Liveness and the state of each backing service.' },
  openapi: { method: 'GET', path: '/openapi.json', handler: 'api/openapi', auth: 'public', summary: 'This API as an OpenAPI 3.1 document.' },

  createProject: { method: 'POST', path: '/projects', handler: 'api/create-project', auth: clients, body: S.CreateProjectBody, idempotent: true, summary: 'Create a draft project.' },
  listProjects: { method: 'GET', path: '/projects', handler: 'api/list-projects', auth: clients, query: S.ListProjectsQuery, summary: "List your organisation's projects." },
  getProject: { method: 'GET', path: '/projects/{projectId}', handler: 'api/get-project', auth: clients, params: projectParams, summary: 'A project with its progress.' },
  addMicrotasks: { method: 'POST', path: '/projects/{projectId}/microtasks', handler: 'api/add-microtasks', auth: clients, params: projectParams, body: S.AddMicrotasksBody, idempotent: true, summary: 'Add up to 500 microtasks.' },
  publishProject: { method: 'POST', path: '/projects/{projectId}/publish', handler: 'api/publish-project', auth: clients, params: projectParams, body: S.EmptyBody, idempotent: true, summary: 'Reserve escrow and open the project to workers.' },
  pauseProject: { method: 'POST', path: '/projects/{projectId}/pause', handler: 'api/pause-project', auth: clients, params: projectParams, body: S.EmptyBody, idempotent: true, summary: 'Stop new claims for now; claimed work goes on.' },
  resumeProject: { method: 'POST', path: '/projects/{projectId}/resume', handler: 'api/resume-project', auth: clients, params: projectParams, body: S.EmptyBody, idempotent: true, summary: 'Open a paused project to claims again.' },
  bulkBonuses: { method: 'POST', path: '/projects/{projectId}/bonuses', handler: 'api/bulk-bonuses', auth: clients, params: projectParams, body: S.BulkBonusBody, idempotent: true, summary: 'Pay up to 100 bonuses on assignments of the project; an outcome per bonus.' },
  cancelProject: { method: 'POST', path: '/projects/{projectId}/cancel', handler: 'api/cancel-project', auth: clients, params: projectParams, body: S.EmptyBody, idempotent: true, summary: 'Stop the project; unclaimed slots are released and their escrow returned.' },
  getResults: { method: 'GET', path: '/projects/{projectId}/results', handler: 'api/get-results', auth: clients, params: projectParams, query: S.ResultsQuery, summary: 'Aggregated answer and every assignment, per microtask.' },

  getAccount: { method: 'GET', path: '/account', handler: 'api/get-account', auth: clients, summary: "Your organisation's funds and escrow." },
  subscribe: { method: 'POST', path: '/account/subscription', handler: 'api/subscribe', auth: clients, body: S.EmptyBody, idempotent: true, summary: 'Pay one month of the subscription plan (lower fee on new projects).' },
  getStatement: { method: 'GET', path: '/account/statement', handler: 'api/get-statement', auth: clients, query: S.ClientStatementQuery, summary: 'Every movement of your funds or escrow, newest first.' },
  bonusAssignment: { method: 'POST', path: '/assignments/{assignmentId}/bonuses', handler: 'api/bonus-assignment', auth: clients, params: assignmentParams, body: S.BonusBody, idempotent: true, summary: 'Pay the worker of an answered assignment a bonus, with a reason they see.' },
  topUp: { method: 'POST', path: '/account/top-ups', handler: 'api/top-up', auth: clients, body: S.TopUpBody, idempotent: true, summary: 'Add funds through the payment provider (a sandbox locally).' },

  createApiKey: { method: 'POST', path: '/api-keys', handler: 'api/create-api-key', auth: clientLogins, body: S.CreateApiKeyBody, summary: 'Create an API key for your systems; the key is shown in this response only.' },
  listApiKeys: { method: 'GET', path: '/api-keys', handler: 'api/list-api-keys', auth: clientLogins, query: S.ListApiKeysQuery, summary: "Your organisation's API keys (never the keys themselves), newest first." },
  revokeApiKey: { method: 'DELETE', path: '/api-keys/{keyId}', handler: 'api/revoke-api-key', auth: clientLogins, params: z.strictObject({ keyId: S.ApiKeyId }), summary: 'Revoke an API key; it is refused within the authorizer cache time.' },

  claimAssignment: { method: 'POST', path: '/projects/{projectId}/assignments', handler: 'api/claim-assignment', auth: workers, params: projectParams, body: S.EmptyBody, idempotent: true, summary: 'Claim the next open microtask of a project.' },
  listMyAssignments: { method: 'GET', path: '/workers/me/assignments', handler: 'api/list-my-assignments', auth: workers, query: S.MyAssignmentsQuery, summary: 'Your assignments, newest first, with outcomes and reasons.' },
  getAssignment: { method: 'GET', path: '/assignments/{assignmentId}', handler: 'api/get-assignment', auth: workers, params: assignmentParams, summary: 'One of your assignments with its microtask.' },
  submitAnswer: { method: 'POST', path: '/assignments/{assignmentId}/submission', handler: 'api/submit-answer', auth: workers, params: assignmentParams, body: S.SubmitAnswerBody, idempotent: true, summary: 'Submit your answer.' },
  getMyStatement: { method: 'GET', path: '/workers/me/statement', handler: 'api/get-my-statement', auth: workers, query: S.Pagination, summary: 'Every credit and payout of your balance, with its reason.' },
  returnAssignment: { method: 'POST', path: '/assignments/{assignmentId}/return', handler: 'api/return-assignment', auth: workers, params: assignmentParams, body: S.EmptyBody, idempotent: true, summary: 'Give a claimed task back so another worker can do it.' },
  getEarnings: { method: 'GET', path: '/workers/me/earnings', handler: 'api/get-earnings', auth: workers, summary: 'Your available balance and payouts.' },

  startPayoutRun: { method: 'POST', path: '/admin/payout-runs', handler: 'api/start-payout-run', auth: admins, body: S.EmptyBody, idempotent: true, summary: 'Start a payout run now.' },
  resumePayoutRun: { method: 'POST', path: '/admin/payout-runs/{runId}/resume', handler: 'api/resume-payout-run', auth: admins, params: z.strictObject({ runId: S.PayoutRunId }), body: S.EmptyBody, idempotent: true, summary: 'Continue a run that stopped part-way; nobody is paid twice.' },
  compensateWorker: { method: 'POST', path: '/admin/compensations', handler: 'api/compensate-worker', auth: admins, body: S.CompensationBody, idempotent: true, summary: 'Pay a worker without an assignment, out of platform fees.' },
  setClientFee: { method: 'PUT', path: '/admin/clients/{orgId}/fee', handler: 'api/set-client-fee', auth: admins, params: z.strictObject({ orgId: S.OrgId }), body: S.ClientFeeBody, idempotent: true, summary: "Set or remove a client's negotiated platform fee." },
  getReconciliation: { method: 'GET', path: '/admin/reconciliation', handler: 'api/get-reconciliation', auth: admins, summary: 'Every account summed per currency: double entry sums to zero.' },
  getPayoutRun: { method: 'GET', path: '/admin/payout-runs/{runId}', handler: 'api/get-payout-run', auth: admins, params: z.strictObject({ runId: S.PayoutRunId }), summary: 'A payout run and its report.' },
} as const satisfies Record<string, RouteDef>;

export type RouteName = keyof typeof ROUTES;
export const routeList = (): (RouteDef & { name: RouteName })[] =>
  (Object.entries(ROUTES) as [RouteName, RouteDef][]).map(([name, r]) => ({ ...r, name }));

/** Non-route Lambda functions: the queue consumer, the state machines' tasks, the sweeper and the API's authorizer. */
export const WORKER_FUNCTIONS = {
  submissionConsumer: 'queue/submission-consumer',
  reviewLoad: 'review/load-submissions',
  reviewConsensus: 'review/consensus',
  reviewFinalize: 'review/finalize',
  reviewFailed: 'review/mark-failed',
  payoutPrepare: 'payout/prepare-run',
  payoutPayShard: 'payout/pay-shard',
  payoutComplete: 'payout/complete-run',
  closeProject: 'project/release-open-slots',
  sweepLeases: 'work/sweep-leases',
  apiAuthorizer: 'auth/authorizer',
} as const;
