import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { submitExternalAnswerUseCase } from '../../shared/app/external';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.submitExternalAnswer, async ({ params, body, context }) => ({
  body: await submitExternalAnswerUseCase(getDeps(), params.assignmentId, body, context),
}));
