import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localUser } from '../../infra/local/users';
import { apiClient, bootPlatform, type RunningPlatform } from '../support/local-platform';

/**
 * API keys over HTTP on `npm start`'s platform: the authorizer the template declares runs the real
 * authorizer code for both logins and keys; a key acts for its organisation on client routes only.
 */
let platform: RunningPlatform;
let client: ReturnType<typeof apiClient>;
let worker: ReturnType<typeof apiClient>;
let otherClient: ReturnType<typeof apiClient>;

const project = {
  title: 'Sort the shoes',
  answerSpec: { type: 'single_choice', question: 'Which kind?', options: [{ value: 'boot', label: 'Boot' }, { value: 'sandal', label: 'Sandal' }] },
  reward: { amountMinor: 12 },
};

beforeAll(async () => {
  platform = await bootPlatform();
  const url = platform.info.apiUrl;
  client = apiClient(url, (await localUser(platform.info, 'keys-client@example.com', ['clients'])).accessToken);
  otherClient = apiClient(url, (await localUser(platform.info, 'keys-other@example.com', ['clients'])).accessToken);
  worker = apiClient(url, (await localUser(platform.info, 'keys-worker@example.com', ['workers'])).accessToken);
});

afterAll(async () => {
  const code = await platform?.stop();
  expect(code).toBe(0);
});

describe('API keys', () => {
  it('a key created by a signed-in client creates and lists its projects, until revoked', async () => {
    const created = await client('POST', '/api-keys', { name: 'warehouse system' });
    expect(created.status).toBe(201);
    const { key, keyId } = created.body;
    expect(key).toMatch(/^tsk_live_[\w-]{43}$/);

    const byKey = apiClient(platform.info.apiUrl);
    const auth = { authorization: `ApiKey ${key}` };
    const made = await byKey('POST', '/projects', project, auth);
    expect(made.status).toBe(201);
    // The same organisation: the signed-in client sees the key's project, another client does not.
    expect((await client('GET', `/projects/${made.body.projectId}`)).status).toBe(200);
    expect((await otherClient('GET', `/projects/${made.body.projectId}`)).status).toBe(404);
    const listed = await byKey('GET', '/projects?limit=10', undefined, auth);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((p: { projectId: string }) => p.projectId)).toContain(made.body.projectId);
    // Bearer works too, for clients that only know bearer tokens.
    expect((await apiClient(platform.info.apiUrl, key)('GET', '/projects')).status).toBe(200);

    // Listed without the key, with its hint and last use.
    const keys = await client('GET', '/api-keys');
    expect(keys.status).toBe(200);
    const listedKey = keys.body.items.find((k: { keyId: string }) => k.keyId === keyId);
    expect(listedKey).toMatchObject({ name: 'warehouse system', hint: `tsk_live_…${key.slice(-4)}`, status: 'active' });
    expect(listedKey.lastUsedAt).toEqual(expect.any(String));
    expect(JSON.stringify(keys.body)).not.toContain(key);

    // Refused on worker routes and on key management (403), never mistaken for a worker.
    const onWorkerRoute = await byKey('GET', '/workers/me/assignments', undefined, auth);
    expect(onWorkerRoute.status).toBe(403);
    expect(onWorkerRoute.body.error.code).toBe('api_key_not_allowed');
    expect((await byKey('POST', `/projects/${made.body.projectId}/assignments`, {}, auth)).status).toBe(403);
    expect((await byKey('POST', '/api-keys', { name: 'more' }, auth)).status).toBe(403);
    expect((await byKey('POST', '/admin/payout-runs', {}, auth)).status).toBe(403);

    // Another organisation cannot revoke it; its owner can.
    expect((await otherClient('DELETE', `/api-keys/${keyId}`)).status).toBe(404);
    const revoked = await client('DELETE', `/api-keys/${keyId}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.status).toBe('revoked');

    // Refused once the authorizer cache (2 s in dev) has let go of the last answer.
    await new Promise((r) => setTimeout(r, 2_500));
    const refused = await byKey('GET', '/projects', undefined, auth);
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('api_key_revoked');
  });

  it('refuses unknown keys and bad tokens with 401, and a missing one before any function runs', async () => {
    const unknown = await apiClient(platform.info.apiUrl)('GET', '/projects', undefined, { authorization: `ApiKey tsk_live_${'x'.repeat(43)}` });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('unknown_api_key');
    const badToken = await apiClient(platform.info.apiUrl, 'not-a-jwt')('GET', '/projects');
    expect(badToken.status).toBe(401);
    expect(badToken.body.error.code).toBe('invalid_token');
    expect((await apiClient(platform.info.apiUrl)('GET', '/projects')).status).toBe(401);
  });

  it('still lets signed-in workers work and refuses them key management', async () => {
    expect((await worker('GET', '/workers/me/assignments')).status).toBe(200);
    expect((await worker('GET', '/api-keys')).status).toBe(403);
  });
});
