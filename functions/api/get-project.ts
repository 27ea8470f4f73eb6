import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { ownedProject, projectView } from '../../shared/app/projects';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.getProject, async ({ caller, params }) => ({
  body: projectView(await ownedProject(getDeps(), caller.orgId, params.projectId)),
}));
