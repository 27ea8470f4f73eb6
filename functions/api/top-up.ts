import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { topUpUseCase } from '../../shared/app/money';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.topUp, async ({ caller, body, idempotencyKey }) => {
  const deps = getDeps();
  // Without a key every request is a new payment; with one, the provider and the ledger dedupe it.
  return { status: 201, body: await topUpUseCase(deps, caller.orgId, body, idempotencyKey ?? deps.newId('key')) };
});
