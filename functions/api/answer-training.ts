import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { answerTrainingItemUseCase } from '../../shared/app/qualifications';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.answerTraining, async ({ params, body }) => ({
  body: await answerTrainingItemUseCase(getDeps(), params.qualificationTypeId, body),
}));
