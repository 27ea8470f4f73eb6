import { ROUTES } from '../../shared/api/routes';
import { listApiKeysUseCase } from '../../shared/app/api-keys';
import { getDeps } from '../../shared/app/deps';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.listApiKeys, async ({ caller, query }) => ({
  body: await listApiKeysUseCase(getDeps(), caller.orgId, query.limit, query.cursor, query.status),
}));
