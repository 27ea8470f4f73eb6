import { ROUTES } from '../../shared/api/routes';
import { revokeApiKeyUseCase } from '../../shared/app/api-keys';
import { getDeps } from '../../shared/app/deps';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.revokeApiKey, async ({ caller, params }) => ({
  body: await revokeApiKeyUseCase(getDeps(), caller.orgId, params.keyId),
}));
