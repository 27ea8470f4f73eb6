import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { projectView } from '../../shared/app/projects';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.listProjects, async ({ caller, query }) => {
  const page = await getDeps().marketplace.listProjects(caller.orgId, query.limit, query.cursor, query.status);
  return { body: { items: page.items.map(projectView), nextCursor: page.nextCursor ?? null } };
});
