import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { updateProjectUseCase } from '../../shared/app/projects';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.updateProject, async ({ caller, params, body }) => ({ body: await updateProjectUseCase(getDeps(), caller.orgId, params.projectId, body) }));
