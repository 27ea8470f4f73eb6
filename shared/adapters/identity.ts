import { AdminAddUserToGroupCommand, AdminDeleteUserCommand, CognitoIdentityProviderClient, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { Group } from '../api/routes';

/** The user directory, as the use cases need it: deleting a user who asked for erasure. */
export interface IdentityDirectory {
  /** Deletes the user with this id (Cognito `sub`); false when there was none. */
  deleteUser(userId: string): Promise<boolean>;
}

/** The user directory's groups, as the sign-up trigger needs them. */
export interface GroupDirectory {
  /** Puts the user with this username in a group; a no-op when they are in it already. */
  addToGroup(username: string, group: Group): Promise<void>;
}

/**
 * Cognito. Users sign in with their email, so the username is looked up from the `sub` first
 * (ListUsers with a filter on one exact value), then deleted.
 */
export class CognitoDirectory implements IdentityDirectory, GroupDirectory {
  constructor(
    private readonly client: CognitoIdentityProviderClient,
    private readonly userPoolId: string,
  ) {}

  async deleteUser(userId: string): Promise<boolean> {
    if (!/^[\w-]+$/.test(userId)) return false; // never interpolate anything else into the filter
    const found = await this.client.send(new ListUsersCommand({ UserPoolId: this.userPoolId, Filter: `sub = "${userId}"`, Limit: 1 }));
    const username = found.Users?.[0]?.Username;
    if (!username) return false;
    try {
      await this.client.send(new AdminDeleteUserCommand({ UserPoolId: this.userPoolId, Username: username }));
      return true;
    } catch (e) {
      if ((e as Error).name === 'UserNotFoundException') return false;
      throw e;
    }
  }

  async addToGroup(username: string, group: Group): Promise<void> {
    await this.client.send(new AdminAddUserToGroupCommand({ UserPoolId: this.userPoolId, Username: username, GroupName: group }));
  }
}
