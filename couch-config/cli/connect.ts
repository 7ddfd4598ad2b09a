/**
 * Where the CLI connects: COUCH_URL with COUCH_ADMIN_USER / COUCH_ADMIN_PASSWORD, or by default the embedded
 * server on 127.0.0.1:COUCH_PORT (5984) with the admin credentials it generated into .outpost/secrets.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createAdminClient, type AdminClient } from '../admin-client';
import { SECRETS_FILE } from '../server/secrets';

export interface Connection {
  client: AdminClient;
  /** True when talking to the embedded dev server (defaults), false for COUCH_URL. */
  embedded: boolean;
}

export class ConnectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectionError';
  }
}

export function connectionFromEnv(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Connection {
  const url = env.COUCH_URL;
  if (url) {
    const parsed = new URL(url);
    const user = env.COUCH_ADMIN_USER || decodeURIComponent(parsed.username);
    const password = env.COUCH_ADMIN_PASSWORD || decodeURIComponent(parsed.password);
    if (!user || !password) throw new ConnectionError('COUCH_URL is set: also set COUCH_ADMIN_USER and COUCH_ADMIN_PASSWORD (an admin of that CouchDB).');
    parsed.username = '';
    parsed.password = '';
    return { client: createAdminClient(parsed.toString().replace(/\/$/, ''), { user, password }), embedded: false };
  }
  const dataDir = path.resolve(cwd, env.OUTPOST_DATA_DIR ?? '.outpost');
  const secretsFile = path.join(dataDir, SECRETS_FILE);
  let user = env.COUCH_ADMIN_USER;
  let password = env.COUCH_ADMIN_PASSWORD;
  if (!user || !password) {
    if (!existsSync(secretsFile)) {
      throw new ConnectionError(`No COUCH_URL and no embedded server secrets in ${secretsFile}. Start the embedded server (npm start or npm run server), or set COUCH_URL and admin credentials.`);
    }
    const secrets = JSON.parse(readFileSync(secretsFile, 'utf8')) as { adminUser: string; adminPassword: string };
    user = secrets.adminUser;
    password = secrets.adminPassword;
  }
  const port = env.COUCH_PORT || '5984';
  return { client: createAdminClient(`http://127.0.0.1:${port}`, { user, password }), embedded: true };
}
