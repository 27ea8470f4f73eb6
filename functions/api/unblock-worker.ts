import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { unblockWorkerForClientUseCase } from '../../shared/app/standing';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.unblockWorker, async ({ caller, params }) => ({ body: await unblockWorkerForClientUseCase(getDeps(), caller.orgId, params.workerId) }));
