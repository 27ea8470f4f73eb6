import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { getPayoutMethodUseCase } from '../../shared/app/money';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.getPayoutMethod, async ({ caller }) => ({ body: await getPayoutMethodUseCase(getDeps(), caller.userId) }));
