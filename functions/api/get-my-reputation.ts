import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { myReputationUseCase } from '../../shared/app/workers';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.getMyReputation, async ({ caller }) => ({ body: await myReputationUseCase(getDeps(), caller.userId) }));
