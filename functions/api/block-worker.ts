import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { blockWorkerForClientUseCase } from '../../shared/app/standing';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.blockWorker, async ({ caller, params, body }) => ({ body: await blockWorkerForClientUseCase(getDeps(), caller.orgId, params.workerId, body.reason) }));
