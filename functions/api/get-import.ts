import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { getImportUseCase } from '../../shared/app/bulk-import';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.getImport, async ({ caller, params }) => ({ body: await getImportUseCase(getDeps(), caller.orgId, params.importId) }));
