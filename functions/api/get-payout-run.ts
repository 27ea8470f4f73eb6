import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { getPayoutRunUseCase } from '../../shared/app/money';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.getPayoutRun, async ({ params }) => ({ body: await getPayoutRunUseCase(getDeps(), params.runId) }));
