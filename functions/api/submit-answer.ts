import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { submitAnswerUseCase } from '../../shared/app/work';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.submitAnswer, async ({ caller, params, body, context }) => ({
  body: await submitAnswerUseCase(getDeps(), caller.userId, params.assignmentId, body, context),
}));
