import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { getProfileUseCase } from '../../shared/app/workers';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.getMyProfile, async ({ caller }) => ({ body: await getProfileUseCase(getDeps(), caller.userId) }));
