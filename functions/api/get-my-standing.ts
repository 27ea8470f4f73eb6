import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { myStandingUseCase } from '../../shared/app/standing';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.getMyStanding, async ({ caller }) => ({ body: await myStandingUseCase(getDeps(), caller.userId) }));
