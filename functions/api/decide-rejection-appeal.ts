import { ROUTES } from '../../shared/api/routes';
import { decideRejectionAppealUseCase } from '../../shared/app/appeals';
import { getDeps } from '../../shared/app/deps';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.decideRejectionAppeal, async ({ caller, params, body }) => ({
  body: await decideRejectionAppealUseCase(getDeps(), caller, params.assignmentId, body),
}));
