import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { claimNextAssignmentUseCase } from '../../shared/app/work';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.claimNextAssignment, async ({ caller }) => ({
  status: 201,
  body: await claimNextAssignmentUseCase(getDeps(), caller.userId),
}));
