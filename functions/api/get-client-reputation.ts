import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { clientReputationUseCase } from '../../shared/app/client-reputation';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.getClientReputation, async ({ params }) => ({ body: await clientReputationUseCase(getDeps(), params.orgId) }));
