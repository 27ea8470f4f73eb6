import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { getQualificationTypeUseCase } from '../../shared/app/qualifications';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.getQualificationType, async ({ caller, params }) => ({ body: await getQualificationTypeUseCase(getDeps(), caller, params.qualificationTypeId) }));
