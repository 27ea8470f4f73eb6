import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { listProjectsUseCase } from '../../shared/app/projects';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.listProjects, async ({ caller, query }) => ({
  body: await listProjectsUseCase(getDeps(), caller.orgId, query.limit, query.cursor, query.status),
}));
