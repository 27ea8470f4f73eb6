import { ROUTES } from '../../shared/api/routes';
import { checkHealth } from '../../shared/adapters/health';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.health, async () => {
  const report = await checkHealth();
  return { status: report.status === 'ok' ? 200 : 503, body: report };
});
