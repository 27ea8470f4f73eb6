import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { subscribeUseCase } from '../../shared/app/money';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.subscribe, async ({ caller, idempotencyKey }) => {
  const deps = getDeps();
  return { status: 201, body: await subscribeUseCase(deps, caller.orgId, idempotencyKey ?? deps.newId('key')) };
});
