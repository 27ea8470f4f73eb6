import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { listMyAssignmentsUseCase } from '../../shared/app/work';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.listMyAssignments, async ({ caller, query }) => {
  const page = await listMyAssignmentsUseCase(getDeps(), caller.userId, query.limit, query.cursor, query.status);
  return { body: { items: page.items, nextCursor: page.nextCursor ?? null } };
});
