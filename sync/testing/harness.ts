/**
 * Test support for the sync engine in Node: a real embedded server over HTTP, provisioned by `couch setup`, and
 * simulated devices — each a PouchDB 9 database on disk with its own user and its own cookie jar (PouchDB 9 on
 * Node shares one jar across instances, so each device gets its own `fetch`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import PouchDB from 'pouchdb-node';
import { createAdminClient, type AdminClient } from '../../couch-config/admin-client';
import { silentReporter } from '../../couch-config/cli/report';
import { setup } from '../../couch-config/cli/setup';
import { addUser } from '../../couch-config/cli/users';
import { teamDb, type Role } from '../../couch-config/model';
import { startEmbeddedServer, type EmbeddedServer } from '../../couch-config/server/index';
import type { LocalDb, RemoteDb } from '../db';
import type { Fetch } from '../stall-guard';

export interface World {
  server: EmbeddedServer;
  admin: AdminClient;
  dir: string;
  close(): Promise<void>;
}

export async function startWorld(teams: string[] = ['north']): Promise<World> {
  const server = await startEmbeddedServer({ storage: 'memory', port: 0, quiet: true });
  const admin = createAdminClient(server.url, server.admin);
  await setup(admin, { teams, reporter: silentReporter });
  const dir = mkdtempSync(path.join(tmpdir(), 'outpost-sync-'));
  return {
    server,
    admin,
    dir,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
    },
  };
}

export interface Device {
  name: string;
  user: string;
  local: LocalDb;
  /** The team database through this device's own cookie jar. */
  remote: RemoteDb;
  fetch: Fetch;
  /** Opens the team database with another fetch (the engine passes its stall guard). */
  remoteWith(fetch: Fetch): RemoteDb;
  /** Signs in (POST /_session) and keeps the cookie for this device only. */
  login(): Promise<void>;
  /** Forgets the session cookie, as when it expires. */
  forgetSession(): void;
  /** Requests this device sent and the statuses it got back. */
  log: Array<{ method: string; url: string; status: number }>;
  close(): Promise<void>;
}

let counter = 0;

export async function createUser(world: World, role: Role, team: string | null): Promise<{ user: string; password: string }> {
  const user = `u${++counter}-${role}`;
  const password = `pw-${user}-secret`;
  await addUser(world.admin, { name: user, role, team }, password);
  return { user, password };
}

/** A device of `user`, talking to `dbUrl` through `baseFetch` (default: global fetch; tests may insert a fault proxy). */
export async function createDevice(world: World, account: { user: string; password: string }, opts: { db?: string; serverUrl?: string; name?: string } = {}): Promise<Device> {
  const name = opts.name ?? `${account.user}-device-${++counter}`;
  const serverUrl = opts.serverUrl ?? world.server.url;
  const dbUrl = `${serverUrl}/${opts.db ?? teamDb('north')}`;
  let cookie: string | null = null;
  const log: Device['log'] = [];
  let closed = false;
  const deviceFetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    if (cookie) headers.set('cookie', cookie);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url;
    let res: Response;
    try {
      res = await fetch(url, { ...init, headers });
    } catch (err) {
      // A closed device is a killed app: what it had in flight never completes (and cannot fail a test run
      // after the server it talked to has gone).
      if (closed) return new Promise<Response>(() => {});
      throw err;
    }
    const setCookie = res.headers.get('set-cookie');
    if (setCookie?.startsWith('AuthSession=')) cookie = setCookie.split(';')[0] ?? cookie;
    log.push({ method: init.method ?? 'GET', url, status: res.status });
    return res;
  };
  const localPath = path.join(world.dir, name);
  const local = new PouchDB(localPath) as unknown as LocalDb & { close(): Promise<void> };
  const remoteWith = (f: Fetch) => new PouchDB(dbUrl, { fetch: f, skip_setup: true }) as unknown as RemoteDb;
  const remote = remoteWith(deviceFetch);
  const device: Device = {
    name,
    user: account.user,
    local,
    remote,
    fetch: deviceFetch,
    remoteWith,
    log,
    async login() {
      const res = await fetch(`${serverUrl}/_session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: account.user, password: account.password }),
      });
      if (!res.ok) throw new Error(`login of ${account.user} failed: ${res.status}`);
      cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? null;
    },
    forgetSession() {
      cookie = null;
    },
    async close() {
      closed = true;
      await local.close();
    },
  };
  await device.login();
  return device;
}

/** Polls `check` until it returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
