/**
 * Retention end to end, on a real embedded server with the server-side replications `couch setup` installs and
 * a real PouchDB 9 device: closed jobs past the window leave the team database and the device, the hub keeps
 * them, neither replication carries the retirement across, and only the retention job can write `retiredAt`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devicePullSelector, trimLocalJobs } from '../../sync/retention';
import { createDevice, createUser, eventually, startWorld, type Device, type World } from '../../sync/testing/harness';
import { basicAuth } from '../admin-client';
import { HUB_DB, teamDb } from '../model';
import { job, type JobDoc } from '../rules/docs';
import { silentReporter } from './report';
import { formatRetention, runRetention } from './retention';

const NOW = new Date('2026-06-01T12:00:00.000Z');
const TEAM = 'north';
const TEAM_DB = teamDb(TEAM);

let world: World;
let lead: { user: string; password: string };
let hq: { user: string; password: string };
let device: Device;
const docs: Record<'oldDone' | 'oldCancelled' | 'recentDone' | 'oldOpen', JobDoc> = {} as never;

type Stored = JobDoc & { _rev: string; retiredAt?: string; _conflicts?: string[] };

async function get(db: string, id: string): Promise<Stored | null> {
  const res = await world.admin.request<Stored>('GET', `/${db}/${encodeURIComponent(id)}?conflicts=true`);
  return res.status === 200 ? res.body : null;
}

async function putAs<T extends { _id: string }>(account: { user: string; password: string }, db: string, doc: T) {
  const res = await fetch(`${world.server.url}/${db}/${encodeURIComponent(doc._id)}`, {
    method: 'PUT',
    headers: { authorization: basicAuth({ user: account.user, password: account.password }), 'content-type': 'application/json' },
    body: JSON.stringify(doc),
  });
  return { status: res.status, body: (await res.json()) as { error?: string; reason?: string; rev?: string } };
}

function pull(target: Device, selector: Record<string, unknown>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    target.local.replicate.from(target.remote, { selector }).on('complete', resolve).on('error', reject);
  });
}

async function localIds(target: Device): Promise<string[]> {
  const all = await target.local.allDocs({});
  return all.rows.map((r) => r.id).filter((id) => !id.startsWith('_design/')).sort();
}

beforeAll(async () => {
  world = await startWorld([TEAM]);
  lead = await createUser(world, 'lead', TEAM);
  hq = await createUser(world, 'hq', null);
  const author = { team: TEAM, by: lead.user };
  const old = '2026-01-10T08:00:00.000Z';
  const recent = '2026-05-20T08:00:00.000Z';
  docs.oldDone = job(author, { status: 'done', updatedAt: old });
  docs.oldCancelled = job(author, { status: 'cancelled', updatedAt: old });
  docs.recentDone = job(author, { status: 'done', updatedAt: recent });
  docs.oldOpen = job(author, { status: 'open', updatedAt: old });
  for (const doc of Object.values(docs)) expect((await putAs(lead, TEAM_DB, doc)).status).toBe(201);
  for (const doc of Object.values(docs)) await eventually(`${doc._id} on the hub`, async () => (await get(HUB_DB, doc._id)) ?? undefined);
  device = await createDevice(world, await createUser(world, 'field', TEAM));
  await pull(device, { team: TEAM });
}, 120_000);

afterAll(async () => {
  await device?.close();
  await world?.close();
});

describe('retention', () => {
  it('on a device without purge (leveldb), trims nothing and writes nothing, so nothing can be pushed', async () => {
    const before = await device.local.info();
    const result = await trimLocalJobs({ local: device.local, remote: device.remote, now: NOW.getTime() });
    expect(result).toEqual({ expired: 2, purged: 0, kept: 2, unsupported: true });
    expect((await device.local.info()).update_seq).toBe(before.update_seq);
  });

  it('a dry run reports what it would retire and changes nothing', async () => {
    const result = await runRetention(world.admin, { days: 90, dryRun: true, now: () => NOW, reporter: silentReporter });
    expect(result.teams).toEqual([{ team: TEAM, candidates: 2, retired: 2, skipped: [] }]);
    expect(formatRetention(result)).toContain('would retire 2 of 2 closed job(s)');
    expect(await get(TEAM_DB, docs.oldDone._id)).not.toBeNull();
  });

  it('retires closed jobs past the window from the team database; the hub keeps them, marked', async () => {
    const result = await runRetention(world.admin, { days: 90, dryRun: false, now: () => NOW, reporter: silentReporter });
    expect(result.teams).toEqual([{ team: TEAM, candidates: 2, retired: 2, skipped: [] }]);
    expect(await get(TEAM_DB, docs.oldDone._id)).toBeNull();
    expect(await get(TEAM_DB, docs.oldCancelled._id)).toBeNull();
    expect(await get(TEAM_DB, docs.recentDone._id)).not.toBeNull();
    expect(await get(TEAM_DB, docs.oldOpen._id)).not.toBeNull();
    for (const retired of [docs.oldDone, docs.oldCancelled]) {
      expect(await get(HUB_DB, retired._id)).toMatchObject({ status: retired.status, title: retired.title, retiredAt: NOW.toISOString() });
    }
    const again = await runRetention(world.admin, { days: 90, dryRun: false, now: () => NOW, reporter: silentReporter });
    expect(again.teams[0]?.retired).toBe(0);
  });

  it('the team -> hub replication does not carry the retirement: the hub copy stays alive after later changes arrive', async () => {
    const marker = job({ team: TEAM, by: lead.user }, { title: 'written after the retention run' });
    expect((await putAs(lead, TEAM_DB, marker)).status).toBe(201);
    await eventually('the marker on the hub', async () => (await get(HUB_DB, marker._id)) ?? undefined);
    const hubCopy = await get(HUB_DB, docs.oldDone._id);
    expect(hubCopy).toMatchObject({ status: 'done', retiredAt: NOW.toISOString() });
    expect(hubCopy?._conflicts).toBeUndefined();
  });

  it('the hub -> team replication does not bring a retired job back, even after HQ edits it', async () => {
    const hubCopy = await get(HUB_DB, docs.oldDone._id);
    if (!hubCopy) throw new Error('the hub lost the job');
    const edit = await putAs(hq, HUB_DB, { ...hubCopy, description: 'HQ archived note', updatedBy: hq.user, updatedAt: '2026-06-01T12:30:00.000Z' });
    expect(edit.status, JSON.stringify(edit.body)).toBe(201);
    const marker = job({ team: TEAM, by: hq.user }, { title: 'HQ wrote this after the edit' });
    expect((await putAs(hq, HUB_DB, marker)).status).toBe(201);
    await eventually('the HQ marker in the team database', async () => (await get(TEAM_DB, marker._id)) ?? undefined);
    expect(await get(TEAM_DB, docs.oldDone._id)).toBeNull();
  });

  it('devices drop retired jobs: the pulled retention tombstones remove them, and a fresh device never gets them', async () => {
    await pull(device, { team: TEAM });
    const ids = await localIds(device);
    expect(ids).not.toContain(docs.oldDone._id);
    expect(ids).not.toContain(docs.oldCancelled._id);
    expect(ids).toEqual(expect.arrayContaining([docs.recentDone._id, docs.oldOpen._id]));

    const fresh = await createDevice(world, await createUser(world, 'field', TEAM));
    try {
      await pull(fresh, devicePullSelector(TEAM, { now: NOW.getTime() }));
      const freshIds = await localIds(fresh);
      expect(freshIds).toEqual(expect.arrayContaining([docs.recentDone._id, docs.oldOpen._id]));
      expect(freshIds).not.toContain(docs.oldDone._id);
    } finally {
      await fresh.close();
    }
  });

  it('only the retention job can write retiredAt: a lead can neither retire nor mark a job', async () => {
    const current = await get(TEAM_DB, docs.recentDone._id);
    if (!current) throw new Error('missing');
    const tombstone = await putAs(lead, TEAM_DB, { _id: current._id, _rev: current._rev, _deleted: true, team: TEAM, retiredAt: NOW.toISOString() });
    expect(tombstone.status).toBe(403);
    expect(tombstone.body.reason).toMatch(/^retiredAt: /);
    const marked = await putAs(lead, TEAM_DB, { ...current, retiredAt: NOW.toISOString() });
    expect(marked.status).toBe(403);
    expect(await get(TEAM_DB, docs.recentDone._id)).toMatchObject({ _rev: current._rev });
  });
});
