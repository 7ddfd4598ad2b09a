/**
 * The embedded server's configuration, kept under CouchDB's section names so `/_node/_local/_config` reads
 * like a real node's. Defaults follow CouchDB 3 where Outpost depends on them. Changes made through the config
 * API are saved to `<dataDir>/config.json` (mode 600) and re-applied on start — except admins and the cookie
 * secret, which always come from the secrets file or the environment.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CouchConfig } from './internals';
import type { ServerSecrets } from './secrets';

/** PBKDF2 rounds for user passwords. Logins cost one hash; basic-auth requests are served from a cache. */
export const PASSWORD_ITERATIONS = 50_000;
/** CouchDB 3's default `max_document_size` (bytes). */
export const MAX_DOCUMENT_SIZE = 8_000_000;

type Sections = Record<string, Record<string, unknown>>;

const NEVER_SAVED: ReadonlyArray<readonly [string, string | null]> = [
  ['admins', null],
  ['couch_httpd_auth', 'secret'],
  ['chttpd_auth', 'secret'],
];

function isSaved(section: string, key: string): boolean {
  return !NEVER_SAVED.some(([s, k]) => s === section && (k === null || k === key));
}

function setConfig(config: CouchConfig, section: string, key: string, value: unknown): Promise<void> {
  return new Promise((resolve, reject) => config.set(section, key, value, (err) => (err ? reject(err) : resolve())));
}

export interface ConfigureOptions {
  config: CouchConfig;
  secrets: ServerSecrets;
  admin: { user: string; password: string };
  /** Where API-made changes persist; `null` keeps them in memory (tests). */
  savedConfigFile: string | null;
}

export async function configureServer({ config, secrets, admin, savedConfigFile }: ConfigureOptions): Promise<void> {
  const defaults: Sections = {
    couchdb: { max_document_size: MAX_DOCUMENT_SIZE, uuid: randomUUID().replace(/-/g, '') },
    couch_httpd_auth: { timeout: 600, iterations: PASSWORD_ITERATIONS, allow_persistent_cookies: false },
    chttpd: { require_valid_user: 'false', bind_address: '127.0.0.1' },
    cors: { origins: '', credentials: 'false' },
  };
  for (const [section, values] of Object.entries(defaults)) {
    for (const [key, value] of Object.entries(values)) config.registerDefault(section, key, value);
  }
  const saved: Sections = savedConfigFile && existsSync(savedConfigFile) ? (JSON.parse(readFileSync(savedConfigFile, 'utf8')) as Sections) : {};
  for (const [section, values] of Object.entries(saved)) {
    for (const [key, value] of Object.entries(values)) if (isSaved(section, key)) await setConfig(config, section, key, value);
  }
  await setConfig(config, 'couch_httpd_auth', 'secret', secrets.cookieSecret);
  await setConfig(config, 'admins', admin.user, admin.password);
  if (savedConfigFile) {
    // The server's uuid stays the same across restarts.
    saved.couchdb = { ...saved.couchdb, uuid: config.get('couchdb', 'uuid') };
    persistChanges(config, savedConfigFile, saved);
  }
}

/** Record every change made through the config API, and write the saveable ones to disk. */
function persistChanges(config: CouchConfig, file: string, saved: Sections): void {
  const write = () => writeFileSync(file, JSON.stringify(saved, null, 2) + '\n', { mode: 0o600 });
  const originalSet = config.set.bind(config);
  const originalDelete = config.delete.bind(config);
  config.set = (section, key, value, cb) =>
    originalSet(section, key, value, (err, prev) => {
      if (!err && isSaved(section, key)) {
        (saved[section] ??= {})[key] = value;
        write();
      }
      cb(err, prev);
    });
  config.delete = (section, key, cb) =>
    originalDelete(section, key, (err, prev) => {
      if (!err && saved[section]) {
        delete saved[section][key];
        write();
      }
      cb(err, prev);
    });
  write();
}

export function savedConfigPath(dataDir: string): string {
  return path.join(dataDir, 'config.json');
}
