/** The controller against a real embedded server over HTTP, with real PouchDB 9 devices. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSeed } from '../couch-config/seed';
import { teamDb } from '../couch-config/model';
import { createSync, type SyncController } from './controller';
import { manualOnlineSignal } from './environment';
import { readInitialCheckpoint } from './initial-sync';
import { createDevice, createUser, eventually, startWorld, type Device, type World } from './testing/harness';

let world: World;
let worker: { user: string; password: string };
const syncs: SyncController[] = [];
const devices: Device[] = [];

const SELECTOR = { team: 'north' };

beforeAll(async () => {
  world = await startWorld(['north']);
  worker = await createUser(world, 'field', 'north');
  const docs = generateSeed({ jobs: 120, teams: ['north'], seed: 5 }, () => ({ field: worker.user, lead: worker.user }));
  await world.admin.ok('POST', `/${teamDb('north')}/_bulk_docs`, { docs });
});

afterAll(async () => {
  for (const s of syncs) s.stop();
  for (const d of devices) await d.close();
  await world.close();
});

async function device(): Promise<Device> {
  const d = await createDevice(world, worker);
  devices.push(d);
  return d;
}

function sync(d: Device, extra: Partial<Parameters<typeof createSync>[0]> = {}): SyncController {
  const s = createSync({ local: d.local, remote: d.remoteWith, fetch: d.fetch, selector: SELECTOR, online: manualOnlineSignal(true), batchSize: 50, ...extra });
  syncs.push(s);
  return s;
}

async function serverDoc(id: string): Promise<Record<string, unknown> & { _rev: string }> {
  return world.admin.ok('GET', `/${teamDb('north')}/${encodeURIComponent(id)}`);
}

describe('sync controller', () => {
  it('pulls everything with the fast path, then goes live in both directions', async () => {
    const d = await device();
    const s = sync(d);
    const states: string[] = [];
    s.subscribe(() => states.push(s.getStatus().state.name));
    s.start();
    await eventually('live', () => (s.getStatus().state.name === 'live' ? true : undefined));
    // Every document the server holds, design docs aside (they stay on the server).
    const serverRows = await world.admin.ok<{ rows: Array<{ id: string }> }>('GET', `/${teamDb('north')}/_all_docs`);
    const local = await d.local.allDocs({});
    const domainIds = (rows: Array<{ id: string }>) => rows.map((r) => r.id).filter((id) => !id.startsWith('_design/')).sort();
    expect(domainIds(local.rows)).toEqual(domainIds(serverRows.rows));
    expect(states).toContain('initial');
    expect((await readInitialCheckpoint(d.local))?.complete).toBe(true);

    // Push: a local edit reaches the server.
    const first = local.rows.find((r) => r.id.startsWith('job:'));
    if (!first) throw new Error('no job pulled');
    const job = (await d.local.get(first.id)) as Record<string, unknown> & { _id: string; _rev: string };
    await d.local.put({ ...job, priority: 4 });
    await eventually('push', async () => ((await serverDoc(job._id)).priority === 4 ? true : undefined));
    await eventually('pendingPush 0', () => (s.getStatus().pendingPush === 0 ? true : undefined));

    // Pull: an edit on the server reaches the device.
    const onServer = await serverDoc(job._id);
    await world.admin.ok('PUT', `/${teamDb('north')}/${encodeURIComponent(job._id)}`, { ...onServer, priority: 1 });
    await eventually('pull', async () => (((await d.local.get(job._id)) as { priority?: number }).priority === 1 ? true : undefined));
    expect(s.getStatus().lastSyncedAt).not.toBeNull();
  }, 90_000);
});
