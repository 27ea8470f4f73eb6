import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { addMicrotasksUseCase } from '../../shared/app/projects';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.addMicrotasks, async ({ caller, params, body, idempotencyKey }) => ({
  status: 201,
  body: await addMicrotasksUseCase(getDeps(), caller.orgId, params.projectId, body.microtasks, idempotencyKey),
}));
