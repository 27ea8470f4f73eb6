import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { setPayoutMethodUseCase } from '../../shared/app/money';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.setPayoutMethod, async ({ caller, body }) => ({ body: await setPayoutMethodUseCase(getDeps(), caller.userId, body) }));
