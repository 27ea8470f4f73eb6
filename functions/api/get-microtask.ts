import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { getMicrotaskResultUseCase } from '../../shared/app/projects';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.getMicrotask, async ({ caller, params }) => ({
  body: await getMicrotaskResultUseCase(getDeps(), caller.orgId, params.projectId, params.microtaskId),
}));
