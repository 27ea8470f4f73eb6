import type { Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

/**
 * cdk-nag v3 is a policy-validation plugin: findings come back from validateScope (and fail
 * `cdk synth`) instead of being added as annotations. One line per finding, for readable diffs.
 */
export const nagFindings = (stack: Stack): string[] =>
  new AwsSolutionsChecks()
    .validateScope(stack)
    .violations.flatMap((v) => v.violatingResources.map((r) => `${v.severity} ${v.ruleName} at ${r.constructPath}`));
