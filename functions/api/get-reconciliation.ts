import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { reconciliationUseCase } from '../../shared/app/money';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.getReconciliation, async () => ({ body: await reconciliationUseCase(getDeps()) }));
