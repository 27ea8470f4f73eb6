import { DescribeExecutionCommand, SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalLambdas } from '../../../infra/local/lambda-runtime';
import { LocalStepFunctions, type LocalStepFunctionsOptions } from '../../../infra/local/step-functions';
import type { TemplateResolver } from '../../../infra/local/template';

/**
 * The local runner's task tokens, against its own Step Functions JSON protocol with the real SDK
 * client: a task-token state invokes its function with a fresh token, waits, and takes what
 * SendTaskSuccess brings; SendTaskFailure and the timeout (TimeoutSecondsPath from the state, or
 * a test's override) fail it into its Catch; a late answer is TaskTimedOut.
 */
const FN_ARN = 'arn:aws:lambda:eu-west-1:000000000000:function:open-task';
const SM_ARN = 'arn:aws:states:eu-west-1:000000000000:stateMachine:human';

const definition = {
  StartAt: 'WaitForHuman',
  States: {
    WaitForHuman: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: FN_ARN, Payload: { 'taskToken.$': '$$.Task.Token', 'state.$': '$', kind: 'reviewer' } },
      ResultPath: '$.human',
      TimeoutSecondsPath: '$.policy.waitSeconds',
      Catch: [
        { ErrorEquals: ['States.Timeout'], ResultPath: null, Next: 'TimedOut' },
        { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Failed' },
      ],
      End: true,
    },
    TimedOut: { Type: 'Pass', Result: { outcome: 'timed_out' }, ResultPath: '$.human', End: true },
    Failed: { Type: 'Pass', End: true },
  },
};

let sfn: LocalStepFunctions | undefined;
let invoked: { taskToken: string; state: unknown; kind: string }[] = [];

async function runner(options: LocalStepFunctionsOptions = {}) {
  invoked = [];
  const resolver = {
    resources: () => [{ stack: 's', id: 'Human', resource: { Type: 'AWS::StepFunctions::StateMachine', Properties: { DefinitionString: JSON.stringify(definition) } } }],
    resolve: (v: unknown) => v,
    physicalOf: () => ({ attrs: { Arn: SM_ARN } }),
  } as unknown as TemplateResolver;
  const fn = { handler: 'review/open-review-task' };
  const lambdas = {
    byArn: (arn: string) => (arn === FN_ARN ? fn : undefined),
    invoke: async (_fn: unknown, payload: { taskToken: string; state: unknown; kind: string }) => {
      invoked.push(payload);
      return { stored: true };
    },
  } as unknown as LocalLambdas;
  sfn = new LocalStepFunctions(resolver, lambdas, () => {}, options);
  const client = new SFNClient({ endpoint: await sfn.listen(), region: 'eu-west-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const start = async (name: string, input: unknown) => (await client.send(new StartExecutionCommand({ stateMachineArn: SM_ARN, name, input: JSON.stringify(input) }))).executionArn!;
  const describe = async (executionArn: string) => client.send(new DescribeExecutionCommand({ executionArn }));
  const ended = async (executionArn: string) => {
    for (let i = 0; i < 200; i++) {
      const d = await describe(executionArn);
      if (d.status !== 'RUNNING') return { status: d.status, output: d.output ? JSON.parse(d.output) : undefined };
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('still running');
  };
  const waiting = async () => {
    for (let i = 0; i < 200 && invoked.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    return invoked.at(-1)!;
  };
  return { client, start, describe, ended, waiting };
}

afterEach(async () => {
  await sfn?.close();
});

describe('local task tokens', () => {
  it('invokes the function with a fresh token and the state, waits, and resumes with what SendTaskSuccess brings', async () => {
    const { client, start, describe, ended, waiting } = await runner();
    const arn = await start('ok', { policy: { waitSeconds: 60 }, microtaskId: 'mt_1' });
    const call = await waiting();
    expect(call).toEqual({ taskToken: expect.stringMatching(/^local-/), state: { policy: { waitSeconds: 60 }, microtaskId: 'mt_1' }, kind: 'reviewer' });
    expect((await describe(arn)).status).toBe('RUNNING');
    await client.send(new SendTaskSuccessCommand({ taskToken: call.taskToken, output: JSON.stringify({ verdict: 'ok' }) }));
    expect(await ended(arn)).toEqual({ status: 'SUCCEEDED', output: { policy: { waitSeconds: 60 }, microtaskId: 'mt_1', human: { verdict: 'ok' } } });
    // The token is spent: a second answer is refused as AWS refuses it.
    await expect(client.send(new SendTaskSuccessCommand({ taskToken: call.taskToken, output: '{}' }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
    await expect(client.send(new SendTaskSuccessCommand({ taskToken: 'local-unknown', output: '{}' }))).rejects.toMatchObject({ name: 'TaskDoesNotExist' });
  });

  it('fails the state into its Catch with the error SendTaskFailure names', async () => {
    const { client, start, ended, waiting } = await runner();
    const arn = await start('fail', { policy: { waitSeconds: 60 } });
    const call = await waiting();
    await client.send(new SendTaskFailureCommand({ taskToken: call.taskToken, error: 'Refused', cause: 'no' }));
    expect(await ended(arn)).toEqual({ status: 'SUCCEEDED', output: { policy: { waitSeconds: 60 }, error: { Error: 'Refused', Cause: 'no' } } });
  });

  it('times out after the TimeoutSecondsPath read from the state, into the timeout path, and a late answer is TaskTimedOut', async () => {
    const { client, start, ended, waiting } = await runner();
    const arn = await start('slow', { policy: { waitSeconds: 1 } });
    const call = await waiting();
    expect(await ended(arn)).toEqual({ status: 'SUCCEEDED', output: { policy: { waitSeconds: 1 }, human: { outcome: 'timed_out' } } });
    await expect(client.send(new SendTaskSuccessCommand({ taskToken: call.taskToken, output: '{}' }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
  });

  it('waits only as long as a test override says', async () => {
    const { start, ended, waiting } = await runner({ taskTimeoutOverrides: { WaitForHuman: 50 } });
    const began = Date.now();
    const arn = await start('short', { policy: { waitSeconds: 3600 } });
    await waiting();
    expect((await ended(arn)).output.human).toEqual({ outcome: 'timed_out' });
    expect(Date.now() - began).toBeLessThan(3_000);
  });
});
