import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { startAttemptUseCase } from '../../shared/app/qualifications';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.startAttempt, async ({ caller, params }) => ({ status: 201, body: await startAttemptUseCase(getDeps(), caller.userId, params.qualificationTypeId) }));
