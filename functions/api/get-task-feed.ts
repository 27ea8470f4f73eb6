import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { taskFeedUseCase } from '../../shared/app/workers';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.getTaskFeed, async ({ caller, query }) => ({ body: await taskFeedUseCase(getDeps(), caller.userId, query.limit, query.cursor) }));
