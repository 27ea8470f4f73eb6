import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { eraseMeUseCase } from '../../shared/app/workers';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.eraseMe, async ({ caller }) => ({ body: await eraseMeUseCase(getDeps(), caller.userId) }));
