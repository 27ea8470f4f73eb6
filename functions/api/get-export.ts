import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { getExportUseCase } from '../../shared/app/bulk-export';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.getExport, async ({ caller, params }) => ({ body: await getExportUseCase(getDeps(), caller.orgId, params.exportId) }));
