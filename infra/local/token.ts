import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { GROUPS, type Group } from '../../shared/api/routes';
import { localUser, readPlatformInfo } from './users';

/** `npm run token -- --email ana@example.com --group workers`: prints an access token for the local platform. */
const { values } = parseArgs({ options: { email: { type: 'string' }, group: { type: 'string', multiple: true }, password: { type: 'string' } } });
if (!values.email || !values.group?.length) {
  console.error(`usage: npm run token -- --email you@example.com --group <${GROUPS.join('|')}> [--group …]`);
  process.exit(2);
}
const bad = values.group.filter((g) => !(GROUPS as readonly string[]).includes(g));
if (bad.length) {
  console.error(`unknown group(s): ${bad.join(', ')}; groups are ${GROUPS.join(', ')}`);
  process.exit(2);
}
const info = readPlatformInfo(resolve(process.env.TESSERA_DATA_DIR ?? '.tessera'));
const user = await localUser(info, values.email, values.group as Group[], values.password);
console.log(user.accessToken);
