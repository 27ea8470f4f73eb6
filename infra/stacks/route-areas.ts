import { routeList, type RouteDef, type RouteName } from '../../shared/api/routes';

/**
 * The route stacks (docs/adr/0014-route-stacks.md): the routes are split by area, one stack each,
 * so that no stack nears CloudFormation's 500 resources (about seven per route).
 */
export const AREAS = ['Clients', 'Workers', 'Platform'] as const;
export type Area = (typeof AREAS)[number];

/**
 * A route's area follows from the first segment of its path, the resource tree it acts on, so the
 * route table stays the one place a route is described: there is no second field that could
 * contradict the path. A route under a new top-level segment fails synth until the segment is
 * placed here. Moving a segment to another area moves its routes between stacks (see the ADR).
 */
const AREA_OF_SEGMENT: Record<string, Area> = {
  // What a client owns: projects (with their imports, exports, exclusions and claims), the account, API keys, blocks.
  projects: 'Clients',
  imports: 'Clients',
  exports: 'Clients',
  account: 'Clients',
  'api-keys': 'Clients',
  'blocked-workers': 'Clients',
  // What a worker does and reads: assignments, their own records, qualification tests, review tasks, a client's reputation.
  assignments: 'Workers',
  workers: 'Workers',
  'qualification-types': 'Workers',
  'review-tasks': 'Workers',
  clients: 'Workers',
  // The platform itself: its health, its description and its administration.
  health: 'Platform',
  'openapi.json': 'Platform',
  admin: 'Platform',
};

export function areaOf(route: Pick<RouteDef, 'path'>): Area {
  const segment = route.path.split('/')[1] ?? '';
  const area = AREA_OF_SEGMENT[segment];
  if (!area) throw new Error(`No route stack for ${route.path}: place /${segment} in an area (infra/stacks/route-areas.ts)`);
  return area;
}

/** The routes of one area, in route table order. */
export const routesOf = (area: Area): (RouteDef & { name: RouteName })[] => routeList().filter((r) => areaOf(r) === area);
