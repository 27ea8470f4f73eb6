import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { reviewerPoolUseCase } from '../../shared/app/reviewers';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.getReviewerPool, async ({ caller, params, query }) => ({ body: await reviewerPoolUseCase(getDeps(), caller.orgId, params.projectId, query.limit, query.cursor) }));
