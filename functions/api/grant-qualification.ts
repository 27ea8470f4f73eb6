import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { grantQualificationUseCase } from '../../shared/app/qualifications';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.grantQualification, async ({ caller, params, body }) => ({ body: await grantQualificationUseCase(getDeps(), caller, params.qualificationTypeId, params.workerId, body) }));
