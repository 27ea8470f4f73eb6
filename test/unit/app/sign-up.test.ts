import type { PostConfirmationTriggerEvent } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { userConfirmedUseCase } from '../../../shared/app/sign-up';
import { groupsOnConfirmation } from '../../../shared/domain/access/sign-up';
import type { Group } from '../../../shared/api/routes';

/** A directory that records the groups it was asked to add users to. */
function directory() {
  const added: [string, Group][] = [];
  return { added, addToGroup: async (username: string, group: Group) => void added.push([username, group]) };
}

describe('groups on confirmation', () => {
  it('makes a confirmed sign-up a worker, and nothing more', () => {
    expect(groupsOnConfirmation('sign-up')).toEqual(['workers']);
  });

  it('changes no group on a password reset', () => {
    expect(groupsOnConfirmation('password-reset')).toEqual([]);
  });
});

describe('userConfirmedUseCase', () => {
  it('adds a confirmed sign-up to the workers group', async () => {
    const d = directory();
    expect(await userConfirmedUseCase(d, 'u-1', 'sign-up')).toEqual({ groups: ['workers'] });
    expect(d.added).toEqual([['u-1', 'workers']]);
  });

  it('adds no group when an existing user resets their password', async () => {
    const d = directory();
    expect(await userConfirmedUseCase(d, 'u-1', 'password-reset')).toEqual({ groups: [] });
    expect(d.added).toEqual([]);
  });

  it('fails when the directory does, so Cognito reports the confirmation as failed', async () => {
    await expect(userConfirmedUseCase({ addToGroup: async () => Promise.reject(new Error('throttled')) }, 'u-1', 'sign-up')).rejects.toThrow('throttled');
  });
});

describe('post-confirmation handler', () => {
  it("reads the kind of confirmation from Cognito's trigger source and returns the event", async () => {
    const send = vi.fn(async (_command: unknown) => ({}));
    vi.doMock('../../../shared/adapters/aws-clients', () => ({ clients: { cognito: () => ({ send }) } }));
    const { handler } = await import('../../../functions/auth/post-confirmation');
    const event = (triggerSource: string) => ({ triggerSource, userPoolId: 'eu-west-1_pool', userName: 'u-1', request: { userAttributes: {} }, response: {} }) as unknown as PostConfirmationTriggerEvent;
    const signUp = event('PostConfirmation_ConfirmSignUp');
    expect(await handler(signUp)).toBe(signUp);
    expect(send.mock.calls.map(([c]) => (c as { input: unknown }).input)).toEqual([{ UserPoolId: 'eu-west-1_pool', Username: 'u-1', GroupName: 'workers' }]);
    await handler(event('PostConfirmation_ConfirmForgotPassword'));
    expect(send).toHaveBeenCalledTimes(1);
    vi.doUnmock('../../../shared/adapters/aws-clients');
  });
});
