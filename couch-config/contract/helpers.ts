// A tiny HTTP client and fixture helpers for the contract suite.
// Everything speaks plain HTTP through Node's global fetch, so the same tests run against the
// embedded server and against a real CouchDB 3 cluster. Every database and user a test makes has
// a random name and is removed in afterAll, so files never depend on each other or on leftovers.
import { randomBytes } from 'node:crypto';
import { afterAll, expect, inject } from 'vitest';

export interface Credentials {
  user: string;
  password: string;
}

/** Who makes a request: the server admin, a user by basic auth, a session cookie, or nobody. */
export type Auth = 'admin' | Credentials | { cookie: string } | null;

export interface CouchRequest {
  method?: string;
  /** Strings and bytes are sent as they are; anything else is JSON-encoded. */
  body?: unknown;
  /** Defaults to anonymous. */
  auth?: Auth;
  headers?: Record<string, string>;
  /** Bound for the whole request (default 15 s). Ignored when `signal` is given. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface CouchResponse<T> {
  status: number;
  /** Parsed JSON when the body is JSON, the text otherwise. Typed by the caller's expectation. */
  body: T;
  headers: Headers;
}

/** The shape of every CouchDB error body. */
export interface CouchError {
  error: string;
  reason: string;
}

export interface DocWrite {
  ok?: boolean;
  id: string;
  rev?: string;
  error?: string;
  reason?: string;
}

export interface AllDocs {
  total_rows: number;
  rows: Array<{ id: string; key: string; value: { rev: string } }>;
}

/** `seq` values are opaque: strings on CouchDB 3, numbers elsewhere. Never compare them. */
export type Seq = string | number;

export interface ChangesResponse {
  results: Array<{ id: string; seq: Seq; changes: Array<{ rev: string }>; deleted?: boolean }>;
  last_seq: Seq;
}

export interface RoleList {
  names: string[];
  roles: string[];
}

export interface SecurityObject {
  admins?: RoleList;
  members?: RoleList;
}

export interface TestUser extends Credentials {
  roles: string[];
}

export const target = inject('couch');
export const admin: Credentials = { user: target.adminUser, password: target.adminPassword };

/** A unique, CouchDB-legal name (lowercase, starts with a letter). */
export function uid(prefix = 'contract'): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

export function randomPassword(): string {
  return randomBytes(18).toString('base64url');
}

export function basicAuth(creds: Credentials): string {
  return `Basic ${Buffer.from(`${creds.user}:${creds.password}`).toString('base64')}`;
}

function authHeaders(auth: Auth): Record<string, string> {
  if (auth === null) return {};
  if (auth === 'admin') return { Authorization: basicAuth(admin) };
  if ('cookie' in auth) return { Cookie: auth.cookie };
  return { Authorization: basicAuth(auth) };
}

/** Builds the fetch init for a request; shared by the JSON, byte and stream variants. */
function init(req: CouchRequest): RequestInit {
  const headers: Record<string, string> = { Accept: 'application/json', ...authHeaders(req.auth ?? null) };
  let body: string | Uint8Array<ArrayBuffer> | undefined;
  if (typeof req.body === 'string') {
    body = req.body;
    headers['Content-Type'] = 'application/json';
  } else if (req.body instanceof Uint8Array) {
    body = new Uint8Array(req.body); // a copy backed by a plain ArrayBuffer, as fetch wants
  } else if (req.body !== undefined) {
    body = JSON.stringify(req.body);
    headers['Content-Type'] = 'application/json';
  }
  return {
    method: req.method ?? (body === undefined ? 'GET' : 'POST'),
    headers: { ...headers, ...req.headers },
    body,
    signal: req.signal ?? AbortSignal.timeout(req.timeoutMs ?? 15_000),
  };
}

/** Raw response, for streams (continuous feeds). The caller must consume or cancel the body. */
export function couchFetch(path: string, req: CouchRequest = {}): Promise<Response> {
  return fetch(`${target.url}${path}`, init(req));
}

/** A request whose answer is JSON (or text, which the caller's assertions will then reject). */
export async function couch<T = unknown>(path: string, req: CouchRequest = {}): Promise<CouchResponse<T>> {
  const res = await couchFetch(path, req);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text === '' ? text : JSON.parse(text);
  } catch {
    // Not JSON: keep the text so a failing assertion shows what came back.
  }
  return { status: res.status, body: body as T, headers: res.headers };
}

/** A request whose answer is bytes (attachments). */
export async function couchBytes(path: string, req: CouchRequest = {}): Promise<CouchResponse<Uint8Array>> {
  const res = await couchFetch(path, { ...req, headers: { Accept: '*/*', ...req.headers } });
  return { status: res.status, body: new Uint8Array(await res.arrayBuffer()), headers: res.headers };
}

/** Asserts a CouchDB-shaped error: the status and `{error: string, reason: string}`. */
export function expectCouchError(res: CouchResponse<unknown>, status: number, error?: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toMatchObject({ error: expect.any(String), reason: expect.any(String) });
  if (error !== undefined) expect((res.body as CouchError).error).toBe(error);
}

/** The server still answers: used after every malformed request. */
export async function expectAlive(): Promise<void> {
  const res = await couch<{ status: string }>('/_up', { auth: 'admin' });
  expect(res.status).toBe(200);
  expect(res.body.status).toBe('ok');
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(200);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function toBase64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** Writes a doc (PUT) and returns its new rev; fails the test on anything but 201/202. */
export async function putDoc(db: string, doc: { _id: string } & Record<string, unknown>, auth: Auth = 'admin'): Promise<string> {
  const res = await couch<DocWrite>(`/${db}/${encodeURIComponent(doc._id)}`, { method: 'PUT', body: doc, auth });
  expect([201, 202], `PUT ${doc._id}: ${JSON.stringify(res.body)}`).toContain(res.status);
  if (!res.body.rev) throw new Error(`PUT ${doc._id} returned no rev`);
  return res.body.rev;
}

/** Writes a design doc as admin (design docs need a database admin). */
export async function putDesign(db: string, name: string, ddoc: Record<string, unknown>): Promise<string> {
  const res = await couch<DocWrite>(`/${db}/_design/${name}`, { method: 'PUT', body: ddoc, auth: 'admin' });
  expect([201, 202], `PUT _design/${name}: ${JSON.stringify(res.body)}`).toContain(res.status);
  if (!res.body.rev) throw new Error(`PUT _design/${name} returned no rev`);
  return res.body.rev;
}

export async function setSecurity(db: string, security: SecurityObject): Promise<void> {
  const res = await couch<{ ok: boolean }>(`/${db}/_security`, { method: 'PUT', body: security, auth: 'admin' });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.ok).toBe(true);
}

/** `_security` that admits only the given roles as members. */
export function membersOnly(...roles: string[]): SecurityObject {
  return { admins: { names: [], roles: [] }, members: { names: [], roles } };
}

/** Logs in through `POST /_session` and returns the `AuthSession=...` pair for a Cookie header. */
export async function login(creds: Credentials): Promise<string> {
  const res = await couch('/_session', { method: 'POST', body: { name: creds.user, password: creds.password } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('AuthSession='));
  if (!cookie) throw new Error('POST /_session set no AuthSession cookie');
  return cookie.split(';')[0] ?? cookie;
}

export interface Fixtures {
  /** Creates a throwaway database; with `security`, sets its `_security` too. */
  db(security?: SecurityObject): Promise<string>;
  /** Creates a user in `_users` as admin, with a random name and password. */
  user(roles?: string[]): Promise<TestUser>;
}

/** A members-only database with one member (a user holding the database's one member role). */
export async function memberDb(fx: Fixtures): Promise<{ db: string; member: TestUser }> {
  const role = uid('team');
  const db = await fx.db(membersOnly(role));
  return { db, member: await fx.user([role]) };
}

/**
 * Call once at the top of a test file (or describe block): registers an afterAll that deletes every
 * database and user made through the returned fixtures.
 */
export function useFixtures(): Fixtures {
  const dbs: string[] = [];
  const users: string[] = [];

  afterAll(async () => {
    await Promise.allSettled(dbs.map((db) => couch(`/${db}`, { method: 'DELETE', auth: 'admin' })));
    await Promise.allSettled(users.map((name) => deleteUser(name)));
  });

  return {
    async db(security) {
      const name = uid();
      const res = await couch(`/${name}`, { method: 'PUT', auth: 'admin' });
      expect([201, 202], `PUT /${name}: ${JSON.stringify(res.body)}`).toContain(res.status);
      dbs.push(name);
      if (security) await setSecurity(name, security);
      return name;
    },
    async user(roles = []) {
      const user = uid('contract-user');
      const password = randomPassword();
      const res = await couch(`/_users/org.couchdb.user:${user}`, {
        method: 'PUT',
        auth: 'admin',
        body: { _id: `org.couchdb.user:${user}`, name: user, type: 'user', roles, password },
      });
      expect([201, 202], `create user: ${JSON.stringify(res.body)}`).toContain(res.status);
      users.push(user);
      return { user, password, roles };
    },
  };
}

async function deleteUser(name: string): Promise<void> {
  const path = `/_users/${encodeURIComponent(`org.couchdb.user:${name}`)}`;
  const doc = await couch<{ _rev?: string }>(path, { auth: 'admin' });
  if (doc.status === 200 && doc.body._rev) {
    await couch(`${path}?rev=${encodeURIComponent(doc.body._rev)}`, { method: 'DELETE', auth: 'admin' });
  }
}
