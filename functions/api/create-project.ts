import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { createProjectUseCase } from '../../shared/app/projects';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.createProject, async ({ caller, body }) => {
  const { reward, ...rest } = body;
  return { status: 201, body: await createProjectUseCase(getDeps(), caller.orgId, { ...rest, rewardMinor: reward.amountMinor, currency: reward.currency }) };
});
