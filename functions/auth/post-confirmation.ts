import type { PostConfirmationTriggerEvent } from 'aws-lambda';
import { clients } from '../../shared/adapters/aws-clients';
import { CognitoDirectory } from '../../shared/adapters/identity';
import { userConfirmedUseCase } from '../../shared/app/sign-up';
import { logger } from '../../shared/http/observability';

/**
 * Cognito's post-confirmation trigger on the user pool: a confirmed sign-up joins the groups the
 * domain gives it (shared/domain/access/sign-up.ts). The pool is the event's own, so the function
 * needs no pool id in its environment (which would make the pool and its trigger depend on each other).
 * Cognito expects the event back; an error here fails the confirmation, and the user can retry it.
 */
export const handler = async (event: PostConfirmationTriggerEvent): Promise<PostConfirmationTriggerEvent> => {
  const confirmation = event.triggerSource === 'PostConfirmation_ConfirmSignUp' ? 'sign-up' : 'password-reset';
  const { groups } = await userConfirmedUseCase(new CognitoDirectory(clients.cognito(), event.userPoolId), event.userName, confirmation);
  logger.info('user confirmed', { confirmation, groups });
  return event;
};
