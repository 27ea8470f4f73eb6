import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { accountUseCase } from '../../shared/app/money';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.getAccount, async ({ caller }) => ({ body: await accountUseCase(getDeps(), caller.orgId) }));
