import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { decideAppealUseCase } from '../../shared/app/standing';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.decideAppeal, async ({ params, body }) => ({ body: await decideAppealUseCase(getDeps(), params.workerId, body) }));
