import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { listPendingAppealsUseCase } from '../../shared/app/standing';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.listAppeals, async ({ query }) => ({ body: await listPendingAppealsUseCase(getDeps(), query.limit, query.cursor) }));
