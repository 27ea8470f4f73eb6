import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { setProjectPausedUseCase } from '../../shared/app/projects';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.resumeProject, async ({ caller, params }) => ({ body: await setProjectPausedUseCase(getDeps(), caller.orgId, params.projectId, false) }));
