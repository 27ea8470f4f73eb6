import { groupsOnConfirmation, type Confirmation } from '../domain/access/sign-up';
import type { GroupDirectory } from '../adapters/identity';

/**
 * A user was confirmed (Cognito's post-confirmation trigger): put them in the groups their kind of
 * confirmation gives, so a new sign-up can call the worker routes at once. Adding a user to a group
 * they are already in succeeds, so a retried trigger is harmless.
 */
export async function userConfirmedUseCase(directory: GroupDirectory, username: string, confirmation: Confirmation) {
  const groups = groupsOnConfirmation(confirmation);
  for (const group of groups) await directory.addToGroup(username, group);
  return { groups };
}
