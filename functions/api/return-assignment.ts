import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { returnAssignmentUseCase } from '../../shared/app/work';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.returnAssignment, async ({ caller, params }) => ({ body: await returnAssignmentUseCase(getDeps(), caller.userId, params.assignmentId) }));
