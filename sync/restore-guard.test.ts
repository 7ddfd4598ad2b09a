/**
 * Restore-safe push against a real server: a device pushes edits, the server's team database is replaced by a
 * copy taken earlier (as an admin restores a backup), the device reconnects, and the server ends up with every
 * edit again. Two kinds of backup: a file-level one, which brings back the `_local` checkpoint docs as they were
 * (the case PouchDB's own checkpoints get wrong, see restore-guard.ts), and a replicated one, which has none.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { AdminClient } from '../couch-config/admin-client';
import { replicationTemplates } from '../couch-config/design-docs';
import { HUB_DB, teamDb } from '../couch-config/model';
import { createSync, type SyncController } from './controller';
import { readLocal, type Doc } from './db';
import { addNote, createJob, type JobDoc, type WriteContext } from './docs';
import { manualOnlineSignal } from './environment';
import { createHlc } from './hlc';
import { createDevice, createUser, eventually, startWorld, type Device, type World } from './testing/harness';

const DB = teamDb('north');
const enc = encodeURIComponent;
const docPath = (id: string) => `/${DB}/${id.startsWith('_design/') || id.startsWith('_local/') ? `${id.split('/')[0]}/${enc(id.slice(id.indexOf('/') + 1))}` : enc(id)}`;

let world: World;
let worker: { user: string; password: string };
let cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  world = await startWorld(['north']);
  // The hub would refill a restored team database with what it copied; this test is about the device alone.
  for (const { _id } of replicationTemplates({ team: 'north', hub: HUB_DB, team_db: DB })) {
    const doc = await world.admin.ok<{ _rev: string }>('GET', `/_replicator/${enc(_id)}`);
    await world.admin.ok('DELETE', `/_replicator/${enc(_id)}?rev=${enc(doc._rev)}`);
  }
  worker = await createUser(world, 'field', 'north');
}, 60_000);

afterEach(async () => {
  for (const step of cleanups.reverse()) await step();
  cleanups = [];
});

afterAll(async () => {
  await world?.close();
});

interface Snapshot {
  docs: Doc[];
  security: unknown;
  locals: Doc[];
}

/** What a backup holds: every doc with its revision history and attachments, `_security`, and (file-level) `_local` docs. */
async function takeSnapshot(admin: AdminClient, localIds: readonly string[]): Promise<Snapshot> {
  const all = await admin.ok<{ rows: Array<{ id: string }> }>('GET', `/${DB}/_all_docs`);
  const docs: Doc[] = [];
  for (const { id } of all.rows) docs.push(await admin.ok<Doc>('GET', `${docPath(id)}?revs=true&attachments=true`));
  const locals: Doc[] = [];
  for (const id of localIds) {
    const res = await admin.request<Doc>('GET', docPath(id));
    if (res.status === 200) locals.push(res.body);
  }
  return { docs, security: await admin.ok('GET', `/${DB}/_security`), locals };
}

/** Replaces the team database with the snapshot, as restoring a backup does. */
async function restore(admin: AdminClient, snapshot: Snapshot): Promise<void> {
  await admin.ok('DELETE', `/${DB}`);
  await admin.ok('PUT', `/${DB}`);
  await admin.ok('PUT', `/${DB}/_security`, snapshot.security);
  await admin.ok('POST', `/${DB}/_bulk_docs`, { docs: snapshot.docs, new_edits: false });
  for (const { _rev: _ignored, ...doc } of snapshot.locals) await admin.ok('PUT', docPath(doc._id), doc);
}

async function serverRev(id: string): Promise<string | null> {
  const res = await world.admin.request<{ _rev?: string }>('GET', docPath(id));
  return res.status === 200 ? (res.body._rev ?? null) : null;
}

/** Waits until the server holds each doc at the device's current revision. */
async function serverHas(device: Device, ids: readonly string[]): Promise<void> {
  await eventually(`the server to hold ${ids.length} docs at the device's revisions`, async () => {
    for (const id of ids) {
      const mine = (await device.local.get(id)) as { _rev: string };
      if ((await serverRev(id)) !== mine._rev) return undefined;
    }
    return true;
  });
}

/** The device's last caught-up push is marked on the server (so a later restore can be told apart). */
async function marked(device: Device): Promise<void> {
  await eventually('the push marker on the server', async () => {
    const state = await readLocal<{ marker: string; token: string | null }>(device.local, 'outpost-restore-guard');
    if (!state?.token) return undefined;
    const res = await world.admin.request<{ token?: string }>('GET', docPath(`_local/outpost-pushed-${state.marker}`));
    return res.body.token === state.token ? true : undefined;
  });
}

it.each([
  ['a file-level backup (old checkpoints come back)', true],
  ['a replicated backup (no checkpoints)', false],
])('after a restore from %s, the device pushes again what the server lost', async (_label, withLocals) => {
  const device = await createDevice(world, worker);
  const online = manualOnlineSignal(true);
  const sync: SyncController = createSync({
    local: device.local, remote: device.remoteWith, fetch: device.fetch, selector: { team: 'north' }, online,
    heartbeatMs: 1_000, backoff: { baseMs: 50, maxMs: 500 },
  });
  cleanups.push(async () => {
    await sync.stopAndSettle();
    await device.close();
  });
  const hlc = createHlc({ deviceId: 'restore-test', now: Date.now });
  const ctx: WriteContext = { user: worker.user, role: 'field', hlc, now: Date.now };
  const put = async (doc: JobDoc) => ({ ...doc, _rev: (await device.local.put(doc as unknown as Doc)).rev });

  sync.start();
  await eventually('live', () => (sync.getStatus().state.name === 'live' ? true : undefined));
  const before = [];
  for (let i = 0; i < 3; i++) before.push(await put(createJob({ team: 'north', title: `Before the backup ${i}` }, ctx)));
  await serverHas(device, before.map((d) => d._id));
  await marked(device);

  // The backup, with the `_local` docs the device wrote on the server (its checkpoint and marker) when file-level.
  const localIds = [...new Set(device.log.filter((r) => r.method === 'PUT' && r.url.includes('/_local/')).map((r) => decodeURIComponent(new URL(r.url).pathname.split('/').slice(2).join('/'))))];
  const snapshot = await takeSnapshot(world.admin, withLocals ? localIds : []);

  // More edits in the same live session: new jobs and a change to one that is in the backup.
  const after = [await put(createJob({ team: 'north', title: 'After the backup' }, ctx)), await put(createJob({ team: 'north', title: 'After the backup too' }, ctx))];
  const first = before[0];
  if (!first) throw new Error('no job');
  const changed = await put(addNote((await device.local.get(first._id)) as JobDoc, 'Written after the backup', ctx));
  const lost = [...after.map((d) => d._id), changed._id];
  await serverHas(device, lost);
  await marked(device);

  online.set(false);
  await restore(world.admin, snapshot);
  expect(await serverRev(after[0]?._id ?? '')).toBeNull();
  expect(await serverRev(changed._id)).not.toBe(changed._rev);

  online.set(true);
  await serverHas(device, [...before.map((d) => d._id), ...lost]);
  await eventually('caught up', () => (sync.getStatus().state.name === 'live' && sync.getStatus().pendingPush === 0 ? true : undefined));

  // Written by someone else after the restore: the restored database numbers its changes anew, below where this
  // device's own pull checkpoint stands, and the device still receives it.
  const lead: WriteContext = { user: 'admin', role: 'hq', hlc: createHlc({ deviceId: 'hq-desk', now: Date.now }), now: Date.now };
  const fresh = createJob({ team: 'north', title: 'Written after the restore' }, lead);
  await world.admin.ok('PUT', docPath(fresh._id), fresh);
  await eventually('the job written after the restore on the device', async () => ((await device.local.get(fresh._id).catch(() => null)) ? true : undefined));
}, 90_000);
