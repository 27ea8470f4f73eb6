import { ROUTES } from '../../shared/api/routes';
import { createApiKeyUseCase } from '../../shared/app/api-keys';
import { getDeps } from '../../shared/app/deps';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.createApiKey, async ({ caller, body }) => ({
  status: 201,
  body: await createApiKeyUseCase(getDeps(), caller.orgId, caller.userId, body),
  // The response carries a secret: nothing between here and the client may keep it.
  headers: { 'cache-control': 'no-store' },
}));
