import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { claimAssignmentUseCase } from '../../shared/app/work';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.claimAssignment, async ({ caller, params }) => ({
  status: 201,
  body: await claimAssignmentUseCase(getDeps(), caller.userId, params.projectId),
}));
