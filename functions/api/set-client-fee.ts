import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { setClientFeeUseCase } from '../../shared/app/money';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.setClientFee, async ({ params, body }) => ({ body: await setClientFeeUseCase(getDeps(), params.orgId, body.feeBasisPoints) }));
