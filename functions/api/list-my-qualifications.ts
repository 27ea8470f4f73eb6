import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { myQualificationsUseCase } from '../../shared/app/qualifications';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.listMyQualifications, async ({ caller }) => ({ body: await myQualificationsUseCase(getDeps(), caller.userId) }));
