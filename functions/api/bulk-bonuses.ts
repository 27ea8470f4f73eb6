import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { bulkBonusUseCase } from '../../shared/app/money';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.bulkBonuses, async ({ caller, params, body, idempotencyKey }) => {
  const deps = getDeps();
  return { body: await bulkBonusUseCase(deps, caller.orgId, params.projectId, body.bonuses, idempotencyKey ?? deps.newId('key')) };
});
