import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StateMachine } from 'aws-local-stepfunctions';
import type { LocalLambdas } from './lambda-runtime';
import type { TemplateResolver } from './template';

interface Execution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  startDate: number;
  stopDate?: number;
  done: Promise<void>;
  abort?: () => void;
}

/** A task-token state's wait: resolved by SendTaskSuccess, rejected by SendTaskFailure or its timeout. */
interface PendingToken {
  stateName: string;
  resolve: (output: unknown) => void;
  reject: (e: Error) => void;
}

export interface LocalStepFunctionsOptions {
  /**
   * Milliseconds a task-token state waits, by state name, instead of its TimeoutSeconds(Path):
   * tests shorten a human wait (a client's window, a reviewer's) as waitTimeOverrides shorten a Wait.
   */
  taskTimeoutOverrides?: Record<string, number>;
}

/** The context's `$$.Task.Token`: replaced in the task's input by a fresh token per invocation. */
const TOKEN_PLACEHOLDER = '__tessera_local_task_token__';
/** Node timers overflow past 2^31-1 ms (~24.8 days): longer waits are cut to that locally. */
const MAX_LOCAL_WAIT_MS = 2 ** 31 - 1;

const isTaskTokenState = (s: Record<string, any>) => s.Type === 'Task' && String(s.Resource).endsWith('.waitForTaskToken');

/** `$.a.b.c` against a value: the only JSONPath form a TimeoutSecondsPath here uses. */
function dottedPath(path: string, value: unknown): unknown {
  if (!path.startsWith('$.')) throw new Error(`Only $.a.b paths are supported locally for TimeoutSecondsPath, not ${path}`);
  return path
    .slice(2)
    .split('.')
    .reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), value);
}

function replaceDeep(value: unknown, from: string, to: string): unknown {
  if (value === from) return to;
  if (Array.isArray(value)) return value.map((v) => replaceDeep(v, from, to));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceDeep(v, from, to)]));
  return value;
}

const statesError = (name: string, message: string) => Object.assign(new Error(message), { name });

export interface LocalWorkflow {
  arn: string;
  /** The `tessera:workflow` metadata: review, payout. */
  kind: string;
  definition: Record<string, any>;
  machine: StateMachine;
  handlers: Record<string, (input: any) => Promise<any>>;
}

/** Task states name their function by ARN (payloadResponseOnly) or in Parameters.FunctionName (lambda:invoke). */
function taskStates(states: Record<string, any>, out: [string, string][] = []): [string, string][] {
  for (const [name, s] of Object.entries(states)) {
    if (s.Type === 'Task') out.push([name, String(s.Resource).includes(':states:::lambda:invoke') ? s.Parameters?.FunctionName : s.Resource]);
    const inner = s.ItemProcessor?.States ?? s.Iterator?.States;
    if (inner) taskStates(inner, out);
    for (const b of s.Branches ?? []) taskStates(b.States, out);
  }
  return out;
}

/**
 * The synthesized state machines, run by aws-local-stepfunctions behind a small server that speaks
 * the Step Functions JSON protocol (StartExecution, DescribeExecution, ListExecutions,
 * SendTaskSuccess, SendTaskFailure), so the adapters use the real SDK client against it, as they
 * would against AWS. Task-token states (`.waitForTaskToken`), which that library does not run, are
 * answered here: a token per invocation, a wait, and the state's timeout.
 */
export class LocalStepFunctions {
  readonly workflows: LocalWorkflow[];
  private readonly executions = new Map<string, Execution>();
  private server?: Server;
  url = '';

  private readonly pendingTokens = new Map<string, PendingToken>();
  /** Tokens whose wait ended without an answer: a late answer is told TaskTimedOut, as AWS tells it. */
  private readonly deadTokens = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    resolver: TemplateResolver,
    private readonly lambdas: LocalLambdas,
    private readonly log: (line: string) => void = () => {},
    private readonly options: LocalStepFunctionsOptions = {},
  ) {
    this.workflows = resolver.resources('AWS::StepFunctions::StateMachine').map(({ stack, id, resource }) => {
      const raw = resolver.resolve(resource.Properties?.DefinitionString, stack);
      const definition = typeof raw === 'string' ? JSON.parse(raw) : raw;
      // aws-local-stepfunctions knows no task tokens: it runs a copy whose task-token states this
      // class answers (token, wait, timeout), and whose timeouts fit a Node timer.
      const runnable = structuredClone(definition);
      if (runnable.TimeoutSeconds) runnable.TimeoutSeconds = Math.min(runnable.TimeoutSeconds, Math.floor(MAX_LOCAL_WAIT_MS / 1000));
      const handlers: LocalWorkflow['handlers'] = {};
      for (const [stateName, fnArn] of taskStates(definition.States)) {
        const fn = lambdas.byArn(fnArn);
        if (!fn) throw new Error(`State ${stateName} calls ${fnArn}, which is no local function`);
        const invoke = (input: unknown) =>
          (lambdas.invoke(fn, input) as Promise<any>).catch((e: Error) => {
            this.log(`[stepfunctions] task ${stateName} (${fn.handler}) threw ${e.name}: ${e.message}; input keys: ${Object.keys(input ?? {}).join(",")}`);
            throw e;
          });
        const state = runnable.States[stateName];
        if (state && isTaskTokenState(state)) {
          const timeout = { seconds: state.TimeoutSeconds as number | undefined, path: state.TimeoutSecondsPath as string | undefined };
          delete state.TimeoutSecondsPath;
          state.TimeoutSeconds = Math.floor(MAX_LOCAL_WAIT_MS / 1000);
          handlers[stateName] = (input) => this.waitForTaskToken(stateName, input, timeout, invoke);
        } else {
          handlers[stateName] = invoke;
        }
      }
      return {
        arn: resolver.physicalOf(stack, id)!.attrs.Arn!,
        kind: String(resource.Metadata?.['tessera:workflow'] ?? id),
        definition,
        machine: new StateMachine(runnable, { validationOptions: { checkArn: false, checkPaths: false } }),
        handlers,
      };
    });
  }

  /**
   * A `lambda:invoke.waitForTaskToken` state: a fresh token replaces the context's placeholder in
   * the Payload, the function is invoked with that Payload, and the state's result is what
   * SendTaskSuccess brings (or the error SendTaskFailure names). No answer within the timeout (the
   * override, else TimeoutSeconds, else TimeoutSecondsPath read from the Payload's `state`, the
   * whole state the definition hands over) fails the state with States.Timeout, which its Catch routes.
   */
  private async waitForTaskToken(stateName: string, input: any, timeout: { seconds?: number; path?: string }, invoke: (payload: unknown) => Promise<unknown>): Promise<unknown> {
    const taskToken = `local-${randomUUID()}`;
    const payload = replaceDeep(input?.Payload, TOKEN_PLACEHOLDER, taskToken) as { state?: unknown };
    const seconds = timeout.seconds ?? (timeout.path ? Number(dottedPath(timeout.path, payload?.state)) : NaN);
    const ms = this.options.taskTimeoutOverrides?.[stateName] ?? seconds * 1000;
    if (!Number.isFinite(ms) || ms <= 0) throw statesError('States.Runtime', `${stateName}: no timeout at ${timeout.path ?? 'TimeoutSeconds'} (a task-token state passes the whole state as Payload.state)`);
    const answered = new Promise<unknown>((resolve, reject) => this.pendingTokens.set(taskToken, { stateName, resolve, reject }));
    try {
      await invoke(payload);
    } catch (e) {
      this.pendingTokens.delete(taskToken);
      throw e;
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.pendingTokens.delete(taskToken);
        this.deadTokens.add(taskToken);
        this.log(`[stepfunctions] ${stateName}: no answer within ${ms} ms`);
        reject(statesError('States.Timeout', `${stateName} timed out waiting for its task token`));
      }, Math.min(ms, MAX_LOCAL_WAIT_MS));
      this.timers.add(timer);
    });
    try {
      return await Promise.race([answered, timedOut]);
    } finally {
      clearTimeout(timer);
      this.timers.delete(timer!);
    }
  }

  /** SendTaskSuccess / SendTaskFailure: answers a waiting token once. */
  private answerToken(taskToken: string, answer: { output: unknown } | { error: string; cause: string }): [number, unknown] {
    const pending = this.pendingTokens.get(taskToken);
    if (!pending) {
      if (this.deadTokens.has(taskToken)) return [400, { __type: 'TaskTimedOut', message: 'The task timed out before it was answered' }];
      return [400, { __type: 'TaskDoesNotExist', message: 'No task is waiting on this token' }];
    }
    this.pendingTokens.delete(taskToken);
    this.deadTokens.add(taskToken);
    if ('output' in answer) pending.resolve(answer.output);
    else pending.reject(statesError(answer.error, answer.cause));
    return [200, {}];
  }

  async listen(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(
        ([status, body]) => {
          res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
          res.end(JSON.stringify(body));
        },
        (e: Error) => {
          res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
          res.end(JSON.stringify({ __type: 'InternalError', message: e.message }));
        },
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
    return this.url;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    // Executions waiting on a human end with the platform (as they would not on AWS; locally nothing persists them).
    for (const t of this.timers) clearTimeout(t);
    for (const e of this.executions.values()) if (e.status === 'RUNNING') e.abort?.();
  }

  /** Resolves when every execution started so far has ended (for an orderly shutdown and for tests). */
  async idle(): Promise<void> {
    await Promise.all([...this.executions.values()].map((e) => e.done));
  }

  start(stateMachineArn: string, name: string, input: string): Execution {
    const wf = this.workflows.find((w) => w.arn === stateMachineArn);
    if (!wf) throw Object.assign(new Error(`State machine ${stateMachineArn} does not exist`), { type: 'StateMachineDoesNotExist' });
    const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    if (this.executions.has(executionArn)) throw Object.assign(new Error(`Execution ${name} already exists`), { type: 'ExecutionAlreadyExists' });
    const exec: Execution = { executionArn, stateMachineArn, name, status: 'RUNNING', input, startDate: Date.now(), done: Promise.resolve() };
    const run = wf.machine.run(JSON.parse(input), {
      overrides: { taskResourceLocalHandlers: wf.handlers, retryIntervalOverrides: Object.fromEntries(Object.keys(wf.handlers).map((s) => [s, 200])) },
      context: { Execution: { Id: executionArn, Name: name, Input: JSON.parse(input), StartTime: new Date().toISOString() }, Task: { Token: TOKEN_PLACEHOLDER } },
    });
    exec.abort = run.abort;
    exec.done = run.result.then(
      (output) => {
        Object.assign(exec, { status: 'SUCCEEDED', output: JSON.stringify(output), stopDate: Date.now() });
      },
      (e: Error & { cause?: unknown }) => {
        Object.assign(exec, { status: 'FAILED', error: e.name, cause: String(e.cause ?? e.message), stopDate: Date.now() });
        this.log(`[stepfunctions] ${wf.kind} execution ${name} failed: ${e.name}: ${e.message}`);
      },
    );
    this.executions.set(executionArn, exec);
    return exec;
  }

  private async handle(req: IncomingMessage): Promise<[number, unknown]> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.method === 'GET') return [200, { status: 'ok', stateMachines: this.workflows.map((w) => w.arn) }];
    const action = String(req.headers['x-amz-target'] ?? '').split('.').pop();
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    const view = (e: Execution) => ({
      executionArn: e.executionArn,
      stateMachineArn: e.stateMachineArn,
      name: e.name,
      status: e.status,
      input: e.input,
      output: e.output,
      error: e.error,
      cause: e.cause,
      startDate: e.startDate / 1000,
      stopDate: e.stopDate ? e.stopDate / 1000 : undefined,
    });
    try {
      switch (action) {
        case 'StartExecution': {
          const e = this.start(body.stateMachineArn, body.name ?? crypto.randomUUID(), body.input ?? '{}');
          return [200, { executionArn: e.executionArn, startDate: e.startDate / 1000 }];
        }
        case 'DescribeExecution': {
          const e = this.executions.get(body.executionArn);
          if (!e) return [400, { __type: 'ExecutionDoesNotExist', message: `Execution ${body.executionArn} does not exist` }];
          return [200, view(e)];
        }
        case 'SendTaskSuccess':
          return this.answerToken(String(body.taskToken), { output: JSON.parse(body.output ?? '{}') });
        case 'SendTaskFailure':
          return this.answerToken(String(body.taskToken), { error: body.error ?? 'States.TaskFailed', cause: body.cause ?? '' });
        case 'ListExecutions': {
          const list = [...this.executions.values()].filter((e) => e.stateMachineArn === body.stateMachineArn && (!body.statusFilter || e.status === body.statusFilter));
          return [200, { executions: list.map(view) }];
        }
        default:
          return [400, { __type: 'UnknownOperationException', message: `${action} is not emulated locally` }];
      }
    } catch (e) {
      const err = e as Error & { type?: string };
      return [400, { __type: err.type ?? 'InvalidParameter', message: err.message }];
    }
  }
}
