import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { submitAttemptUseCase } from '../../shared/app/qualifications';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.submitAttempt, async ({ caller, params, body }) => ({ body: await submitAttemptUseCase(getDeps(), caller.userId, params.qualificationTypeId, params.attemptId, body.answers) }));
