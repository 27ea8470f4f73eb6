import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { requestMediaUploadUseCase } from '../../shared/app/media';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.requestMediaUpload, async ({ caller, params, body }) => ({
  status: 201,
  body: await requestMediaUploadUseCase(getDeps(), caller.userId, params.assignmentId, body),
}));
