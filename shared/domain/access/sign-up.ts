import type { Group } from '../../api/routes';

/** Why Cognito confirmed a user: a new self sign-up, or a password reset of an existing user. */
export type Confirmation = 'sign-up' | 'password-reset';

/**
 * The groups a confirmed user is put in. Anyone who signs up themselves is a worker: clients and
 * reviewers are set up by an admin (a client's organisation is an attribute users cannot write,
 * ADR 0005), and admins are never self-appointed. A password reset changes no group.
 */
export function groupsOnConfirmation(confirmation: Confirmation): Group[] {
  return confirmation === 'sign-up' ? ['workers'] : [];
}
