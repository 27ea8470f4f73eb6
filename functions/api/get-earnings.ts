import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { earningsUseCase } from '../../shared/app/money';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.getEarnings, async ({ caller }) => ({ body: await earningsUseCase(getDeps(), caller.userId) }));
