import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { resumePayoutRunUseCase } from '../../shared/app/money';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.resumePayoutRun, async ({ params }) => ({ status: 202, body: await resumePayoutRunUseCase(getDeps(), params.runId) }));
