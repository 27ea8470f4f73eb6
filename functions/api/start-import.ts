import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { startImportUseCase } from '../../shared/app/bulk-import';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.startImport, async ({ caller, params }) => ({
  status: 202,
  body: await startImportUseCase(getDeps(), caller.orgId, params.importId),
}));
