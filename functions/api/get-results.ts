import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { getResultsUseCase } from '../../shared/app/projects';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.getResults, async ({ caller, params, query }) => {
  const page = await getResultsUseCase(getDeps(), caller.orgId, params.projectId, query.limit, query.cursor, query.status);
  return { body: { items: page.items, nextCursor: page.nextCursor ?? null } };
});
