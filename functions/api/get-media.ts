import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { getMediaUseCase } from '../../shared/app/media';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.getMedia, async ({ caller, params }) => ({
  body: await getMediaUseCase(getDeps(), caller, params.assignmentId, params.mediaId),
}));
