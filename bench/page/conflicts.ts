/**
 * Conflicts: N jobs each with two concurrent branches (different fields edited on two devices), resolved by the
 * domain handlers (sync/conflicts.ts) on the indexeddb adapter. Baseline from the same run: storing those 2N
 * leaves in one bulkDocs — the least the resolution's reads and writes of 2N revisions can cost.
 */
import { createHandlerRegistry, createHlc, domainHandlers } from '../../sync';
import { createResolver } from '../../sync/conflicts';
import type { Doc as SeedDoc } from '../../couch-config/seed';
import { asLocal, openLocal } from './common';

export interface ConflictsResult {
  ms: number;
  floorMs: number;
  resolved: number;
  inbox: number;
  leftConflicted: number;
}

const revHash = (id: string, tag: string) => `${tag}${Array.from(id, (c) => c.charCodeAt(0).toString(16)).join('')}`.padEnd(32, '0').slice(0, 32);

function branches(jobs: SeedDoc[], stamp: number): SeedDoc[] {
  return jobs.flatMap((d) => {
    const clock = d.clock as Record<string, string>;
    return [
      { ...d, _rev: `1-${revHash(d._id, 'a')}`, title: `${String(d.title)} (checked)`, clock: { ...clock, title: `${stamp}-0-devA` } },
      { ...d, _rev: `1-${revHash(d._id, 'b')}`, priority: 1, clock: { ...clock, priority: `${stamp}-0-devB` } },
    ];
  });
}

export async function runConflicts(jobs: SeedDoc[], user: string, team: string): Promise<ConflictsResult> {
  const leaves = branches(jobs, Date.now());
  const floorDb = openLocal('indexeddb');
  let t = performance.now();
  await floorDb.bulkDocs(leaves, { new_edits: false });
  const floorMs = performance.now() - t;
  await floorDb.destroy();

  const db = openLocal('indexeddb');
  await db.bulkDocs(leaves, { new_edits: false });
  const context = { user, role: 'field' as const, hlc: createHlc({ deviceId: 'bench-device', now: Date.now }), now: Date.now };
  const resolver = createResolver({ local: asLocal(db), registry: createHandlerRegistry({ byType: domainHandlers }), context, deviceId: 'bench-device', team });
  t = performance.now();
  const report = await resolver.resolve(jobs.map((d) => d._id));
  const ms = performance.now() - t;
  const check = (await asLocal(db).allDocs({ keys: jobs.map((d) => d._id), include_docs: true, conflicts: true })).rows;
  const leftConflicted = check.filter((r) => (r.doc?._conflicts?.length ?? 0) > 0).length;
  await db.destroy();
  return { ms, floorMs, resolved: report.resolved.length, inbox: report.inbox.length, leftConflicted };
}
