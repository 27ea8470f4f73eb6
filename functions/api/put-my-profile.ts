import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { putProfileUseCase } from '../../shared/app/workers';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.putMyProfile, async ({ caller, body }) => ({ body: await putProfileUseCase(getDeps(), caller.userId, body) }));
