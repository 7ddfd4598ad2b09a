/** Discarding a refused write, against a real embedded server with a real PouchDB 9 device and its sync. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSeed } from '../../../couch-config/seed';
import { teamDb } from '../../../couch-config/model';
import { createSync, manualOnlineSignal, type Doc, type SyncController } from '../../../sync';
import { createDevice, createUser, eventually, startWorld, type Device, type World } from '../../../sync/testing/harness';
import { discardRejected } from './discard';

let world: World;
let device: Device;
let sync: SyncController;
let dbUrl: string;
let stampCounter = 0;

beforeAll(async () => {
  world = await startWorld(['north']);
  const worker = await createUser(world, 'field', 'north');
  const docs = generateSeed({ jobs: 40, teams: ['north'], seed: 7 }, () => ({ field: worker.user, lead: worker.user }));
  await world.admin.ok('POST', `/${teamDb('north')}/_bulk_docs`, { docs });
  device = await createDevice(world, worker);
  dbUrl = `${world.server.url}/${teamDb('north')}`;
  sync = createSync({ local: device.local, remote: device.remoteWith, fetch: device.fetch, selector: { team: 'north' }, online: manualOnlineSignal(true), batchSize: 50 });
  sync.start();
  await eventually('live', () => (sync.getStatus().state.name === 'live' ? true : undefined));
}, 60_000);

afterAll(async () => {
  sync.stop();
  await device.close();
  await world.close();
});

const serverDoc = (id: string) => world.admin.ok<Doc & { _rev: string }>('GET', `/${teamDb('north')}/${encodeURIComponent(id)}`);
const localDoc = async (id: string) => (await device.local.get(id)) as Doc & { _rev: string };

async function anOpenJob(): Promise<Doc> {
  const rows = (await device.local.allDocs({ include_docs: true })).rows;
  const job = rows.map((r) => r.doc).find((d) => d?.type === 'job' && d.status !== 'done' && d.status !== 'cancelled' && !sync.getStatus().rejected.some((r) => r.id === d._id));
  if (!job) throw new Error('no open job on the device');
  return job;
}

/** A field worker's edit the server refuses: only a lead or HQ may cancel. */
async function refusedCancel(): Promise<{ id: string; rev: string; reason: string }> {
  const job = await anOpenJob();
  const now = Date.now();
  const stamp = `${now}-${++stampCounter}-${device.name}`;
  await device.local.put({ ...job, status: 'cancelled', clock: { ...(job.clock as object), status: stamp }, updatedBy: device.user, updatedAt: new Date(now).toISOString() });
  return eventually('refused', () => sync.getStatus().rejected.find((r) => r.id === job._id));
}

describe('discardRejected', () => {
  it('puts the server’s version back on the device, and the server accepts it', async () => {
    const entry = await refusedCancel();
    const before = await serverDoc(entry.id);
    expect(await discardRejected(entry, { local: device.local, dbUrl, fetch: device.fetch })).toEqual({ ok: true });

    const local = await localDoc(entry.id);
    expect(local.status).toBe(before.status);
    expect(local.updatedBy).toBe(before.updatedBy);
    await eventually('server has the device’s revision', async () => ((await serverDoc(entry.id))._rev === local._rev ? true : undefined));
    const { _rev: _a, ...after } = await serverDoc(entry.id);
    const { _rev: _b, ...original } = before;
    expect(after).toEqual(original);
  });

  it('refuses, with what to do, when the device has moved on, the network is down, or the server has no version', async () => {
    const entry = await refusedCancel();
    expect(await discardRejected({ ...entry, rev: '1-stale' }, { local: device.local, dbUrl, fetch: device.fetch })).toMatchObject({ ok: false, message: expect.stringMatching(/changed on this device/) });
    const offline = () => Promise.reject(new TypeError('fetch failed'));
    expect(await discardRejected(entry, { local: device.local, dbUrl, fetch: offline })).toMatchObject({ ok: false, message: expect.stringMatching(/needs a connection.*Try again/) });
    expect(await discardRejected(entry, { local: device.local, dbUrl: `${world.server.url}/${teamDb('north')}`, fetch: (input, init) => fetch(input, init) })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/Sign in again/),
    });
    expect((await localDoc(entry.id))._rev).toBe(entry.rev);

    const { _rev: _r, ...job } = await anOpenJob();
    const created = await device.local.put({ ...job, _id: 'job:never-on-the-server', title: 'x'.repeat(300) });
    const neverAccepted = await eventually('refused new job', () => sync.getStatus().rejected.find((r) => r.id === 'job:never-on-the-server'));
    expect(neverAccepted.rev).toBe(created.rev);
    expect(await discardRejected(neverAccepted, { local: device.local, dbUrl, fetch: device.fetch })).toMatchObject({ ok: false, message: expect.stringMatching(/no version of this/) });
  });
});
