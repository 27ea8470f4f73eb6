import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import { createTessera } from '../app';

/**
 * The local platform runs what `cdk synth` produces: it synthesizes the same app (skipping Lambda
 * bundling, which only deployment needs) and reads tables, queues, the user pool, the functions'
 * environments, the state machines and the schedule out of the CloudFormation templates.
 */
export type CfnResource = { Type: string; Properties?: Record<string, any>; Metadata?: Record<string, any> };
export type CfnTemplate = { Resources: Record<string, CfnResource>; Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }> };

export interface SynthesizedApp {
  stacks: { name: string; template: CfnTemplate }[];
}

export function synthesize(stage = 'dev'): SynthesizedApp {
  const outdir = mkdtempSync(join(tmpdir(), 'tessera-synth-'));
  try {
    // The same context the CLI gives the app (cdk.json's feature flags), so both synthesize alike.
    const cdkJson = JSON.parse(readFileSync(resolve(import.meta.dirname, '..', '..', 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
    const app = new App({ outdir, context: { ...cdkJson.context, stage, 'aws:cdk:bundling-stacks': [] } });
    createTessera(app);
    // Every stack of the assembly, whatever the app's split into stacks.
    return { stacks: app.synth().stacks.map((s) => ({ name: s.stackName, template: s.template as CfnTemplate })) };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

export const LOCAL_REGION = 'us-east-1';
/** local-aws-sqs builds queue ARNs with this account id; every local ARN uses it too. */
export const LOCAL_ACCOUNT = '123456789012';

/** Where each logical resource lives locally: the value of its Ref and of its attributes. */
export interface PhysicalResource {
  ref: string;
  attrs: Record<string, string>;
}

export class TemplateResolver {
  private readonly physical = new Map<string, PhysicalResource>();
  private readonly exports = new Map<string, unknown>();

  constructor(readonly app: SynthesizedApp) {
    for (const s of app.stacks) {
      for (const out of Object.values(s.template.Outputs ?? {})) {
        if (out.Export?.Name && typeof out.Export.Name === 'string') this.exports.set(out.Export.Name, { stack: s.name, value: out.Value });
      }
    }
  }

  resources(type: string): { stack: string; id: string; resource: CfnResource }[] {
    return this.app.stacks.flatMap((s) =>
      Object.entries(s.template.Resources)
        .filter(([, r]) => r.Type === type)
        .map(([id, resource]) => ({ stack: s.name, id, resource })),
    );
  }

  setPhysical(stack: string, id: string, p: PhysicalResource): void {
    this.physical.set(`${stack}/${id}`, p);
  }

  physicalOf(stack: string, id: string): PhysicalResource | undefined {
    return this.physical.get(`${stack}/${id}`);
  }

  /** Resolves CloudFormation intrinsics against the local resources. */
  resolve(value: unknown, stack: string): any {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v, stack));
    if (!value || typeof value !== 'object') return value;
    const o = value as Record<string, any>;
    const keys = Object.keys(o);
    if (keys.length === 1) {
      const [k] = keys as [string];
      const v = o[k];
      switch (k) {
        case 'Ref':
          return this.ref(v as string, stack);
        case 'Fn::GetAtt': {
          const [id, attr] = Array.isArray(v) ? v : String(v).split('.');
          const p = this.physicalOf(stack, id);
          if (!p) throw new Error(`No local resource for ${stack}/${id}`);
          const a = p.attrs[attr];
          if (a === undefined) throw new Error(`No local attribute ${attr} for ${stack}/${id}`);
          return a;
        }
        case 'Fn::Join':
          return (this.resolve(v[1], stack) as unknown[]).map(String).join(v[0]);
        case 'Fn::Select':
          return (this.resolve(v[1], stack) as unknown[])[Number(this.resolve(v[0], stack))];
        case 'Fn::Split':
          return String(this.resolve(v[1], stack)).split(v[0]);
        case 'Fn::ImportValue': {
          const name = this.resolve(v, stack) as string;
          const exp = this.exports.get(name) as { stack: string; value: unknown } | undefined;
          if (!exp) throw new Error(`No export named ${name}`);
          return this.resolve(exp.value, exp.stack);
        }
        case 'Fn::Sub': {
          const [text, vars] = Array.isArray(v) ? v : [v, {}];
          return String(text).replace(/\$\{([^}]+)\}/g, (_, name: string) => {
            if (vars && name in vars) return String(this.resolve(vars[name], stack));
            if (name.includes('.')) return String(this.resolve({ 'Fn::GetAtt': name.split('.') }, stack));
            return String(this.ref(name, stack));
          });
        }
      }
    }
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, this.resolve(v, stack)]));
  }

  private ref(id: string, stack: string): string {
    switch (id) {
      case 'AWS::Region':
        return LOCAL_REGION;
      case 'AWS::AccountId':
        return LOCAL_ACCOUNT;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return stack;
      case 'AWS::NoValue':
        return '';
    }
    const p = this.physicalOf(stack, id);
    if (!p) throw new Error(`No local resource for Ref ${stack}/${id}`);
    return p.ref;
  }
}
