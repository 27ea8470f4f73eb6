import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { liftPlatformStandingUseCase } from '../../shared/app/standing';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.liftPlatformStanding, async ({ params }) => ({ body: await liftPlatformStandingUseCase(getDeps(), params.workerId) }));
