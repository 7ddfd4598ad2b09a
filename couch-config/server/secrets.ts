/**
 * The embedded server's secrets: admin credentials and the cookie secret.
 *
 * Admin credentials come from COUCH_ADMIN_USER / COUCH_ADMIN_PASSWORD when set. Otherwise they are generated
 * once into `<dataDir>/secrets.json` (mode 600, git-ignored), with the cookie secret, so sessions survive a
 * restart. Nothing here is ever logged.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface ServerSecrets {
  adminUser: string;
  adminPassword: string;
  cookieSecret: string;
  /** Password shared by the demo accounts `npm start` provisions. */
  demoPassword: string;
}

export const SECRETS_FILE = 'secrets.json';

export function randomSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

function generate(): ServerSecrets {
  return { adminUser: 'admin', adminPassword: randomSecret(), cookieSecret: randomSecret(32), demoPassword: randomSecret(9) };
}

function fromEnvironment(env: NodeJS.ProcessEnv): Pick<ServerSecrets, 'adminUser' | 'adminPassword'> | null {
  const user = env.COUCH_ADMIN_USER;
  const password = env.COUCH_ADMIN_PASSWORD;
  if (!user && !password) return null;
  if (!user || !password) throw new Error('Set both COUCH_ADMIN_USER and COUCH_ADMIN_PASSWORD, or neither (then Outpost generates them).');
  return { adminUser: user, adminPassword: password };
}

function isSecrets(value: unknown): value is ServerSecrets {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return ['adminUser', 'adminPassword', 'cookieSecret', 'demoPassword'].every((k) => typeof v[k] === 'string' && v[k] !== '');
}

/** Secrets kept on disk under `dataDir` (created on first use). */
export function loadOrCreateSecrets(dataDir: string, env: NodeJS.ProcessEnv = process.env): ServerSecrets {
  const file = path.join(dataDir, SECRETS_FILE);
  let secrets: ServerSecrets;
  if (existsSync(file)) {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (!isSecrets(parsed)) throw new Error(`${file} is damaged. Delete it to generate new secrets (existing sessions end).`);
    secrets = parsed;
  } else {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    secrets = generate();
    writeFileSync(file, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600 });
  }
  chmodSync(file, 0o600);
  return { ...secrets, ...fromEnvironment(env) };
}

/** Secrets for an in-memory server: nothing touches the disk. */
export function ephemeralSecrets(env: NodeJS.ProcessEnv = process.env): ServerSecrets {
  return { ...generate(), ...fromEnvironment(env) };
}
