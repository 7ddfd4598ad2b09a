/** `unsyncedDocs()` against a real embedded server over HTTP, with a real PouchDB 9 device. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSeed } from '../couch-config/seed';
import { teamDb } from '../couch-config/model';
import { createSync, type SyncController } from './controller';
import { readLocal, type Doc } from './db';
import { manualOnlineSignal } from './environment';
import { createDevice, createUser, eventually, startWorld, type Device, type World } from './testing/harness';

let world: World;
let worker: { user: string; password: string };
let device: Device;
let sync: SyncController;
const online = manualOnlineSignal(true);
let stampCounter = 0;

beforeAll(async () => {
  world = await startWorld(['north']);
  worker = await createUser(world, 'field', 'north');
  const docs = generateSeed({ jobs: 40, teams: ['north'], seed: 11 }, () => ({ field: worker.user, lead: worker.user }));
  await world.admin.ok('POST', `/${teamDb('north')}/_bulk_docs`, { docs });
  device = await createDevice(world, worker);
  sync = createSync({ local: device.local, remote: device.remoteWith, fetch: device.fetch, selector: { team: 'north' }, online, batchSize: 50 });
  sync.start();
  await caughtUp();
}, 60_000);

afterAll(async () => {
  sync.stop();
  await device.close();
  await world.close();
});

/** Live, and the push checkpoint is at the local database's last sequence. */
async function caughtUp(): Promise<void> {
  await eventually('live', () => (sync.getStatus().state.name === 'live' ? true : undefined));
  await eventually('push caught up', async () => {
    const [marker, info] = await Promise.all([readLocal<{ seq: number | string }>(device.local, 'outpost-push'), device.local.info()]);
    return marker && String(marker.seq) === String(info.update_seq) ? true : undefined;
  });
}

async function openJobs(count: number): Promise<Doc[]> {
  const rows = (await device.local.allDocs({ include_docs: true })).rows;
  const jobs = rows.map((r) => r.doc).filter((d): d is Doc => d?.type === 'job' && d.status !== 'cancelled' && d.status !== 'done');
  if (jobs.length < count) throw new Error(`only ${jobs.length} open jobs on the device`);
  return jobs.slice(0, count);
}

/** A field worker's edit, stamped and signed as the server's validation expects. */
async function edit(doc: Doc, patch: Record<string, unknown>): Promise<Doc> {
  const now = Date.now();
  const stamp = `${now}-${++stampCounter}-${device.name}`;
  const clock = { ...(doc.clock as Record<string, string>), ...Object.fromEntries(Object.keys(patch).map((field) => [field, stamp])) };
  const next: Doc = { ...doc, ...patch, clock, updatedBy: device.user, updatedAt: new Date(now).toISOString() };
  const { rev } = await device.local.put(next);
  return { ...next, _rev: rev };
}

const idsAndRevs = (docs: Doc[]) => docs.map((d) => ({ id: d._id, rev: d._rev })).sort((a, b) => a.id.localeCompare(b.id));

describe('unsyncedDocs', () => {
  it('is empty after the initial sync: everything pulled is on the server', async () => {
    expect(await sync.unsyncedDocs()).toEqual([]);
  });

  it('lists edits made offline, with their current revision, until the push delivers them', async () => {
    const [a, b] = await openJobs(2);
    if (!a || !b) throw new Error('unreachable');
    online.set(false);
    const editedA = await edit(a, { priority: 1 });
    const editedB = await edit(b, { description: 'Gate code changed' });
    const again = await edit(editedB, { description: 'Gate code changed to 4711' });

    const unsynced = await sync.unsyncedDocs();
    expect(idsAndRevs(unsynced)).toEqual(idsAndRevs([editedA, again]));
    expect(unsynced.find((d) => d._id === b._id)).toMatchObject({ description: 'Gate code changed to 4711' });

    online.set(true);
    await caughtUp();
    expect(await sync.unsyncedDocs()).toEqual([]);
  }, 60_000);

  it('keeps a write the server refused, though the push has moved past it', async () => {
    const [job] = await openJobs(1);
    if (!job) throw new Error('unreachable');
    const cancelled = await edit(job, { status: 'cancelled' });
    await eventually('rejected listed', () => sync.getStatus().rejected.find((r) => r.id === job._id));
    await caughtUp();

    const unsynced = await sync.unsyncedDocs();
    expect(unsynced).toEqual([expect.objectContaining({ _id: job._id, _rev: cancelled._rev, status: 'cancelled' })]);
  }, 60_000);
});
