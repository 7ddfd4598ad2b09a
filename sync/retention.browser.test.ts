/**
 * trimLocalJobs with the adapter the app uses (pouchdb-adapter-indexeddb, which implements purge) in headless
 * Chromium, against the embedded server through a same-origin `/couch/` proxy, as the app reaches CouchDB.
 * A device that pulled its team's jobs purges the expired ones, keeps the expired job it edited offline (the
 * server lacks that revision), and its next push deletes nothing on the server.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from '@playwright/test';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth } from '../couch-config/admin-client';
import { job } from '../couch-config/rules/docs';
import { CHROMIUM_ARGS, findChromium } from '../e2e/browser';
import { createUser, startWorld, type World } from './testing/harness';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const TEAM = 'north';
const NOW = Date.parse('2026-06-15T12:00:00.000Z');
const OLD = '2026-01-10T08:00:00.000Z';

/** The page: a PouchDB 9 device on the indexeddb adapter, driven from the test through window.outpostTrim. */
const PAGE = `
import PouchDB from 'pouchdb-browser';
import IndexedDbAdapter from 'pouchdb-adapter-indexeddb';
import { trimLocalJobs, canPurge } from './retention';
PouchDB.plugin(IndexedDbAdapter);
window.outpostTrim = async ({ dbUrl, auth, team, now, editId }) => {
  const withAuth = (url, init = {}) => {
    const headers = new Headers(init.headers);
    headers.set('authorization', auth);
    return fetch(url, { ...init, headers });
  };
  const local = new PouchDB('device', { adapter: 'indexeddb' });
  const remote = new PouchDB(dbUrl, { fetch: withAuth, skip_setup: true });
  await local.replicate.from(remote, { selector: { team } });
  const edited = await local.get(editId);
  await local.put({ ...edited, description: 'edited offline, not pushed yet' });
  const ids = async () => (await local.allDocs()).rows.map((r) => r.id).filter((id) => !id.startsWith('_design/')).sort();
  const before = await ids();
  const result = await trimLocalJobs({ local, remote: { fetch: (p, init) => withAuth(dbUrl + '/' + p, init) }, now });
  const after = await ids();
  await local.replicate.to(remote);
  return { canPurge: canPurge(local), result, before, after };
};
`;

let world: World;
let browser: Browser | null = null;
let proxy: Server;
let origin: string;
let script: string;
const chromiumLookup = findChromium();

beforeAll(async () => {
  world = await startWorld([TEAM]);
  const bundle = await build({
    stdin: { contents: PAGE, resolveDir: HERE, loader: 'ts', sourcefile: 'retention-page.ts' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'warning',
  });
  script = bundle.outputFiles[0]?.text ?? '';
  const upstream = new URL(world.server.url);
  proxy = createServer((req, res) => {
    if (req.url === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><meta charset="utf-8"><script type="module" src="/page.js"></script>');
    if (req.url === '/page.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    if (!req.url?.startsWith('/couch/')) return void res.writeHead(404).end();
    const forward = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url.slice('/couch'.length), headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  if (chromiumLookup.found) browser = await chromium.launch({ executablePath: chromiumLookup.executablePath, args: [...CHROMIUM_ARGS], headless: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  proxy?.close();
  await world?.close();
});

describe('device retention in Chromium (indexeddb adapter)', () => {
  it('purges expired jobs the server has, keeps an unpushed edit, and the push deletes nothing on the server', async (ctx) => {
    ctx.skip(browser === null, chromiumLookup.found ? '' : chromiumLookup.message);
    const lead = await createUser(world, 'lead', TEAM);
    const author = { team: TEAM, by: lead.user };
    const oldDone = job(author, { status: 'done', updatedAt: OLD });
    const oldCancelled = job(author, { status: 'cancelled', updatedAt: OLD });
    const editedOffline = job(author, { status: 'done', updatedAt: OLD });
    const open = job(author, { status: 'open', updatedAt: OLD });
    await world.admin.ok('POST', `/outpost-team-${TEAM}/_bulk_docs`, { docs: [oldDone, oldCancelled, editedOffline, open] });

    const page = await (browser as Browser).newPage();
    await page.goto(origin);
    await page.waitForFunction(() => 'outpostTrim' in window);
    const outcome = (await page.evaluate(
      (args) => (window as unknown as { outpostTrim: (a: typeof args) => Promise<unknown> }).outpostTrim(args),
      { dbUrl: `${origin}/couch/outpost-team-${TEAM}`, auth: basicAuth(lead), team: TEAM, now: NOW, editId: editedOffline._id },
    )) as { canPurge: boolean; result: { expired: number; purged: number; kept: number; unsupported: boolean }; before: string[]; after: string[] };

    expect(outcome.canPurge).toBe(true);
    expect(outcome.result).toEqual({ expired: 3, purged: 2, kept: 1, unsupported: false });
    expect(outcome.before).toEqual([oldDone._id, oldCancelled._id, editedOffline._id, open._id].sort());
    expect(outcome.after).toEqual([editedOffline._id, open._id].sort());
    for (const id of [oldDone._id, oldCancelled._id]) {
      const stored = await world.admin.request<{ status?: string }>('GET', `/outpost-team-${TEAM}/${encodeURIComponent(id)}`);
      expect(stored.status, `${id} must still be on the server`).toBe(200);
    }
    const pushed = await world.admin.ok<{ description: string }>('GET', `/outpost-team-${TEAM}/${encodeURIComponent(editedOffline._id)}`);
    expect(pushed.description).toBe('edited offline, not pushed yet');
    await page.close();
  });
});
