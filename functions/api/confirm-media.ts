import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { confirmMediaUseCase } from '../../shared/app/media';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.confirmMedia, async ({ caller, params }) => ({
  body: await confirmMediaUseCase(getDeps(), caller.userId, params.assignmentId, params.mediaId),
}));
