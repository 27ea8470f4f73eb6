import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { ExecutionAlreadyExists, SendTaskFailureCommand, SendTaskSuccessCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';

/** Announces a submission to the review pipeline. */
export class SubmissionQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async announce(msg: { microtaskId: string; assignmentId: string }): Promise<void> {
    await this.client.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(msg) }));
  }
}

/** The queue of a bulk job kind: each message asks a runner to go on with one job from its checkpoint. */
export class JobQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async continueJob(jobId: string): Promise<void> {
    await this.client.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify({ jobId }) }));
  }
}

/** Starts a state machine execution whose name makes it idempotent: a second start with the same name is a no-op. */
export class Workflow {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(name: string, input: unknown): Promise<{ started: boolean }> {
    try {
      await this.client.send(new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name, input: JSON.stringify(input) }));
      return { started: true };
    } catch (e) {
      if (e instanceof ExecutionAlreadyExists || (e as Error).name === 'ExecutionAlreadyExists') return { started: false };
      throw e;
    }
  }
}

/**
 * Resumes a workflow waiting on a task token (a human stage of the review). False when the token
 * is no longer waited on (the stage timed out, or it was already answered): the caller's decision
 * came too late and must not be recorded as applied.
 */
export class TaskTokens {
  constructor(private readonly client: SFNClient) {}

  async succeed(taskToken: string, output: unknown): Promise<boolean> {
    return this.send(() => this.client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) })));
  }

  async fail(taskToken: string, error: string, cause: string): Promise<boolean> {
    return this.send(() => this.client.send(new SendTaskFailureCommand({ taskToken, error, cause })));
  }

  private async send(call: () => Promise<unknown>): Promise<boolean> {
    try {
      await call();
      return true;
    } catch (e) {
      if (['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken'].includes((e as Error).name)) return false;
      throw e;
    }
  }
}
