import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { publishProjectUseCase } from '../../shared/app/projects';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.publishProject, async ({ caller, params }) => ({
  body: await publishProjectUseCase(getDeps(), caller.orgId, params.projectId),
}));
