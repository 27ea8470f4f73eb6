import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { localUser } from '../../infra/local/users';
import { routeList, type RouteDef } from '../../shared/api/routes';
import { MAX_BODY_BYTES } from '../../shared/http/api-handler';
import { apiClient, bootPlatform, type RunningPlatform } from '../support/local-platform';

/**
 * Every route of the route table, fed each class of bad input that applies to it: malformed JSON,
 * an unknown field, a wrong type, an over-long string, an oversize body, a huge batch, a foreign or
 * unknown id. Each must be a 4xx in the API's error format naming the field, never a 500, and
 * nothing anybody can see may have changed.
 */
type Call = ReturnType<typeof apiClient>;
let platform: RunningPlatform;
const as: Record<'clients' | 'workers' | 'admins', Call> = {} as never;
const tokens: Record<string, string | undefined> = {};
let otherClient: Call;
let otherWorker: Call;
/** Ids that exist but belong to someone else. */
const foreign: Record<string, string> = {};
/** The caller's own ids, where a case must get past the ownership check. */
const own: Record<string, string> = {};
/** Well-formed ids of nothing. */
const unknown: Record<string, string> = {
  projectId: 'prj_0000000000zzzzzzzzzzzzzzzz',
  assignmentId: 'asg_0000000000zzzzzzzzzzzzzzzz',
  runId: 'run_0000000000zzzzzzzzzzzzzzzz',
  keyId: 'key_0000000000zzzzzzzzzzzzzzzz',
  importId: 'imp_0000000000zzzzzzzzzzzzzzzz',
  exportId: 'exp_0000000000zzzzzzzzzzzzzzzz',
  mediaId: 'med_0000000000zzzzzzzzzzzzzzzz',
  qualificationTypeId: 'qt_0000000000zzzzzzzzzzzzzzzz',
  attemptId: 'att_0000000000zzzzzzzzzzzzzzzz',
  microtaskId: 'mt_0000000000zzzzzzzzzzzzzzzz',
  reviewTaskId: 'rvt_0000000000zzzzzzzzzzzzzzzz',
  workerId: '00000000-0000-4000-8000-000000000000',
};
/**
 * Organisations and workers are not stored entities (an org id is a Cognito attribute, a worker id a
 * Cognito sub), so an admin may set a fee for, or block, any well-formed one and a client may block or
 * exclude any: only their format can be wrong.
 */
const NOT_ENTITIES = ['orgId', 'workerId'];

beforeAll(async () => {
  platform = await bootPlatform();
  const url = platform.info.apiUrl;
  const user = async (email: string, group: 'clients' | 'workers' | 'admins') => {
    const { accessToken } = await localUser(platform.info, email, [group]);
    return { accessToken, call: apiClient(url, accessToken) };
  };
  for (const group of ['clients', 'workers', 'admins'] as const) {
    const u = await user(`bad-${group}@example.com`, group);
    as[group] = u.call;
    tokens[group] = u.accessToken;
  }
  otherClient = (await user('other-client@example.com', 'clients')).call;
  otherWorker = (await user('other-worker@example.com', 'workers')).call;

  // Someone else's project, assignment and key, for the foreign-id cases.
  expect((await otherClient('POST', '/account/top-ups', { amountMinor: 5_000 })).status).toBe(201);
  const p = await otherClient('POST', '/projects', {
    title: 'Not yours',
    answerSpec: { type: 'single_choice', question: 'q?', options: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] },
    reward: { amountMinor: 10 },
    redundancy: 1,
  });
  foreign.projectId = p.body.projectId;
  expect((await otherClient('POST', `/projects/${foreign.projectId}/microtasks`, { microtasks: [{ input: { n: 1 } }, { input: { n: 2 } }] })).status).toBe(201);
  expect((await otherClient('POST', `/projects/${foreign.projectId}/publish`, {})).status).toBe(200);
  const claim = await otherWorker('POST', `/projects/${foreign.projectId}/assignments`, {});
  expect(claim.status).toBe(201);
  foreign.assignmentId = claim.body.assignment.assignmentId;
  foreign.keyId = (await otherClient('POST', '/api-keys', { name: 'theirs' })).body.keyId;
  // The callers' own state, so "nothing written" has something to compare.
  expect((await as.clients('POST', '/account/top-ups', { amountMinor: 2_000 })).status).toBe(201);
  own.projectId = (await as.clients('POST', '/projects', { title: 'Mine', answerSpec: { type: 'single_choice', question: 'q?', options: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] }, reward: { amountMinor: 10 } })).body.projectId;
});

afterAll(async () => {
  const code = await platform?.stop();
  expect(code).toBe(0);
});

/** What every caller (and the owner of the foreign ids) can see of their own state. */
async function visibleState() {
  const reads: [Call, string][] = [
    [as.clients, '/projects?limit=100'],
    [as.clients, '/account'],
    [as.clients, '/account/statement?limit=100'],
    [as.clients, '/account/statement?account=escrow&limit=100'],
    [as.clients, '/api-keys?limit=100'],
    [as.workers, '/workers/me/assignments?limit=100'],
    [as.workers, '/workers/me/earnings'],
    [as.workers, '/workers/me/statement?limit=100'],
    [otherClient, `/projects/${foreign.projectId}`],
    [otherClient, '/account'],
    [otherClient, '/api-keys?limit=100'],
    [otherWorker, `/assignments/${foreign.assignmentId}`],
  ];
  return Promise.all(reads.map(async ([call, path]) => ({ path, ...(await call('GET', path)) })));
}

// ------------------------------------------------------------------ the schema, looked at generically

type Schema = z.ZodType & { def: { type: string; innerType?: Schema; checks?: { _zod: { def: unknown } }[] }; shape?: Record<string, Schema>; maxLength?: number | null };

function unwrap(s: Schema): Schema {
  let x = s;
  while (['optional', 'default', 'nullable', 'prefault', 'readonly'].includes(x.def.type) && x.def.innerType) x = x.def.innerType;
  return x;
}

const fieldsOf = (body: z.ZodType | undefined) => Object.entries((body as Schema | undefined)?.shape ?? {}).map(([name, s]) => ({ name, schema: unwrap(s) }));

/** A value of the wrong JSON type for this schema. */
function wrongTypeFor(s: Schema): unknown {
  switch (s.def.type) {
    case 'string':
    case 'enum':
    case 'literal':
      return 12_345;
    case 'number':
    case 'int':
      return 'twelve';
    case 'array':
      return 'not-a-list';
    case 'boolean':
      return 'yes';
    default:
      return 'not-an-object';
  }
}

const arrayMax = (s: Schema) => (s.def.checks?.map((c) => c._zod.def as { check: string; maximum?: number }).find((d) => d.check === 'max_length'))?.maximum;

/** fetch refuses a GET with a body; a client on the internet does not. */
function getWithBody(path: string, body: string, token?: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...(token ? { authorization: `Bearer ${token}` } : {}) };
    const req = request(`${platform.info.apiUrl}${path}`, { method: 'GET', headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const callerFor = (route: RouteDef): Call => (route.auth === 'public' ? apiClient(platform.info.apiUrl) : as[route.auth.groups[0] as 'clients' | 'workers' | 'admins']);

function pathWith(route: RouteDef, ids: Record<string, string>): string {
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(ids[name] ?? foreign[name] ?? unknown[name] ?? 'org-nobody'));
}

/** The path of a route with valid-looking ids: the callers' own are not needed, every case fails before them. */
const pathOf = (route: RouteDef) => pathWith(route, unknown);

function expectError(r: { status: number; body: any }, status: number, label: string) {
  expect(r.status, `${label}: ${JSON.stringify(r.body)}`).toBe(status);
  expect(r.body?.error, label).toMatchObject({ code: expect.any(String), message: expect.any(String), details: expect.anything() });
}

const issuePaths = (r: { body: any }): string[] => (r.body?.error?.details?.issues ?? []).map((i: { path: string }) => i.path);

// ------------------------------------------------------------------ the cases

describe('bad input on every route', () => {
  let before: Awaited<ReturnType<typeof visibleState>>;
  const covered = new Map<string, Set<string>>();
  const cover = (route: RouteDef & { name: string }, what: string) => (covered.get(route.name) ?? covered.set(route.name, new Set()).get(route.name)!).add(what);

  beforeAll(async () => {
    before = await visibleState();
  });

  for (const route of routeList()) {
    const label = (what: string) => `${route.method} ${route.path}: ${what}`;
    const fields = fieldsOf(route.body);

    it(`${route.method} ${route.path}`, async () => {
      const call = callerFor(route);
      const path = pathOf(route);

      // An oversize body, on every route: 413 before anything is read.
      const huge = JSON.stringify({ padding: 'x'.repeat(MAX_BODY_BYTES + 1024) });
      const oversize = route.method === 'GET' ? await getWithBody(path, huge, tokens[route.auth === 'public' ? 'public' : route.auth.groups[0]!]) : await call(route.method, path, huge);
      expectError(oversize, 413, label('oversize body'));
      expect(oversize.body.error.code).toBe('body_too_large');
      cover(route, 'oversize');

      if (route.body) {
        const malformed = await call(route.method, path, '{"broken": ');
        expectError(malformed, 400, label('malformed JSON'));
        expect(malformed.body.error.code).toBe('malformed_json');
        expect(issuePaths(malformed)).toContain('body');

        // Beside an otherwise valid body, so a union body (picked by `type`) names the field too.
        const sample = validBodyFor(route);
        const unknownField = await call(route.method, path, { ...(sample && typeof sample === 'object' ? sample : {}), unexpectedField: 1 });
        expectError(unknownField, 400, label('unknown field'));
        expect(JSON.stringify(unknownField.body.error.details), label('unknown field named')).toContain('unexpectedField');

        if (fields.length === 0) {
          const notAnObject = await call(route.method, path, [1, 2, 3]);
          expectError(notAnObject, 400, label('wrong type'));
          expect(issuePaths(notAnObject)).toContain('body');
        }
        for (const f of fields) {
          const wrong = await call(route.method, path, { [f.name]: wrongTypeFor(f.schema) });
          expectError(wrong, 400, label(`wrong type of ${f.name}`));
          expect(issuePaths(wrong), label(`wrong type of ${f.name}`)).toContain(`body.${f.name}`);
          if (f.schema.def.type === 'string' && typeof f.schema.maxLength === 'number') {
            const long = await call(route.method, path, { [f.name]: 'x'.repeat(f.schema.maxLength + 1) });
            expectError(long, 400, label(`over-long ${f.name}`));
            expect(issuePaths(long), label(`over-long ${f.name}`)).toContain(`body.${f.name}`);
            cover(route, 'long-string');
          }
          const max = f.schema.def.type === 'array' ? arrayMax(f.schema) : undefined;
          if (max !== undefined) {
            const batch = await call(route.method, path, { [f.name]: Array.from({ length: max + 1 }, () => ({})) });
            expectError(batch, 400, label(`huge batch in ${f.name}`));
            expect(issuePaths(batch), label(`huge batch in ${f.name}`)).toContain(`body.${f.name}`);
            cover(route, 'batch');
          }
        }
        cover(route, 'body');
      }

      for (const name of Object.keys(route.params?.shape ?? {})) {
        const long = await call(route.method, pathWith(route, { [name]: 'x'.repeat(300) }), route.body ? {} : undefined);
        expectError(long, 400, label(`over-long ${name}`));
        expect(issuePaths(long)).toContain(`path.${name}`);
        const malformedId = await call(route.method, pathWith(route, { [name]: 'not an id!' }), route.body ? {} : undefined);
        expectError(malformedId, 400, label(`malformed ${name}`));
        cover(route, 'long-string');
        if (NOT_ENTITIES.includes(name)) continue;
        // Unknown and foreign ids: not found (never forbidden, so ids leak nothing). The body is a valid one where needed.
        // Any published project is open to every worker, so for workers only an assignment can be someone else's.
        const foreignHere = route.auth !== 'public' && route.auth.groups[0] === 'workers' && name === 'projectId' ? {} : foreign;
        for (const [kind, ids] of [['unknown', unknown], ['foreign', foreignHere]] as const) {
          if (!ids[name]) continue;
          const r = await call(route.method, pathWith(route, { [name]: ids[name]! }), validBodyFor(route));
          // Submitting (or revising) another worker's assignment is a 403 `not_your_assignment` by contract (microtask-to-payout e2e).
          const owned = kind === 'foreign' && ['/assignments/{assignmentId}/submission', '/assignments/{assignmentId}/revision'].includes(route.path) ? 403 : 404;
          expectError(r, owned, label(`${kind} ${name}`));
          cover(route, 'id');
        }
      }

      if (route.query?.shape && 'cursor' in route.query.shape) {
        const path = pathWith(route, own);
        const long = await call('GET', `${path}?cursor=${'a'.repeat(2_001)}`);
        expectError(long, 400, label('over-long cursor'));
        expect(issuePaths(long)).toContain('query.cursor');
        const forged = await call('GET', `${path}?cursor=${Buffer.from(JSON.stringify({ pk: 'PROJECT#x', sk: 'PROJECT' })).toString('base64url')}`);
        expectError(forged, 400, label('forged cursor'));
        expect(forged.body.error.code).toBe('invalid_cursor');
        const paged = 'limit' in route.query.shape;
        const wrongLimit = await call('GET', `${path}?${paged ? 'limit=1000&' : ''}bogus=1`);
        expectError(wrongLimit, 400, label('query'));
        expect(issuePaths(wrongLimit)).toEqual(expect.arrayContaining(paged ? ['query.limit', 'query'] : ['query']));
        cover(route, 'long-string');
      }

      // Routes that take no input at all have nothing to get wrong but the size of a body (above).
      if (!route.body && !route.params && !route.query) cover(route, 'no-input');
    });
  }

  it('covered every route with every class that applies to it', () => {
    for (const route of routeList()) {
      const got = covered.get(route.name) ?? new Set();
      expect([...got], route.name).toContain('oversize');
      if (route.body) expect([...got], route.name).toContain('body');
      if (route.params) expect([...got], route.name).toContain('long-string');
      if (route.params && Object.keys(route.params.shape).some((n) => !NOT_ENTITIES.includes(n))) expect([...got], route.name).toContain('id');
      if (!route.body && !route.params && !route.query) expect([...got], route.name).toContain('no-input');
    }
    expect(routeList().some((r) => covered.get(r.name)?.has('batch'))).toBe(true);
  });

  it('wrote nothing anybody can see', async () => {
    const after = await visibleState();
    for (const [i, b] of before.entries()) expect(after[i], b.path).toEqual(b);
  });
});

/** A body the route accepts, so an id case fails on the id and not on the body. */
function validBodyFor(route: RouteDef): unknown {
  if (!route.body) return undefined;
  const samples: Record<string, unknown> = {
    '/projects/{projectId}/microtasks': { microtasks: [{ input: { n: 1 } }] },
    '/projects/{projectId}/bonuses': { bonuses: [{ assignmentId: unknown.assignmentId, amountMinor: 10, reason: 'thanks' }] },
    '/assignments/{assignmentId}/bonuses': { amountMinor: 10, reason: 'thanks' },
    '/assignments/{assignmentId}/submission': { answer: { choice: 'a' } },
    '/assignments/{assignmentId}/revision': { answer: { choice: 'a' } },
    '/review-tasks/{reviewTaskId}/decision': { verdicts: [{ assignmentId: unknown.assignmentId, verdict: 'ok' }] },
    '/projects/{projectId}/microtasks/{microtaskId}/acceptance': { decision: 'accept' },
    '/projects/{projectId}': { title: 'Renamed' },
    '/projects/{projectId}/imports': { format: 'csv' },
    '/projects/{projectId}/exports': { format: 'jsonl' },
    '/assignments/{assignmentId}/media': { contentType: 'image/jpeg', sizeBytes: 1_000 },
    '/assignments/{assignmentId}/external-answer': { completionToken: `ctk_${'a'.repeat(43)}`, answer: { ok: true } },
    '/qualification-types/{qualificationTypeId}/workers/{workerId}': { score: 80 },
    '/qualification-types/{qualificationTypeId}/attempts/{attemptId}/answers': { answers: { q1: 'a' } },
    '/workers/me/payout-method': { type: 'paypal', email: 'someone@example.com' },
    '/assignments/{assignmentId}/appeal-decision': { outcome: 'upheld', note: 'The answer was wrong' },
    '/qualification-types/{qualificationTypeId}/training-answers': { itemId: 't1', answer: 'a' },
  };
  return samples[route.path] ?? {};
}
