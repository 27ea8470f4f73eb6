import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { exportMyDataUseCase } from '../../shared/app/workers';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.exportMyData, async ({ caller, query }) => ({ body: await exportMyDataUseCase(getDeps(), caller.userId, query.cursor) }));
