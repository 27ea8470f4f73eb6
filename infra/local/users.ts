import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Group } from '../../shared/api/routes';

/** What a running local platform writes to its data folder, so scripts and tests can find it. */
export interface PlatformInfo {
  apiUrl: string;
  cognitoUrl: string;
  userPoolId: string;
  clientId: string;
  region: string;
}

export const readPlatformInfo = (dataDir: string): PlatformInfo => JSON.parse(readFileSync(join(dataDir, 'platform.json'), 'utf8'));

/**
 * Creates (or reuses) a confirmed user in the local pool, puts it in a group and signs in with
 * USER_PASSWORD_AUTH, returning the access token the API expects. Deployed, users sign up through
 * Cognito and an admin adds them to groups; this is the local shortcut for the same end state.
 */
export async function localUser(info: PlatformInfo, email: string, groups: Group[], password = 'Local-Password-123!') {
  const cognito = new CognitoIdentityProviderClient({ region: info.region, endpoint: info.cognitoUrl, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    try {
      await cognito.send(
        new AdminCreateUserCommand({
          UserPoolId: info.userPoolId,
          Username: email,
          MessageAction: 'SUPPRESS',
          TemporaryPassword: password,
          UserAttributes: [
            { Name: 'email', Value: email },
            { Name: 'email_verified', Value: 'true' },
          ],
        }),
      );
    } catch (e) {
      if ((e as Error).name !== 'UsernameExistsException') throw e;
    }
    await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: info.userPoolId, Username: email, Password: password, Permanent: true }));
    for (const g of groups) await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: info.userPoolId, Username: email, GroupName: g }));
    const auth = await cognito.send(
      new InitiateAuthCommand({ ClientId: info.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD: password } }),
    );
    const accessToken = auth.AuthenticationResult?.AccessToken;
    if (!accessToken) throw new Error(`No token for ${email}: ${JSON.stringify(auth.ChallengeName ?? auth)}`);
    const sub = JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString('utf8')).sub as string;
    return { email, sub, accessToken, idToken: auth.AuthenticationResult?.IdToken };
  } finally {
    cognito.destroy();
  }
}
