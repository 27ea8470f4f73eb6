import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTessera, type Tessera } from '../../infra/app';
import { nagFindings } from '../support/nag';
import { stageConfig } from '../../infra/constructs/stage-config';
import { SIGN_UP_TRIGGER } from '../../infra/stacks/stateful-stack';

/** The prod stage: what must survive a mistaken delete, and cdk-nag over its stacks. Bundling is skipped. */
const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> };

let stacks: Tessera;
let stateful: Template;
let stateless: Template;
let codeTemplates: Template[];

beforeAll(() => {
  const app = new App({
    context: { ...cdkJson.context, stage: 'prod', allowedOrigins: 'https://app.tessera.test,https://admin.tessera.test', 'aws:cdk:bundling-stacks': [] },
  });
  stacks = createTessera(app);
  app.synth();
  stateful = Template.fromStack(stacks.stateful);
  stateless = Template.fromStack(stacks.stateless);
  codeTemplates = [stacks.stateless, stacks.workflows, ...Object.values(stacks.routes)].map((s) => Template.fromStack(s));
});

describe('prod stage', () => {
  it('names the stacks Tessera-prod-*', () => {
    expect(stacks.stateful.stackName).toBe('Tessera-prod-Stateful');
    expect(stacks.stateless.stackName).toBe('Tessera-prod-Stateless');
    expect(stacks.stateful.terminationProtection).toBe(true);
  });

  it('retains and deletion-protects both tables', () => {
    const tables = Object.values(stateful.findResources('AWS::DynamoDB::Table'));
    expect(tables).toHaveLength(2);
    for (const t of tables) {
      expect(t.DeletionPolicy).toBe('Retain');
      expect(t.UpdateReplacePolicy).toBe('Retain');
      expect(t.Properties.DeletionProtectionEnabled).toBe(true);
    }
  });

  it('retains and deletion-protects the user pool, with threat protection on', () => {
    stateful.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        DeletionProtection: 'ACTIVE',
        UserPoolTier: 'PLUS',
        UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      }),
    });
  });

  it('retains the buckets and never auto-deletes their objects', () => {
    for (const b of Object.values(stateful.findResources('AWS::S3::Bucket'))) expect(b.DeletionPolicy).toBe('Retain');
    expect(Object.keys(stateful.findResources('Custom::S3AutoDeleteObjects'))).toEqual([]);
    // No auto-delete provider: the only function is the user pool's sign-up trigger.
    expect(Object.values(stateful.findResources('AWS::Lambda::Function')).map((f) => f.Metadata?.['tessera:handler'])).toEqual([SIGN_UP_TRIGGER]);
  });

  it('allows only the configured origins', () => {
    const origins = ['https://app.tessera.test', 'https://admin.tessera.test'];
    stateful.hasResourceProperties('AWS::S3::Bucket', { CorsConfiguration: { CorsRules: [Match.objectLike({ AllowedOrigins: origins })] } });
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.objectLike({ AllowOrigins: origins }) });
  });

  it('keeps logs for a year and throttles at the prod rate', () => {
    for (const t of codeTemplates) {
      for (const [id, lg] of Object.entries(t.findResources('AWS::Logs::LogGroup'))) expect(lg.Properties.RetentionInDays, id).toBe(365);
    }
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Stage', { DefaultRouteSettings: { ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 } });
  });

  it('holds approved rewards for 72 hours before they can be paid out', () => {
    const fns = codeTemplates.flatMap((t) => Object.values(t.findResources('AWS::Lambda::Function'))).filter((f) => f.Metadata?.['tessera:handler']);
    expect(fns.length).toBeGreaterThan(0);
    for (const f of fns) expect(f.Properties.Environment.Variables.HOLD_PERIOD_HOURS).toBe('72');
  });
});

describe('stage config', () => {
  it('defaults to dev and rejects an unknown stage', () => {
    expect(stageConfig({}).stage).toBe('dev');
    expect(() => stageConfig({ stage: 'staging' })).toThrow(/Unknown stage/);
  });

  it('reads allowedOrigins (a list or a JSON array) and payoutSchedule from context', () => {
    expect(stageConfig({ stage: 'prod', allowedOrigins: '["https://a.test"]' }).allowedOrigins).toEqual(['https://a.test']);
    expect(stageConfig({ stage: 'prod', allowedOrigins: 'https://a.test, https://b.test' }).allowedOrigins).toEqual(['https://a.test', 'https://b.test']);
    expect(stageConfig({ stage: 'prod' }).allowedOriginsConfigured).toBe(false);
    // The payout run is weekly by default; -c payoutSchedule=daily (or cron fields) changes it.
    expect(stageConfig({}).payoutSchedule).toEqual({ minute: '0', hour: '6', weekDay: 'MON' });
    expect(stageConfig({ payoutSchedule: 'daily' }).payoutSchedule).toEqual({ minute: '0', hour: '6' });
    expect(stageConfig({ payoutSchedule: '{"minute":"30","hour":"4","weekDay":"MON,THU"}' }).payoutSchedule).toEqual({ minute: '30', hour: '4', weekDay: 'MON,THU' });
    expect(() => stageConfig({ payoutSchedule: '{"second":"1"}' })).toThrow(/payoutSchedule/);
  });
});

describe('cdk-nag AwsSolutions (prod)', () => {

  it('has no unacknowledged error or warning in any stack', () => {
    expect(nagFindings(stacks.stateful)).toEqual([]);
    expect(nagFindings(stacks.workflows)).toEqual([]);
    expect(nagFindings(stacks.stateless)).toEqual([]);
    for (const s of Object.values(stacks.routes)) expect(nagFindings(s), s.stackName).toEqual([]);
  });

  it('leaves no AwsSolutions annotation on any stack', () => {
    for (const stack of [stacks.stateful, stacks.workflows, stacks.stateless, ...Object.values(stacks.routes)]) {
      expect(Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
      expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
    }
  });
});
