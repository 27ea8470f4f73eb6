import { Duration, Validations, type CfnResource } from 'aws-cdk-lib';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import {
  DefinitionBody,
  JitterType,
  LogLevel,
  QueryLanguage,
  StateMachine,
  StateMachineType,
  Timeout,
  type IChainable,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { StageConfig } from './stage-config';
import type { TesseraFunction } from './tessera-function';

/** Transient Lambda and Step Functions failures worth another attempt. */
export const RETRYABLE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'States.Timeout',
] as const;

export const TASK_TIMEOUT = Duration.seconds(30);

/** The metadata key the local platform reads to know which workflow a state machine is. */
export const WORKFLOW_METADATA_KEY = 'tessera:workflow';

/**
 * A JSONPath Lambda task in Tessera's shape: the function's return value becomes the whole next
 * state (`payloadResponseOnly`, ResultPath `$`), a 30 s task timeout, three attempts with
 * exponential backoff on transient errors, and a Catch of everything to `onError` with the error
 * at `$.error`.
 */
export function lambdaTask(scope: Construct, id: string, fn: TesseraFunction, onError: IChainable, comment?: string): LambdaInvoke {
  const fnTimeout = fn.function.timeout?.toSeconds() ?? 3;
  if (fnTimeout >= TASK_TIMEOUT.toSeconds()) {
    throw new Error(`${fn.handler} times out after ${fnTimeout} s: a workflow function must finish before its ${TASK_TIMEOUT.toSeconds()} s task timeout`);
  }
  const task = LambdaInvoke.jsonPath(scope, id, {
    lambdaFunction: fn.function,
    payloadResponseOnly: true,
    retryOnServiceExceptions: false,
    // ResultPath "$" is the default; it is left out because aws-local-stepfunctions mis-reads an explicit "$".
    taskTimeout: Timeout.duration(TASK_TIMEOUT),
    comment,
  });
  task.addRetry({
    errors: [...RETRYABLE_ERRORS],
    interval: Duration.seconds(2),
    maxAttempts: 3,
    backoffRate: 2,
    jitterStrategy: JitterType.FULL,
  });
  task.addCatch(onError, { errors: ['States.ALL'], resultPath: '$.error' });
  return task;
}

export interface WorkflowStateMachineProps {
  readonly workflow: string;
  readonly definition: IChainable;
  readonly config: StageConfig;
  readonly timeout: Duration;
  readonly comment: string;
}

/** A Standard, JSONPath, traced state machine logging errors to its own log group. */
export function workflowStateMachine(scope: Construct, props: WorkflowStateMachineProps): StateMachine {
  const logGroup = new LogGroup(scope, 'Logs', {
    retention: props.config.logRetention,
    removalPolicy: props.config.removalPolicy,
  });
  const stateMachine = new StateMachine(scope, 'StateMachine', {
    stateMachineType: StateMachineType.STANDARD,
    queryLanguage: QueryLanguage.JSON_PATH,
    definitionBody: DefinitionBody.fromChainable(props.definition),
    timeout: props.timeout,
    comment: props.comment,
    tracingEnabled: true,
    logs: { destination: logGroup, level: LogLevel.ERROR, includeExecutionData: false },
  });
  (stateMachine.node.defaultChild as CfnResource).addMetadata(WORKFLOW_METADATA_KEY, props.workflow);

  Validations.of(stateMachine).acknowledge({
    id: 'AwsSolutions-SF1',
    reason:
      'Logs failures only (level ERROR): Standard workflows keep the full event history of every execution for 90 days, so ALL would pay CloudWatch ingestion to duplicate it.',
  });
  Validations.of(stateMachine.role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'CloudWatch Logs vended-log delivery (logs:CreateLogDelivery, ...) and X-Ray (xray:PutTraceSegments, ...) actions do not support resource-level permissions.',
  });
  return stateMachine;
}

/** LambdaInvoke grants `<function ARN>:*` (its versions and aliases) next to the ARN itself. */
export function acknowledgeInvokeQualifiers(stateMachine: StateMachine, fns: TesseraFunction[]): void {
  for (const fn of fns) {
    const logicalId = fn.function.stack.getLogicalId(fn.function.node.defaultChild as CfnResource);
    Validations.of(stateMachine.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
      reason: `The workflow may invoke ${fn.handler} and its versions and aliases (the ':*' qualifier CDK's LambdaInvoke grants), nothing else.`,
    });
  }
}
