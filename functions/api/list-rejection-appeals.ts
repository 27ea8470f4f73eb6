import { ROUTES } from '../../shared/api/routes';
import { listRejectionAppealsUseCase } from '../../shared/app/appeals';
import { getDeps } from '../../shared/app/deps';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.listRejectionAppeals, async ({ caller, params, query }) => ({
  body: await listRejectionAppealsUseCase(getDeps(), caller.orgId, params.projectId, query.limit, query.cursor),
}));
