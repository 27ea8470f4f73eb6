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
const owners = { groups: ['clients', 'admins'] } as const;
const anyone = { groups: ['clients', 'admins', 'workers'] } as const;
const workersAndClients = { groups: ['workers', 'clients'] } as const;
/** Managing API keys takes a signed-in client: a leaked key cannot mint or hide others. */
const clientLogins = { groups: ['clients'], apiKeys: false } as const;

const projectParams = z.strictObject({ projectId: S.ProjectId });
const assignmentParams = z.strictObject({ assignmentId: S.AssignmentId });
const microtaskParams = z.strictObject({ projectId: S.ProjectId, microtaskId: S.MicrotaskId });
const mediaParams = z.strictObject({ assignmentId: S.AssignmentId, mediaId: S.MediaId });
const mediaViewers = { groups: ['workers', 'clients', 'reviewers', 'admins'] } as const;
const typeParams = z.strictObject({ qualificationTypeId: S.QualificationTypeId });
const typeWorkerParams = z.strictObject({ qualificationTypeId: S.QualificationTypeId, workerId: S.WorkerId });
const workerParams = z.strictObject({ workerId: S.WorkerId });
const importParams = z.strictObject({ importId: S.ImportId });
const exportParams = z.strictObject({ exportId: S.ExportId });
/** Reviewers are workers holding a project's reviewer qualification (ADR 0012), or staff reviewers. */
const reviewers = { groups: ['workers', 'reviewers'] } as const;

export const ROUTES = {
  health: { method: 'GET', path: '/health', handler: 'api/health', auth: 'public', summary: 'Liveness and the state of each backing service.' },
  openapi: { method: 'GET', path: '/openapi.json', handler: 'api/openapi', auth: 'public', summary: 'This API as an OpenAPI 3.1 document.' },

  createProject: { method: 'POST', path: '/projects', handler: 'api/create-project', auth: clients, body: S.CreateProjectBody, idempotent: true, summary: 'Create a draft project.' },
  listProjects: { method: 'GET', path: '/projects', handler: 'api/list-projects', auth: clients, query: S.ListProjectsQuery, summary: "List your organisation's projects." },
  getProject: { method: 'GET', path: '/projects/{projectId}', handler: 'api/get-project', auth: clients, params: projectParams, summary: 'A project with its progress.' },
  updateProject: { method: 'PATCH', path: '/projects/{projectId}', handler: 'api/update-project', auth: clients, params: projectParams, body: S.UpdateProjectBody, idempotent: true, summary: 'Change the texts, the budget cap or (later only) the deadline of an open project.' },
  addMicrotasks: { method: 'POST', path: '/projects/{projectId}/microtasks', handler: 'api/add-microtasks', auth: clients, params: projectParams, body: S.AddMicrotasksBody, idempotent: true, summary: 'Add up to 500 microtasks.' },
  publishProject: { method: 'POST', path: '/projects/{projectId}/publish', handler: 'api/publish-project', auth: clients, params: projectParams, body: S.EmptyBody, idempotent: true, summary: 'Reserve escrow and open the project to workers.' },
  pauseProject: { method: 'POST', path: '/projects/{projectId}/pause', handler: 'api/pause-project', auth: clients, params: projectParams, body: S.EmptyBody, idempotent: true, summary: 'Stop new claims for now; claimed work goes on.' },
  resumeProject: { method: 'POST', path: '/projects/{projectId}/resume', handler: 'api/resume-project', auth: clients, params: projectParams, body: S.EmptyBody, idempotent: true, summary: 'Open a paused project to claims again.' },
  bulkBonuses: { method: 'POST', path: '/projects/{projectId}/bonuses', handler: 'api/bulk-bonuses', auth: clients, params: projectParams, body: S.BulkBonusBody, idempotent: true, summary: 'Pay up to 100 bonuses on assignments of the project; an outcome per bonus.' },
  cancelProject: { method: 'POST', path: '/projects/{projectId}/cancel', handler: 'api/cancel-project', auth: clients, params: projectParams, body: S.EmptyBody, idempotent: true, summary: 'Stop the project; unclaimed slots are released and their escrow returned.' },
  getReviewerPool: { method: 'GET', path: '/projects/{projectId}/reviewer-pool', handler: 'api/get-reviewer-pool', auth: clients, params: projectParams, query: S.Pagination, summary: "Workers holding the project's reviewer qualification with at least its score, highest score first." },
  listRejectionAppeals: { method: 'GET', path: '/projects/{projectId}/appeals', handler: 'api/list-rejection-appeals', auth: clients, params: projectParams, query: S.Pagination, summary: "Workers' appeals of rejections in this project waiting for your decision, oldest first." },
  getResults: { method: 'GET', path: '/projects/{projectId}/results', handler: 'api/get-results', auth: clients, params: projectParams, query: S.ResultsQuery, summary: 'Aggregated answer and every assignment, per microtask.' },
  decideAcceptance: { method: 'POST', path: '/projects/{projectId}/microtasks/{microtaskId}/acceptance', handler: 'api/decide-acceptance', auth: clients, params: microtaskParams, body: S.AcceptanceBody, idempotent: true, summary: "Accept a reviewed microtask's answers, or reject approved ones with a reason and evidence, within the review policy's window (silence accepts)." },
  claimReviewTask: { method: 'POST', path: '/projects/{projectId}/review-tasks', handler: 'api/claim-review-task', auth: reviewers, params: projectParams, body: S.EmptyBody, idempotent: true, summary: "Reviewer pool: claim the project's oldest open review task and see its answers and media, never who gave them." },
  decideReviewTask: { method: 'POST', path: '/review-tasks/{reviewTaskId}/decision', handler: 'api/decide-review-task', auth: reviewers, params: z.strictObject({ reviewTaskId: S.ReviewTaskId }), body: S.ReviewDecisionBody, idempotent: true, summary: 'Decide each answer of your review task: ok, reject or revise, with tags and a comment.' },
  reviseAnswer: { method: 'POST', path: '/assignments/{assignmentId}/revision', handler: 'api/revise-answer', auth: workers, params: assignmentParams, body: S.ReviseAnswerBody, idempotent: true, summary: 'Send the revised answer a reviewer asked for, before its deadline.' },
  getMicrotask: { method: 'GET', path: '/projects/{projectId}/microtasks/{microtaskId}', handler: 'api/get-microtask', auth: clients, params: microtaskParams, summary: 'One microtask as the results show it: its input, gold answer, result and every answered assignment with its decision.' },

  createImport: { method: 'POST', path: '/projects/{projectId}/imports', handler: 'api/create-import', auth: clients, params: projectParams, body: S.CreateImportBody, idempotent: true, summary: 'Create a bulk import (CSV or JSONL) and get a presigned upload for its file.' },
  startImport: { method: 'POST', path: '/imports/{importId}/start', handler: 'api/start-import', auth: clients, params: importParams, body: S.EmptyBody, idempotent: true, summary: 'Start importing the uploaded file; after a stop for funds, go on from where it stopped.' },
  getImport: { method: 'GET', path: '/imports/{importId}', handler: 'api/get-import', auth: clients, params: importParams, summary: 'An import with its progress and, when rows failed, a link to the error report.' },
  createExport: { method: 'POST', path: '/projects/{projectId}/exports', handler: 'api/create-export', auth: clients, params: projectParams, body: S.CreateExportBody, idempotent: true, summary: "Export the project's microtasks and results to a file (JSONL or CSV)." },
  getExport: { method: 'GET', path: '/exports/{exportId}', handler: 'api/get-export', auth: clients, params: exportParams, summary: 'An export with its progress and, when done, a short-lived download link.' },

  getAccount: { method: 'GET', path: '/account', handler: 'api/get-account', auth: clients, summary: "Your organisation's funds and escrow." },
  subscribe: { method: 'POST', path: '/account/subscription', handler: 'api/subscribe', auth: clients, body: S.EmptyBody, idempotent: true, summary: 'Pay one month of the subscription plan (lower fee on new projects).' },
  getStatement: { method: 'GET', path: '/account/statement', handler: 'api/get-statement', auth: clients, query: S.ClientStatementQuery, summary: 'Every movement of your funds or escrow, newest first.' },
  decideRejectionAppeal: { method: 'POST', path: '/assignments/{assignmentId}/appeal-decision', handler: 'api/decide-rejection-appeal', auth: owners, params: assignmentParams, body: S.RejectionAppealDecisionBody, idempotent: true, summary: 'Uphold or overturn an appealed rejection, with a note the worker reads; overturned, the reward is paid out of your funds.' },
  bonusAssignment: { method: 'POST', path: '/assignments/{assignmentId}/bonuses', handler: 'api/bonus-assignment', auth: clients, params: assignmentParams, body: S.BonusBody, idempotent: true, summary: 'Pay the worker of an answered assignment a bonus, with a reason they see.' },
  topUp: { method: 'POST', path: '/account/top-ups', handler: 'api/top-up', auth: clients, body: S.TopUpBody, idempotent: true, summary: 'Add funds through the payment provider (a sandbox locally).' },

  createApiKey: { method: 'POST', path: '/api-keys', handler: 'api/create-api-key', auth: clientLogins, body: S.CreateApiKeyBody, summary: 'Create an API key for your systems; the key is shown in this response only.' },
  listApiKeys: { method: 'GET', path: '/api-keys', handler: 'api/list-api-keys', auth: clientLogins, query: S.ListApiKeysQuery, summary: "Your organisation's API keys (never the keys themselves), newest first." },
  revokeApiKey: { method: 'DELETE', path: '/api-keys/{keyId}', handler: 'api/revoke-api-key', auth: clientLogins, params: z.strictObject({ keyId: S.ApiKeyId }), summary: 'Revoke an API key; it is refused within the authorizer cache time.' },

  claimAssignment: { method: 'POST', path: '/projects/{projectId}/assignments', handler: 'api/claim-assignment', auth: workers, params: projectParams, body: S.EmptyBody, idempotent: true, summary: 'Claim the next open microtask of a project.' },
  claimNextAssignment: { method: 'POST', path: '/workers/me/assignments', handler: 'api/claim-next-assignment', auth: workers, body: S.EmptyBody, idempotent: true, summary: 'Claim the next open microtask of the best project you may work on (feed order; up to 10 projects tried).' },
  listMyAssignments: { method: 'GET', path: '/workers/me/assignments', handler: 'api/list-my-assignments', auth: workers, query: S.MyAssignmentsQuery, summary: 'Your assignments, newest first, with outcomes and reasons.' },
  getAssignment: { method: 'GET', path: '/assignments/{assignmentId}', handler: 'api/get-assignment', auth: workersAndClients, params: assignmentParams, summary: "One assignment with its decision log (every decision: stage, rule, evidence, time) and its appeal: a worker's own, with its microtask; a client's, of its projects." },
  submitAnswer: { method: 'POST', path: '/assignments/{assignmentId}/submission', handler: 'api/submit-answer', auth: workers, params: assignmentParams, body: S.SubmitAnswerBody, idempotent: true, summary: 'Submit your answer.' },
  getMyStatement: { method: 'GET', path: '/workers/me/statement', handler: 'api/get-my-statement', auth: workers, query: S.Pagination, summary: 'Every credit and payout of your balance, with its reason.' },
  returnAssignment: { method: 'POST', path: '/assignments/{assignmentId}/return', handler: 'api/return-assignment', auth: workers, params: assignmentParams, body: S.EmptyBody, idempotent: true, summary: 'Give a claimed task back so another worker can do it.' },
  setPayoutMethod: { method: 'PUT', path: '/workers/me/payout-method', handler: 'api/set-payout-method', auth: workers, body: S.PayoutMethodBody, idempotent: true, summary: 'Set where your payouts go; verified with the payout provider, stored encrypted, shown masked.' },
  getPayoutMethod: { method: 'GET', path: '/workers/me/payout-method', handler: 'api/get-payout-method', auth: workers, summary: 'Your payout method, masked, and whether it is verified.' },
  requestMediaUpload: { method: 'POST', path: '/assignments/{assignmentId}/media', handler: 'api/request-media-upload', auth: workers, params: assignmentParams, body: S.RequestMediaUploadBody, idempotent: true, summary: 'Announce a file of a media task and get a presigned POST to upload it to.' },
  confirmMedia: { method: 'POST', path: '/assignments/{assignmentId}/media/{mediaId}/confirm', handler: 'api/confirm-media', auth: workers, params: mediaParams, body: S.EmptyBody, idempotent: true, summary: 'Check an uploaded file (type by its bytes, size, duration, EXIF) so it can be submitted.' },
  getMedia: { method: 'GET', path: '/assignments/{assignmentId}/media/{mediaId}', handler: 'api/get-media', auth: mediaViewers, params: mediaParams, summary: "A media file's facts and a short-lived download link: the worker's own, the client's project's." },
  submitExternalAnswer: { method: 'POST', path: '/assignments/{assignmentId}/external-answer', handler: 'api/submit-external-answer', auth: 'public', params: assignmentParams, body: S.ExternalAnswerBody, summary: "An external task's page posts the answer with the assignment's completion token (single-use)." },
  getEarnings: { method: 'GET', path: '/workers/me/earnings', handler: 'api/get-earnings', auth: workers, summary: 'Your available balance and payouts.' },

  getMyProfile: { method: 'GET', path: '/workers/me/profile', handler: 'api/get-my-profile', auth: workers, summary: 'Your profile: country, languages, time zone, terms, demographics only with consent.' },
  putMyProfile: { method: 'PUT', path: '/workers/me/profile', handler: 'api/put-my-profile', auth: workers, body: S.ProfileBody, idempotent: true, summary: 'Create or replace your profile; revoking consent deletes your demographics.' },
  getTaskFeed: { method: 'GET', path: '/workers/me/tasks', handler: 'api/get-task-feed', auth: workers, query: S.Pagination, summary: 'Published projects you may claim, by priority then fit.' },
  getClientReputation: { method: 'GET', path: '/clients/{orgId}/reputation', handler: 'api/get-client-reputation', auth: workers, params: z.strictObject({ orgId: S.OrgId }), summary: "What the platform measured about a client: median time to decide, rejection rate, overturned rejections, effective hourly pay ('not enough data' below 20 decisions)." },
  getMyReputation: { method: 'GET', path: '/workers/me/reputation', handler: 'api/get-my-reputation', auth: workers, summary: 'Your smoothed approval rate and tier, per task type, with the decisions that changed it.' },
  listMyQualifications: { method: 'GET', path: '/workers/me/qualifications', handler: 'api/list-my-qualifications', auth: workers, summary: 'Your qualification scores and their expiry.' },
  getMyStanding: { method: 'GET', path: '/workers/me/standing', handler: 'api/get-my-standing', auth: workers, summary: 'Whether you are blocked or suspended, why, and your appeal.' },
  fileAppeal: { method: 'POST', path: '/workers/me/appeals', handler: 'api/file-appeal', auth: workers, body: S.AppealBody, idempotent: true, summary: 'Appeal a block or suspension (decisionId) or, within 7 days, a rejection of your assignment (assignmentId); once per decision.' },
  exportMyData: { method: 'GET', path: '/workers/me/export', handler: 'api/export-my-data', auth: workers, query: S.CursorQuery, summary: 'All your data as JSON, page by page (GDPR).' },
  eraseMe: { method: 'DELETE', path: '/workers/me', handler: 'api/erase-me', auth: workers, idempotent: true, summary: 'Erase your personal data and account; the ledger keeps your pseudonymous id (GDPR).' },

  createQualificationType: { method: 'POST', path: '/qualification-types', handler: 'api/create-qualification-type', auth: owners, body: S.CreateQualificationTypeBody, idempotent: true, summary: 'A qualification for your projects, or (admins) a platform-wide skill; optionally with a test.' },
  getQualificationType: { method: 'GET', path: '/qualification-types/{qualificationTypeId}', handler: 'api/get-qualification-type', auth: anyone, params: typeParams, summary: 'A qualification type; only its owner sees the answer key.' },
  grantQualification: { method: 'PUT', path: '/qualification-types/{qualificationTypeId}/workers/{workerId}', handler: 'api/grant-qualification', auth: owners, params: typeWorkerParams, body: S.GrantQualificationBody, idempotent: true, summary: "Grant or update a worker's score." },
  revokeQualification: { method: 'DELETE', path: '/qualification-types/{qualificationTypeId}/workers/{workerId}', handler: 'api/revoke-qualification', auth: owners, params: typeWorkerParams, idempotent: true, summary: "Revoke a worker's qualification." },
  startAttempt: { method: 'POST', path: '/qualification-types/{qualificationTypeId}/attempts', handler: 'api/start-attempt', auth: workers, params: typeParams, body: S.EmptyBody, idempotent: true, summary: "Start the type's test: its questions, never the answers." },
  submitAttempt: { method: 'POST', path: '/qualification-types/{qualificationTypeId}/attempts/{attemptId}/answers', handler: 'api/submit-attempt', auth: workers, params: z.strictObject({ qualificationTypeId: S.QualificationTypeId, attemptId: S.AttemptId }), body: S.SubmitAttemptBody, idempotent: true, summary: 'Submit your answers; graded at once.' },

  answerTraining: { method: 'POST', path: '/qualification-types/{qualificationTypeId}/training-answers', handler: 'api/answer-training', auth: workers, params: typeParams, body: S.TrainingAnswerBody, idempotent: true, summary: "Answer one of the type's training items: at once whether you were right, the right answer and why. Never counts for pay or score." },

  blockWorker: { method: 'PUT', path: '/blocked-workers/{workerId}', handler: 'api/block-worker', auth: clients, params: workerParams, body: S.ClientBlockBody, idempotent: true, summary: "Keep a worker out of all your organisation's projects." },
  unblockWorker: { method: 'DELETE', path: '/blocked-workers/{workerId}', handler: 'api/unblock-worker', auth: clients, params: workerParams, idempotent: true, summary: 'Lift your block of a worker.' },
  excludeWorker: { method: 'PUT', path: '/projects/{projectId}/exclusions/{workerId}', handler: 'api/exclude-worker', auth: clients, params: projectParams.extend({ workerId: S.WorkerId }), body: S.EmptyBody, idempotent: true, summary: 'Keep a worker out of this project, without touching their reputation.' },
  includeWorker: { method: 'DELETE', path: '/projects/{projectId}/exclusions/{workerId}', handler: 'api/include-worker', auth: clients, params: projectParams.extend({ workerId: S.WorkerId }), idempotent: true, summary: 'Remove a worker from the exclusion list.' },

  setPlatformStanding: { method: 'PUT', path: '/admin/workers/{workerId}/standing', handler: 'api/set-platform-standing', auth: admins, params: workerParams, body: S.PlatformStandingBody, idempotent: true, summary: 'Block (fraud) or suspend a worker platform-wide, with a reason.' },
  liftPlatformStanding: { method: 'DELETE', path: '/admin/workers/{workerId}/standing', handler: 'api/lift-platform-standing', auth: admins, params: workerParams, idempotent: true, summary: "Lift a worker's block or suspension." },
  listAppeals: { method: 'GET', path: '/admin/appeals', handler: 'api/list-appeals', auth: admins, query: S.Pagination, summary: 'Appeals waiting for a decision, oldest first.' },
  decideAppeal: { method: 'POST', path: '/admin/workers/{workerId}/appeal-decision', handler: 'api/decide-appeal', auth: admins, params: workerParams, body: S.AppealDecisionBody, idempotent: true, summary: 'Uphold or overturn the decision a worker appealed.' },

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
  reviewAutoChecks: 'review/auto-checks',
  reviewConsensus: 'review/consensus',
  reviewOpenTask: 'review/open-review-task',
  reviewApply: 'review/apply-review',
  reviewRequestRevision: 'review/request-revision',
  reviewOpenAcceptance: 'review/open-acceptance',
  reviewFinalize: 'review/finalize',
  reviewOpenAnotherSlot: 'review/open-another-slot',
  reviewFailed: 'review/mark-failed',
  payoutPrepare: 'payout/prepare-run',
  payoutPayShard: 'payout/pay-shard',
  payoutComplete: 'payout/complete-run',
  closeProject: 'project/release-open-slots',
  sweepLeases: 'work/sweep-leases',
  expireProjects: 'project/expire-projects',
  importRunner: 'queue/import-runner',
  exportRunner: 'queue/export-runner',
  apiAuthorizer: 'auth/authorizer',
} as const;
