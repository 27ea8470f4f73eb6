import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { appealUseCase } from '../../shared/app/standing';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.fileAppeal, async ({ caller, body }) => ({ status: 201, body: await appealUseCase(getDeps(), caller.userId, body) }));
