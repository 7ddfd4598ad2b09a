/**
 * Idle maintenance on a real PouchDB 9 database (leveldb in a temp dir) with fake timers: no test sleeps.
 * Compaction is observed the way it matters: an old revision's body is gone afterwards.
 */
import { describe, expect, it } from 'vitest';
import { fakeTimers } from './testing/fake-timers';
import { useTempDbs } from './testing/temp-dbs';
import { createMaintenance, type CompactableDb, type SyncLike } from './maintenance';
import type { SyncStateName } from './status';

/** The engine's status as maintenance reads it, set by hand. */
function syncState(initial: SyncStateName, pendingPush = 0) {
  let state = initial;
  let pending = pendingPush;
  const listeners = new Set<() => void>();
  const sync: SyncLike = { getStatus: () => ({ state: { name: state }, pendingPush: pending }), subscribe: (l) => (listeners.add(l), () => listeners.delete(l)) };
  return { sync, set: (next: SyncStateName, nextPending = 0) => ((state = next), (pending = nextPending)) };
}

type Db = CompactableDb & { put(doc: Record<string, unknown>): Promise<{ rev: string }>; get(id: string, opts?: Record<string, unknown>): Promise<Record<string, unknown>>; close(): Promise<void> };

const localDb = useTempDbs<Db>('maint');

/** A doc edited twice; returns its first revision, whose body compaction drops. */
async function editedDoc(db: Db): Promise<string> {
  const first = await db.put({ _id: 'job:1', title: 'first' });
  const second = await db.put({ _id: 'job:1', _rev: first.rev, title: 'second' });
  await db.put({ _id: 'job:1', _rev: second.rev, title: 'third' });
  return first.rev;
}

async function hasBody(db: Db, rev: string): Promise<boolean> {
  try {
    await db.get('job:1', { rev });
    return true;
  } catch {
    return false;
  }
}

/** Waits for the changes feed and the compaction's real I/O (the fake clock drives only maintenance's timers). */
async function settle(check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('idle maintenance', () => {
  it('compacts after idleMs without a local write while sync is live, once until the next write', async () => {
    const db = localDb();
    const oldRev = await editedDoc(db);
    const clock = fakeTimers();
    const { sync } = syncState('live');
    const maintenance = createMaintenance({ local: db, sync, idleMs: 60_000, timers: clock.timers });
    maintenance.start();
    clock.advance(59_000);
    expect(maintenance.getStatus().runs).toBe(0);
    expect(await hasBody(db, oldRev)).toBe(true);
    clock.advance(1_000);
    await settle(() => maintenance.getStatus().state.name === 'done');
    expect(maintenance.getStatus()).toMatchObject({ runs: 1, lastRunAt: 60_000, lastError: null });
    expect(await hasBody(db, oldRev)).toBe(false);
    clock.advance(600_000);
    expect(maintenance.getStatus().runs).toBe(1);
    maintenance.stop();
  });

  it('waits while the sync is not live or has edits to push, and restarts the quiet period on each write', async () => {
    const db = localDb();
    await editedDoc(db);
    const clock = fakeTimers();
    const state = syncState('initial');
    const maintenance = createMaintenance({ local: db, sync: state.sync, idleMs: 60_000, timers: clock.timers });
    maintenance.start();
    clock.advance(60_000);
    expect(maintenance.getStatus()).toMatchObject({ runs: 0, state: { name: 'waiting' } });
    state.set('live', 3);
    clock.advance(60_000);
    expect(maintenance.getStatus().runs).toBe(0);
    state.set('live', 0);
    clock.advance(30_000);
    maintenance.noteWrite();
    clock.advance(30_000); // only 30 s of quiet since the write
    expect(maintenance.getStatus().runs).toBe(0);
    clock.advance(30_000);
    await settle(() => maintenance.getStatus().runs === 1);
    maintenance.stop();
    expect(maintenance.getStatus().state.name).toBe('stopped');
  });

  it('sees writes through the changes feed, and runs trim in the same quiet moment', async () => {
    const db = localDb();
    const clock = fakeTimers();
    const { sync } = syncState('live');
    let trims = 0;
    const maintenance = createMaintenance({ local: db, sync, idleMs: 60_000, timers: clock.timers, trim: async () => void (trims += 1) });
    maintenance.start();
    clock.advance(60_000);
    await settle(() => maintenance.getStatus().state.name === 'done');
    expect(trims).toBe(1);
    await db.put({ _id: 'job:2', title: 'new' });
    await settle(() => maintenance.getStatus().state.name === 'waiting');
    clock.advance(60_000);
    await settle(() => maintenance.getStatus().runs === 2);
    expect(trims).toBe(2);
    maintenance.stop();
  });

  it('reports a failed run and tries again after the next quiet period', async () => {
    const db = localDb();
    const clock = fakeTimers();
    const { sync } = syncState('live');
    let fail = true;
    const maintenance = createMaintenance({
      local: db,
      sync,
      idleMs: 60_000,
      timers: clock.timers,
      trim: async () => {
        if (fail) throw new Error('storage is busy');
      },
    });
    maintenance.start();
    clock.advance(60_000);
    await settle(() => maintenance.getStatus().runs === 1);
    expect(maintenance.getStatus()).toMatchObject({ lastError: 'storage is busy', state: { name: 'waiting' } });
    fail = false;
    clock.advance(60_000);
    await settle(() => maintenance.getStatus().runs === 2);
    expect(maintenance.getStatus()).toMatchObject({ lastError: null, state: { name: 'done' } });
    maintenance.stop();
  });
});
