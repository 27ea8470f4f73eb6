import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { decideAcceptanceUseCase } from '../../shared/app/review-tasks';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.decideAcceptance, async ({ caller, params, body }) => ({
  body: await decideAcceptanceUseCase(getDeps(), caller.orgId, params.projectId, params.microtaskId, body),
}));
