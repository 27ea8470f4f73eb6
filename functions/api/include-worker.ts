import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { setProjectExclusionUseCase } from '../../shared/app/standing';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.includeWorker, async ({ caller, params }) => ({ body: await setProjectExclusionUseCase(getDeps(), caller.orgId, params.projectId, params.workerId, false) }));
