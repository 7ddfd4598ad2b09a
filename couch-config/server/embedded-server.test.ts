/**
 * Behaviour of the embedded server itself (not CouchDB's contract): persistence, secrets, start-up errors.
 * Real server processes over HTTP; each test uses its own data directory.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { basicAuth } from '../admin-client';
import { startEmbeddedServer, type EmbeddedServer } from './index';

const dirs: string[] = [];
const servers: EmbeddedServer[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'outpost-embedded-'));
  dirs.push(dir);
  return dir;
}
async function start(dataDir: string, port = 0): Promise<EmbeddedServer> {
  const server = await startEmbeddedServer({ storage: 'leveldb', dataDir, port, quiet: true });
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
});

async function login(url: string, name: string, password: string): Promise<string> {
  const res = await fetch(`${url}/_session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password }) });
  expect(res.status).toBe(200);
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

describe('embedded server', () => {
  it('generates admin credentials once into a mode-600 secrets file', async () => {
    const dir = tempDir();
    const first = await start(dir);
    const file = path.join(dir, 'secrets.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await first.close();
    servers.length = 0;
    const second = await start(dir);
    expect(second.admin).toEqual(first.admin);
    expect(second.admin.password.length).toBeGreaterThanOrEqual(24);
  });

  it('keeps data, config changes and sessions across a restart', async () => {
    const dir = tempDir();
    const server = await start(dir);
    const admin = { authorization: basicAuth(server.admin), 'content-type': 'application/json' };
    await fetch(`${server.url}/keep`, { method: 'PUT', headers: admin });
    await fetch(`${server.url}/keep/doc1`, { method: 'PUT', headers: admin, body: JSON.stringify({ a: 1 }) });
    await fetch(`${server.url}/_node/_local/_config/chttpd/require_valid_user`, { method: 'PUT', headers: admin, body: '"true"' });
    await fetch(`${server.url}/_users/org.couchdb.user:ana`, { method: 'PUT', headers: admin, body: JSON.stringify({ name: 'ana', password: 'pw-ana', roles: [], type: 'user' }) });
    const cookie = await login(server.url, 'ana', 'pw-ana');
    const port = Number(new URL(server.url).port);
    await server.close();
    servers.length = 0;

    const again = await start(dir, port);
    const doc = await fetch(`${again.url}/keep/doc1`, { headers: admin });
    expect(await doc.json()).toMatchObject({ a: 1 });
    const session = await (await fetch(`${again.url}/_session`, { headers: { cookie } })).json();
    expect(session.userCtx.name).toBe('ana');
    const anonymous = await fetch(`${again.url}/keep`);
    expect(anonymous.status).toBe(401);
  });

  it('names the port and the variable when the port is taken', async () => {
    const first = await start(tempDir());
    const port = Number(new URL(first.url).port);
    await expect(startEmbeddedServer({ storage: 'memory', port, quiet: true })).rejects.toThrow(new RegExp(`Port ${port}.*COUCH_PORT`));
  });

  it('writes nothing into the working directory', async () => {
    const before = new Set(readdirSync(process.cwd()));
    await start(tempDir());
    const added = readdirSync(process.cwd()).filter((f) => !before.has(f));
    expect(added).toEqual([]);
    expect(existsSync(path.join(process.cwd(), 'log.txt'))).toBe(false);
  });

  it('keeps two in-memory servers apart', async () => {
    const a = await startEmbeddedServer({ storage: 'memory', port: 0, quiet: true });
    const b = await startEmbeddedServer({ storage: 'memory', port: 0, quiet: true });
    servers.push(a, b);
    await fetch(`${a.url}/only-in-a`, { method: 'PUT', headers: { authorization: basicAuth(a.admin) } });
    const dbs = await (await fetch(`${b.url}/_all_dbs`, { headers: { authorization: basicAuth(b.admin) } })).json();
    expect(dbs).not.toContain('only-in-a');
  });
});

describe('the stored security object', () => {
  it('cannot be overwritten by a member through _bulk_docs, POST /db or COPY, even with a guessed revision', async () => {
    const server = await startEmbeddedServer({ storage: 'memory', port: 0, quiet: true });
    servers.push(server);
    const admin = { authorization: basicAuth(server.admin), 'content-type': 'application/json' };
    await fetch(`${server.url}/north`, { method: 'PUT', headers: admin });
    const security = { members: { names: [], roles: ['team:north'] }, admins: { names: [], roles: ['outpost-admin'] } };
    await fetch(`${server.url}/north/_security`, { method: 'PUT', headers: admin, body: JSON.stringify(security) });
    await fetch(`${server.url}/_users/org.couchdb.user:ana`, { method: 'PUT', headers: admin, body: JSON.stringify({ name: 'ana', password: 'pw-ana-123', roles: ['team:north'], type: 'user' }) });
    const ana = { authorization: basicAuth({ user: 'ana', password: 'pw-ana-123' }), 'content-type': 'application/json' };
    await fetch(`${server.url}/north/doc1`, { method: 'PUT', headers: ana, body: JSON.stringify({ a: 1 }) });
    const takeover = { members: { names: ['ana'] }, admins: { names: ['ana'] } };
    for (const rev of ['0-1', '0-2', '0-3']) {
      const bulk = await fetch(`${server.url}/north/_bulk_docs`, { method: 'POST', headers: ana, body: JSON.stringify({ docs: [{ _id: '_local/_security', _rev: rev, security: takeover }] }) });
      expect(bulk.status).toBe(403);
      const post = await fetch(`${server.url}/north`, { method: 'POST', headers: ana, body: JSON.stringify({ _id: '_local/_security', _rev: rev, security: takeover }) });
      expect(post.status).toBe(403);
    }
    const copy = await fetch(`${server.url}/north/doc1`, { method: 'COPY', headers: { ...ana, destination: '_local/_security?rev=0-1' } });
    expect(copy.status).toBeGreaterThanOrEqual(400);
    const stored = await (await fetch(`${server.url}/north/_security`, { headers: admin })).json();
    expect(stored).toEqual(security);
    // The admin's own route still works.
    const put = await fetch(`${server.url}/north/_security`, { method: 'PUT', headers: admin, body: JSON.stringify({ ...security, members: { names: [], roles: ['team:north', 'hq'] } }) });
    expect(put.status).toBe(200);
  });
});
