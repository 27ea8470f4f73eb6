import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { decideReviewTaskUseCase } from '../../shared/app/review-tasks';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.decideReviewTask, async ({ caller, params, body }) => ({
  body: await decideReviewTaskUseCase(getDeps(), caller.userId, params.reviewTaskId, body.verdicts),
}));
