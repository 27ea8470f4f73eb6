import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { bonusUseCase } from '../../shared/app/money';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.bonusAssignment, async ({ caller, params, body, idempotencyKey }) => {
  const deps = getDeps();
  return { status: 201, body: await bonusUseCase(deps, caller.orgId, params.assignmentId, body, idempotencyKey ?? deps.newId('key')) };
});
