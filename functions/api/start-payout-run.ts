import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { startPayoutRunUseCase } from '../../shared/app/money';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.startPayoutRun, async () => ({ status: 202, body: await startPayoutRunUseCase(getDeps()) }));
