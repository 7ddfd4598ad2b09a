/**
 * Starts Outpost for development, demos and e2e tests: the embedded server, the demo provisioning, a build
 * of the app when needed, and the app server with `/couch/` proxied to the database on the same origin.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAdminClient } from '../couch-config/admin-client';
import { provisionDemo, type DemoUser } from '../couch-config/demo';
import { startEmbeddedServer } from '../couch-config/server/index';
import { startAppServer } from './app-server';

export type { DemoUser } from '../couch-config/demo';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'dist');
const BUILD_INPUTS = ['app', 'public', 'index.html', 'vite.config.ts', 'package-lock.json'];

export interface OutpostOptions {
  storage?: 'leveldb' | 'memory';
  /** 0 = any free port. Defaults: COUCH_PORT or 5984; APP_PORT or 8080. */
  couchPort?: number;
  appPort?: number;
  dataDir?: string;
  build?: 'if-needed' | 'always' | 'never';
  /** Seed jobs in the demo. */
  jobs?: number;
  quiet?: boolean;
}

export interface RunningOutpost {
  appUrl: string;
  couchUrl: string;
  admin: { user: string; password: string };
  demoUsers: DemoUser[];
  close(): Promise<void>;
}

function newestMtime(entry: string): number {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(entry).reduce((max, name) => Math.max(max, newestMtime(path.join(entry, name))), stat.mtimeMs);
}

export function buildIsStale(): boolean {
  const built = path.join(DIST, 'index.html');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  return BUILD_INPUTS.some((input) => newestMtime(path.join(ROOT, input)) > builtAt);
}

async function buildApp(quiet: boolean): Promise<void> {
  const { build } = await import('vite');
  await build({ root: ROOT, configFile: path.join(ROOT, 'vite.config.ts'), logLevel: quiet ? 'error' : 'warn' });
}

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name} must be a port number (0-65535), got "${raw}".`);
  return port;
}

export async function startOutpost(opts: OutpostOptions = {}): Promise<RunningOutpost> {
  const log = (line: string) => {
    if (!opts.quiet) console.log(line);
  };
  const build = opts.build ?? 'if-needed';
  if (build === 'always' || (build === 'if-needed' && buildIsStale())) {
    log('Building the app…');
    await buildApp(opts.quiet ?? false);
  } else if (!existsSync(path.join(DIST, 'index.html'))) {
    throw new Error('No build in dist/. Run `npm run build` first.');
  }

  const couch = await startEmbeddedServer({
    storage: opts.storage ?? 'leveldb',
    port: opts.couchPort ?? portFromEnv('COUCH_PORT', 5984),
    dataDir: opts.dataDir ?? path.join(ROOT, '.outpost'),
    quiet: opts.quiet ?? false,
  });
  try {
    const client = createAdminClient(couch.url, couch.admin);
    const { users, changes } = await provisionDemo(client, { password: couch.secrets.demoPassword, jobs: opts.jobs ?? 200 });
    if (changes.length > 0) {
      const created = (kind: string) => changes.filter((c) => c.action === 'created' && c.what.startsWith(kind)).length;
      log(`Provisioned the demo: ${created('database')} databases, ${created('user')} users, ${changes.length} changes in all.`);
    }
    const app = await startAppServer({ distDir: DIST, couchUrl: couch.url, port: opts.appPort ?? portFromEnv('APP_PORT', 8080) });
    return {
      appUrl: app.url,
      couchUrl: couch.url,
      admin: couch.admin,
      demoUsers: users,
      async close() {
        await app.close();
        await couch.close();
      },
    };
  } catch (err) {
    await couch.close();
    throw err;
  }
}
