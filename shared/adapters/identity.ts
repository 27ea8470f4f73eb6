import { AdminDeleteUserCommand, CognitoIdentityProviderClient, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';

/** The user directory, as the use cases need it: deleting a user who asked for erasure. */
export interface IdentityDirectory {
  /** Deletes the user with this id (Cognito `sub`); false when there was none. */
  deleteUser(userId: string): Promise<boolean>;
}

/**
 * Cognito. Users sign in with their email, so the username is looked up from the `sub` first
 * (ListUsers with a filter on one exact value), then deleted.
 */
export class CognitoDirectory implements IdentityDirectory {
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
}
