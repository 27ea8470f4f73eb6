import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { createImportUseCase } from '../../shared/app/bulk-import';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.createImport, async ({ caller, params, body }) => ({
  status: 201,
  body: await createImportUseCase(getDeps(), caller.orgId, params.projectId, body.format),
}));
