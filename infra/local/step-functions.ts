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
}

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
 * the Step Functions JSON protocol (StartExecution, DescribeExecution, ListExecutions), so the
 * adapters use the real SDK client against it, as they would against AWS.
 */
export class LocalStepFunctions {
  readonly workflows: LocalWorkflow[];
  private readonly executions = new Map<string, Execution>();
  private server?: Server;
  url = '';

  constructor(resolver: TemplateResolver, private readonly lambdas: LocalLambdas, private readonly log: (line: string) => void = () => {}) {
    this.workflows = resolver.resources('AWS::StepFunctions::StateMachine').map(({ stack, id, resource }) => {
      const raw = resolver.resolve(resource.Properties?.DefinitionString, stack);
      const definition = typeof raw === 'string' ? JSON.parse(raw) : raw;
      const handlers: LocalWorkflow['handlers'] = {};
      for (const [stateName, fnArn] of taskStates(definition.States)) {
        const fn = lambdas.byArn(fnArn);
        if (!fn) throw new Error(`State ${stateName} calls ${fnArn}, which is no local function`);
        handlers[stateName] = (input) =>
          (lambdas.invoke(fn, input) as Promise<any>).catch((e: Error) => {
            this.log(`[stepfunctions] task ${stateName} (${fn.handler}) threw ${e.name}: ${e.message}; input keys: ${Object.keys(input ?? {}).join(",")}`);
            throw e;
          });
      }
      return {
        arn: resolver.physicalOf(stack, id)!.attrs.Arn!,
        kind: String(resource.Metadata?.['tessera:workflow'] ?? id),
        definition,
        machine: new StateMachine(definition, { validationOptions: { checkArn: false, checkPaths: false } }),
        handlers,
      };
    });
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
      context: { Execution: { Id: executionArn, Name: name, Input: JSON.parse(input), StartTime: new Date().toISOString() } },
    });
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
