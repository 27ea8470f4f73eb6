import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { decidePlatformStandingUseCase } from '../../shared/app/standing';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.setPlatformStanding, async ({ params, body }) => ({ body: await decidePlatformStandingUseCase(getDeps(), params.workerId, body) }));
