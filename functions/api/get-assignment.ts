import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { getAssignmentUseCase } from '../../shared/app/work';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.getAssignment, async ({ caller, params }) => ({
  body: await getAssignmentUseCase(getDeps(), caller, params.assignmentId),
}));
