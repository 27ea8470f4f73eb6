import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { getProjectUseCase } from '../../shared/app/projects';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.getProject, async ({ caller, params }) => ({
  body: await getProjectUseCase(getDeps(), caller.orgId, params.projectId),
}));
