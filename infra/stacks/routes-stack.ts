import { CrossStackReferences, ReferenceStrength, Stack, type StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { RouteName } from '../../shared/api/routes';
import type { StageConfig } from '../constructs/stage-config';
import { TesseraRoutes, type TesseraApi } from '../constructs/tessera-api';
import type { TesseraFunction } from '../constructs/tessera-function';
import { makeRouteFunctions } from './functions';
import { routesOf, type Area } from './route-areas';

export interface RoutesStackProps extends StackProps {
  readonly config: StageConfig;
  readonly area: Area;
  /** The HTTP API and its authorizer, in the API stack. */
  readonly api: TesseraApi;
}

/**
 * The routes of one area (infra/stacks/route-areas.ts) on the shared HTTP API: one function per
 * route, its integration, route and invoke permission (docs/adr/0014-route-stacks.md). What each
 * function may reach is decided in the API stack's one grant list (StatelessStack.grantApiAccess).
 * Redeployable at will: the data lives in the stateful stack.
 */
export class RoutesStack extends Stack {
  readonly area: Area;
  readonly functions: Partial<Record<RouteName, TesseraFunction>>;

  constructor(scope: Construct, id: string, props: RoutesStackProps) {
    super(scope, id, props);
    // Imports of the other stacks' exports: none can drop a resource this stack uses while it uses it.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);
    this.area = props.area;
    const routes = routesOf(props.area);
    this.functions = makeRouteFunctions(new Construct(this, 'Functions'), props.config, routes);
    new TesseraRoutes(this, 'Routes', { api: props.api, routes, functions: this.functions });
  }
}
