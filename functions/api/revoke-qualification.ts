import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { revokeQualificationUseCase } from '../../shared/app/qualifications';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.revokeQualification, async ({ caller, params }) => ({ body: await revokeQualificationUseCase(getDeps(), caller, params.qualificationTypeId, params.workerId) }));
