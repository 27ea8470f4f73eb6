import { openApiDocument } from '../../shared/api/openapi';
import { ROUTES } from '../../shared/api/routes';
import { apiHandler } from '../../shared/http/api-handler';

let doc: ReturnType<typeof openApiDocument> | undefined;

export const handler = apiHandler(ROUTES.openapi, async () => ({ body: (doc ??= openApiDocument()) }));
