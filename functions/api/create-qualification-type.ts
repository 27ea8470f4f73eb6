import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { createQualificationTypeUseCase } from '../../shared/app/qualifications';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.createQualificationType, async ({ caller, body }) => ({ status: 201, body: await createQualificationTypeUseCase(getDeps(), caller, body) }));
