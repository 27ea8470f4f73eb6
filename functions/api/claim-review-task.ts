import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { claimReviewTaskUseCase } from '../../shared/app/review-tasks';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.claimReviewTask, async ({ caller, params }) => ({
  status: 201,
  body: await claimReviewTaskUseCase(getDeps(), caller.userId, params.projectId),
}));
