import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { createExportUseCase } from '../../shared/app/bulk-export';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.createExport, async ({ caller, params, body }) => ({
  status: 202,
  body: await createExportUseCase(getDeps(), caller.orgId, params.projectId, body.format),
}));
