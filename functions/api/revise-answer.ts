import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { reviseAnswerUseCase } from '../../shared/app/review-tasks';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.reviseAnswer, async ({ caller, params, body }) => ({
  body: await reviseAnswerUseCase(getDeps(), caller.userId, params.assignmentId, body),
}));
