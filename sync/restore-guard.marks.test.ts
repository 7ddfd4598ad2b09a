/**
 * The pull mark's cadence, with a server stand-in that keeps `_local` docs and a clock set by hand: the first
 * sequence a connection notes is marked at once, later ones at most once a minute, and a failed write is retried
 * at the next batch. (The restore behaviour itself runs against a real server in restore-guard.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import type { Doc, LocalDb, RemoteDb } from './db';
import { createRestoreGuard, PULL_MARK_MS } from './restore-guard';

/** `_local` docs only, which is all the guard keeps on the device. */
function localStandIn(): LocalDb {
  const docs = new Map<string, Doc>();
  return {
    get: async (id: string) => {
      const doc = docs.get(id);
      if (!doc) throw Object.assign(new Error('missing'), { status: 404 });
      return doc;
    },
    put: async (doc: Doc) => {
      const rev = `0-${Number(String(docs.get(doc._id)?._rev ?? '0-0').split('-')[1]) + 1}`;
      docs.set(doc._id, { ...doc, _rev: rev });
      return { ok: true, id: doc._id, rev };
    },
  } as unknown as LocalDb;
}

function serverStandIn() {
  const docs = new Map<string, { seq?: unknown; _rev: string }>();
  const puts: Array<{ path: string; seq: unknown }> = [];
  let failing = false;
  const remote: RemoteDb = {
    async fetch(path, init) {
      if (failing) throw new TypeError('Failed to fetch');
      const current = docs.get(path);
      if (init?.method === 'PUT') {
        const body = JSON.parse(String(init.body)) as { seq?: unknown; _rev?: string };
        if ((body._rev ?? null) !== (current?._rev ?? null)) return new Response(JSON.stringify({ error: 'conflict' }), { status: 409 });
        const rev = `0-${docs.size + puts.length + 1}`;
        docs.set(path, { ...body, _rev: rev });
        puts.push({ path, seq: body.seq });
        return new Response(JSON.stringify({ ok: true, rev }), { status: 201 });
      }
      return current ? new Response(JSON.stringify(current), { status: 200 }) : new Response('{"error":"not_found"}', { status: 404 });
    },
  };
  return { remote, puts, fail: (on: boolean) => (failing = on) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('pull marks', () => {
  it('marks the first pulled sequence at once, then at most once a minute, and resumes from the mark', async () => {
    const server = serverStandIn();
    let now = 1_000_000;
    const guard = createRestoreGuard(localStandIn(), server.remote, () => 0.5, () => now);

    expect(await guard.pullResumesAt()).toBe(0);
    guard.connected();
    guard.notePulled(42);
    await settle();
    expect(server.puts.map((p) => p.seq)).toEqual([42]);

    for (const seq of [43, 44, 45]) guard.notePulled(seq);
    now += PULL_MARK_MS - 1;
    guard.notePulled(46);
    await settle();
    expect(server.puts.map((p) => p.seq)).toEqual([42]);

    now += 1;
    guard.notePulled(47);
    await settle();
    expect(server.puts.map((p) => p.seq)).toEqual([42, 47]);
    expect(await guard.pullResumesAt()).toBe(47);
  });

  it('marks at once again on every new connection, and retries a failed write at the next batch', async () => {
    const server = serverStandIn();
    let now = 5_000_000;
    const guard = createRestoreGuard(localStandIn(), server.remote, () => 0.5, () => now);
    guard.connected();
    guard.notePulled(10);
    await settle();

    guard.connected(); // a reconnect ten seconds later
    now += 10_000;
    server.fail(true);
    guard.notePulled(12);
    await settle();
    server.fail(false);
    guard.notePulled(13);
    await settle();
    expect(server.puts.map((p) => p.seq)).toEqual([10, 13]);
  });

  it('marks where the initial sync handed over before the live pull starts, and does not mark it again', async () => {
    const server = serverStandIn();
    const guard = createRestoreGuard(localStandIn(), server.remote, () => 0.5, () => 9_000_000);
    await guard.markPulled(10_504);
    expect(server.puts.map((p) => p.seq)).toEqual([10_504]);
    expect(await guard.pullResumesAt()).toBe(10_504);

    guard.connected();
    guard.notePulled(10_504); // the live pull's first catch-up, with nothing new
    await settle();
    expect(server.puts.map((p) => p.seq)).toEqual([10_504]);
  });
});
