import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { cancelProjectUseCase } from '../../shared/app/projects';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.cancelProject, async ({ caller, params }) => ({ body: await cancelProjectUseCase(getDeps(), caller.orgId, params.projectId) }));
