import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import type { TemplateResolver } from './template';

export interface LocalFunction {
  stack: string;
  logicalId: string;
  name: string;
  arn: string;
  /** The handler module under functions/, from the `tessera:handler` metadata the house construct writes. */
  handler: string;
  timeoutSeconds: number;
  environment: Record<string, string>;
}

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/**
 * Runs the functions of the template in this process: the same handler modules Lambda runs, with
 * the environment the CDK bind helpers gave each function, resolved to the local resources.
 */
export class LocalLambdas {
  readonly functions: LocalFunction[];
  private readonly modules = new Map<string, Promise<Handler>>();

  constructor(resolver: TemplateResolver, private readonly root: string) {
    this.functions = resolver.resources('AWS::Lambda::Function').flatMap(({ stack, id, resource }) => {
      const handler = resource.Metadata?.['tessera:handler'] as string | undefined;
      if (!handler) return []; // CDK's own helper functions (log retention, auto-delete) have no local role
      const physical = resolver.physicalOf(stack, id)!;
      return [
        {
          stack,
          logicalId: id,
          name: physical.ref,
          arn: physical.attrs.Arn!,
          handler,
          timeoutSeconds: resource.Properties?.Timeout ?? 3,
          environment: resolver.resolve(resource.Properties?.Environment?.Variables ?? {}, stack),
        },
      ];
    });
  }

  /** One process hosts every function, so their environments must agree; a clash is a bug in the stack. */
  mergedEnvironment(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const f of this.functions) {
      for (const [k, v] of Object.entries(f.environment)) {
        if (k in env && env[k] !== v) throw new Error(`Functions disagree on ${k}: ${env[k]} vs ${v}`);
        env[k] = String(v);
      }
    }
    return env;
  }

  byArn(arn: string): LocalFunction | undefined {
    return this.functions.find((f) => f.arn === arn || f.name === arn || arn.endsWith(`:function:${f.name}`));
  }

  byName(name: string): LocalFunction | undefined {
    return this.functions.find((f) => f.name === name);
  }

  async invoke(fn: LocalFunction, event: unknown): Promise<unknown> {
    let mod = this.modules.get(fn.handler);
    if (!mod) {
      mod = import(pathToFileURL(join(this.root, 'functions', `${fn.handler}.ts`)).href).then((m) => m.handler as Handler);
      this.modules.set(fn.handler, mod);
    }
    const handler = await mod;
    const deadline = Date.now() + fn.timeoutSeconds * 1000;
    const context = {
      callbackWaitsForEmptyEventLoop: false,
      functionName: fn.name,
      functionVersion: '$LATEST',
      invokedFunctionArn: fn.arn,
      memoryLimitInMB: '512',
      awsRequestId: randomUUID(),
      logGroupName: `/aws/lambda/${fn.name}`,
      logStreamName: 'local',
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => {},
      fail: () => {},
      succeed: () => {},
    } as Context;
    return handler(event, context);
  }
}
