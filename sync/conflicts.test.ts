/**
 * Conflicts end to end: two devices edit the same job offline, reconnect, and everything converges on one
 * merged revision; two devices resolving the same conflict settle on one revision without a cascade.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { teamDb } from '../couch-config/model';
import { generateSeed } from '../couch-config/seed';
import { createSync, type SyncController } from './controller';
import type { Doc } from './db';
import { addNote, toggleChecklistItem, updateDoc, type JobDoc, type Role, type WriteContext } from './docs';
import { manualOnlineSignal } from './environment';
import { createHlc } from './hlc';
import { createHandlerRegistry, domainHandlers, forType, mergeSite } from './merge';
import { createDevice, createUser, eventually, startWorld, type Device, type World } from './testing/harness';

let world: World;
let worker: { user: string; password: string };
let lead: { user: string; password: string };
let jobId = '';
const syncs: SyncController[] = [];
const devices: Device[] = [];
const DB = teamDb('north');

beforeAll(async () => {
  world = await startWorld(['north']);
  worker = await createUser(world, 'field', 'north');
  lead = await createUser(world, 'lead', 'north');
  const docs = generateSeed({ jobs: 6, teams: ['north'], seed: 11 }, () => ({ field: worker.user, lead: lead.user }));
  await world.admin.ok('POST', `/${DB}/_bulk_docs`, { docs });
  jobId = docs.find((d) => d.type === 'job' && d.status !== 'cancelled' && d.status !== 'done')?._id ?? '';
});

afterAll(async () => {
  for (const s of syncs) s.stop();
  for (const d of devices) await d.close();
  await world.close();
});

interface Handle {
  device: Device;
  sync: SyncController;
  online: ReturnType<typeof manualOnlineSignal>;
  ctx: WriteContext;
}

async function start(account: { user: string; password: string }, role: Role, deviceId: string): Promise<Handle> {
  const device = await createDevice(world, account, { name: deviceId });
  devices.push(device);
  const online = manualOnlineSignal(true);
  const ctx: WriteContext = { user: account.user, role, hlc: createHlc({ deviceId, now: Date.now }), now: Date.now };
  const sync = createSync({
    local: device.local,
    remote: device.remoteWith,
    fetch: device.fetch,
    selector: { team: 'north' },
    online,
    conflicts: { registry: createHandlerRegistry({ byType: domainHandlers }), context: ctx, deviceId, team: 'north' },
  });
  syncs.push(sync);
  sync.start();
  await eventually(`${deviceId} live`, () => (sync.getStatus().state.name === 'live' ? true : undefined));
  return { device, sync, online, ctx };
}

async function localJob(h: Handle, id = jobId): Promise<JobDoc & { _rev: string }> {
  return (await h.device.local.get(id)) as JobDoc & { _rev: string };
}

async function save(h: Handle, doc: JobDoc): Promise<void> {
  await h.device.local.put(doc as unknown as Doc);
}

interface Stored {
  _rev: string;
  _conflicts?: string[];
}

async function serverJob(id = jobId): Promise<JobDoc & Stored> {
  return world.admin.ok('GET', `/${DB}/${encodeURIComponent(id)}?conflicts=true`);
}

describe('conflicts', () => {
  it('two devices edit the same job offline; after reconnect both and the server hold one merged doc', async () => {
    const a = await start(worker, 'field', 'devA');
    const b = await start(lead, 'lead', 'devB');
    const original = await localJob(a);
    await eventually('job on B', async () => ((await localJob(b))._rev === original._rev ? true : undefined));
    const [c1, c2] = original.checklist;
    if (!c1 || !c2) throw new Error('seed job needs two checklist items');

    a.online.set(false);
    b.online.set(false);
    let onA: JobDoc = await localJob(a);
    onA = updateDoc(onA, { title: 'Fix the pump (A)', priority: 2 }, a.ctx);
    onA = addNote(onA, 'Note written on A', a.ctx);
    onA = toggleChecklistItem(onA, c1.id, a.ctx);
    await save(a, onA);
    let onB: JobDoc = await localJob(b);
    onB = updateDoc(onB, { description: 'Rewritten on B', priority: 3 }, b.ctx);
    onB = addNote(onB, 'Note written on B', b.ctx);
    onB = toggleChecklistItem(onB, c2.id, b.ctx);
    await save(b, onB);
    expect(a.sync.getStatus().pendingPush).toBeGreaterThanOrEqual(0);

    a.online.set(true);
    b.online.set(true);
    const settled = await eventually(
      'one merged revision everywhere',
      async () => {
        const [x, y, s] = [await localJob(a), await localJob(b), await serverJob()];
        const conflictsA = ((await a.device.local.get(jobId, { conflicts: true })) as Stored)._conflicts ?? [];
        const conflictsB = ((await b.device.local.get(jobId, { conflicts: true })) as Stored)._conflicts ?? [];
        const same = x._rev === y._rev && y._rev === s._rev && !s._conflicts && conflictsA.length === 0 && conflictsB.length === 0;
        return same ? s : undefined;
      },
      30_000,
    );
    expect(settled.title).toBe('Fix the pump (A)');
    expect(settled.description).toBe('Rewritten on B');
    expect(settled.priority).toBe(3); // B wrote priority after A: the later stamp wins
    expect(settled.notes.map((n) => n.text)).toEqual(expect.arrayContaining(['Note written on A', 'Note written on B']));
    expect(settled.checklist.find((i) => i.id === c1.id)?.done).toBe(!c1.done);
    expect(settled.checklist.find((i) => i.id === c2.id)?.done).toBe(!c2.done);
    // Every resolution left an audit doc on the server.
    const audits = await eventually('an audit doc on the server', async () => {
      const found = await world.admin.ok<{ docs: Array<{ docId: string; device: string }> }>('POST', `/${DB}/_find`, { selector: { type: 'conflict', docId: jobId }, limit: 100 });
      return found.docs.length > 0 ? found.docs : undefined;
    });
    expect(audits[0]?.device).toMatch(/^dev[AB]$/);
    for (const h of [a, b]) {
      h.sync.stop();
    }
  }, 60_000);

  it('two devices resolving the same conflict each write their merge as their own edit; the next round settles on one without a cascade', async () => {
    const a = await start(worker, 'field', 'devC');
    const b = await start(lead, 'lead', 'devD');
    const target = (await world.admin.ok<{ docs: Array<JobDoc & { _rev: string }> }>('POST', `/${DB}/_find`, { selector: { type: 'job', _id: { $ne: jobId } }, limit: 1 })).docs[0];
    if (!target) throw new Error('no second job');
    await eventually('job on both', async () => ((await localJob(a, target._id))._rev === target._rev && (await localJob(b, target._id))._rev === target._rev ? true : undefined));
    // Both devices stop resolving while the conflict is made on the server, then both see it at once.
    a.sync.stop();
    b.sync.stop();
    const [pos] = target._rev.split('-');
    const branch = (suffix: string, changes: Partial<JobDoc>) => ({ ...target, ...changes, _rev: `${Number(pos) + 1}-${suffix}`, _revisions: { start: Number(pos) + 1, ids: [suffix, target._rev.split('-')[1]] } });
    await world.admin.ok('POST', `/${DB}/_bulk_docs`, {
      new_edits: false,
      docs: [
        branch('a'.repeat(32), { title: 'Branch one', clock: { ...target.clock, title: `${Date.now()}-0-srv1` } }),
        branch('b'.repeat(32), { priority: 1, clock: { ...target.clock, priority: `${Date.now()}-0-srv2` } }),
      ],
    });
    // Both devices receive the conflict while neither can push, and each resolves it on its own.
    for (const h of [a, b]) {
      await new Promise<void>((resolve, reject) => {
        const pull = h.device.local.replicate.from(h.device.remote, { selector: { team: 'north' } });
        pull.on('complete', () => resolve()).on('error', reject);
      });
      expect(((await h.device.local.get(target._id, { conflicts: true })) as Stored)._conflicts).toHaveLength(1);
      await h.sync.resolveConflicts([target._id]);
    }
    const revs = await Promise.all(
      [a, b].map(async (h) => {
        const doc = (await h.device.local.get(target._id, { conflicts: true })) as Stored;
        expect(doc._conflicts).toBeUndefined();
        return doc._rev;
      }),
    );
    // Same content on the same parent; only the author (each device's own user) differs.
    for (const rev of revs) expect(rev?.startsWith(`${Number(pos) + 2}-`)).toBe(true);
    a.sync.start();
    b.sync.start();
    const server = await eventually('server settled', async () => {
      const s = await serverJob(target._id);
      if (s._conflicts) return undefined;
      const onDevices = await Promise.all([a, b].map((h) => localJob(h, target._id)));
      return onDevices.every((d) => d._rev === s._rev) ? s : undefined;
    });
    // Settled in one more step: the extra branch closed with a tombstone, not another merged revision.
    expect(Number(server._rev.split('-')[0])).toBe(Number(pos) + 2);
    expect(server.title).toBe('Branch one');
    expect(server.priority).toBe(1);
    a.sync.stop();
    b.sync.stop();
    const leaves = await world.admin.ok<Array<{ ok?: { _deleted?: boolean } }>>('GET', `/${DB}/${encodeURIComponent(target._id)}?open_revs=all`);
    expect(leaves.filter((l) => l.ok && !l.ok._deleted)).toHaveLength(1);
  }, 60_000);

  it('a type without a handler goes to the inbox, and a person settles it field by field', async () => {
    const device = await createDevice(world, worker, { name: 'devE' });
    devices.push(device);
    const ctx: WriteContext = { user: worker.user, role: 'field', hlc: createHlc({ deviceId: 'devE', now: Date.now }), now: Date.now };
    const sync = createSync({
      local: device.local,
      remote: device.remoteWith,
      fetch: device.fetch,
      selector: { team: 'north' },
      online: manualOnlineSignal(true),
      // Sites keep their handler; jobs have none here, so job conflicts need a person.
      conflicts: { registry: createHandlerRegistry({ byType: { site: forType('site', mergeSite) } }), context: ctx, deviceId: 'devE', team: 'north' },
    });
    syncs.push(sync);
    // A job of its own, so no other test's device touches it.
    const fresh = generateSeed({ jobs: 1, teams: ['north'], seed: 99 }, () => ({ field: worker.user, lead: lead.user })).find((d) => d.type === 'job');
    if (!fresh) throw new Error('no job');
    const written = await world.admin.ok<{ rev: string }>('PUT', `/${DB}/${encodeURIComponent(fresh._id)}`, fresh);
    const job = { ...(fresh as unknown as JobDoc), _rev: written.rev };
    const [pos, hash] = job._rev.split('-');
    const next = Number(pos) + 1;
    await world.admin.ok('POST', `/${DB}/_bulk_docs`, {
      new_edits: false,
      docs: [
        { ...job, title: 'Title from one', _rev: `${next}-${'c'.repeat(32)}`, _revisions: { start: next, ids: ['c'.repeat(32), hash] } },
        { ...job, title: 'Title from two', priority: 1, _rev: `${next}-${'d'.repeat(32)}`, _revisions: { start: next, ids: ['d'.repeat(32), hash] } },
      ],
    });
    sync.start();
    const entry = await eventually('inbox entry', () => sync.getStatus().inbox.find((e) => e.id === job._id));
    expect(sync.getStatus().conflicts).toBeGreaterThanOrEqual(1);
    expect(entry.versions).toHaveLength(2);
    expect(entry.why).toMatch(/choose/);
    const one = entry.versions.find((v) => v.title === 'Title from one');
    const two = entry.versions.find((v) => v.title === 'Title from two');
    if (!one || !two) throw new Error('both versions expected');
    await sync.resolveManually(job._id, { title: String(one._rev), priority: String(two._rev) });
    expect(sync.getStatus().inbox.find((e) => e.id === job._id)).toBeUndefined();
    const settled = await eventually('settled on the server', async () => {
      const s = await serverJob(job._id);
      return !s._conflicts && s.updatedBy === worker.user ? s : undefined;
    });
    expect(settled.title).toBe('Title from one');
    expect(settled.priority).toBe(1);
    sync.stop();
  }, 60_000);
});
