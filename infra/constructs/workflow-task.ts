import { Duration, Validations, type CfnResource } from 'aws-cdk-lib';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import {
  DefinitionBody,
  IntegrationPattern,
  JitterType,
  JsonPath,
  TaskInput,
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

/** The error a task-token state raises when nobody answered within its timeout. */
export const HUMAN_TIMEOUT_ERROR = 'States.Timeout';

export interface HumanWaitProps {
  /** Where the timeout comes from in the state (the policy), so one definition serves every policy. */
  readonly timeoutPath: string;
  /** Where SendTaskSuccess's output lands in the state. */
  readonly resultPath: string;
  /** Static fields handed to the function beside the token and the state. */
  readonly extra?: Record<string, unknown>;
  readonly onTimeout: IChainable;
  readonly onError: IChainable;
  readonly comment: string;
}

/**
 * A JSONPath task that waits for a human (`lambda:invoke.waitForTaskToken`): the function gets
 * `{ taskToken, state, ...extra }`, stores the token where the human's route finds it and returns;
 * the execution then waits until SendTaskSuccess (its output at `resultPath`) or SendTaskFailure.
 * Its TimeoutSecondsPath leads into `onTimeout` with the state unchanged; any other error to
 * `onError` with the error at `$.error`. Only the invocation's transient errors are retried: a
 * timeout is an answer (nobody came), not a fault.
 */
export function humanWaitTask(scope: Construct, id: string, fn: TesseraFunction, props: HumanWaitProps): LambdaInvoke {
  const task = LambdaInvoke.jsonPath(scope, id, {
    lambdaFunction: fn.function,
    integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    payload: TaskInput.fromObject({ taskToken: JsonPath.taskToken, state: JsonPath.entirePayload, ...props.extra }),
    resultPath: props.resultPath,
    retryOnServiceExceptions: false,
    taskTimeout: Timeout.at(props.timeoutPath),
    comment: props.comment,
  });
  task.addRetry({
    errors: RETRYABLE_ERRORS.filter((e) => e !== HUMAN_TIMEOUT_ERROR),
    interval: Duration.seconds(2),
    maxAttempts: 3,
    backoffRate: 2,
    jitterStrategy: JitterType.FULL,
  });
  task.addCatch(props.onTimeout, { errors: [HUMAN_TIMEOUT_ERROR], resultPath: JsonPath.DISCARD });
  task.addCatch(props.onError, { errors: ['States.ALL'], resultPath: '$.error' });
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
