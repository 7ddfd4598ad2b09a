import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer, type AppServer } from './app-server';

let upstream: Server;
let app: AppServer;
let dist: string;

beforeAll(async () => {
  dist = mkdtempSync(path.join(tmpdir(), 'outpost-dist-'));
  writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>Outpost</title>');
  mkdirSync(path.join(dist, 'assets'));
  writeFileSync(path.join(dist, 'assets', 'index-AbCdEf12.js'), 'console.log(1)');
  upstream = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'AuthSession=abc; Path=/; HttpOnly' });
    res.end(JSON.stringify({ method: req.method, url: req.url, cookie: req.headers.cookie ?? null }));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const port = (upstream.address() as AddressInfo).port;
  app = await startAppServer({ distDir: dist, couchUrl: `http://127.0.0.1:${port}`, port: 0 });
});

afterAll(async () => {
  await app.close();
  upstream.close();
  rmSync(dist, { recursive: true, force: true });
});

describe('app server', () => {
  it('proxies /couch/ to the database with the prefix removed, cookies both ways', async () => {
    const res = await fetch(`${app.url}/couch/north/_all_docs?limit=1`, { headers: { cookie: 'AuthSession=xyz' } });
    expect(await res.json()).toEqual({ method: 'GET', url: '/north/_all_docs?limit=1', cookie: 'AuthSession=xyz' });
    expect(res.headers.get('set-cookie')).toContain('AuthSession=abc');
  });

  it('serves the app shell for client routes and 404 for missing assets', async () => {
    expect(await (await fetch(`${app.url}/jobs/123`)).text()).toContain('<title>Outpost</title>');
    expect((await fetch(`${app.url}/missing.js`)).status).toBe(404);
  });

  it('caches hashed assets for a year and revalidates the shell', async () => {
    expect((await fetch(`${app.url}/assets/index-AbCdEf12.js`)).headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${app.url}/`)).headers.get('cache-control')).toBe('no-cache');
  });

  it('never serves files outside dist', async () => {
    const secret = path.join(path.dirname(dist), `${path.basename(dist)}-secret.txt`);
    writeFileSync(secret, 'top secret');
    try {
      const res = await fetch(`${app.url}/..%2f${path.basename(secret)}`);
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain('top secret');
    } finally {
      rmSync(secret);
    }
  });

  it('answers 502 with a clear reason when the database is down', async () => {
    const down = await startAppServer({ distDir: dist, couchUrl: 'http://127.0.0.1:9', port: 0 });
    const res = await fetch(`${down.url}/couch/_session`);
    expect(res.status).toBe(502);
    expect((await res.json()).reason).toMatch(/not reachable/);
    await down.close();
  });
});
