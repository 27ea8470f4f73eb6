import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { compensationUseCase } from '../../shared/app/money';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.compensateWorker, async ({ body, idempotencyKey }) => {
  const deps = getDeps();
  return { status: 201, body: await compensationUseCase(deps, body, idempotencyKey ?? deps.newId('key')) };
});
