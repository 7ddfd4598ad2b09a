/**
 * The resolver on a real PouchDB 9 database (leveldb in a temp dir): many conflicts are resolved in batches, and
 * one doc that cannot be resolved (no handler, or its winner moved while the batch was being written) goes to the
 * inbox without holding back the others.
 */
import { describe, expect, it } from 'vitest';
import { generateSeed } from '../couch-config/seed';
import { createResolver } from './conflicts';
import type { BulkResult, Doc, LocalDb } from './db';
import { createHlc } from './hlc';
import { createHandlerRegistry, domainHandlers } from './merge';
import { useTempDbs } from './testing/temp-dbs';

type Db = LocalDb & { close(): Promise<void> };

const localDb = useTempDbs<Db>('conflicts');

/** `count` jobs, each stored as two concurrent first revisions that edited different fields. */
async function conflictedJobs(db: Db, count: number): Promise<Doc[]> {
  const jobs = generateSeed({ jobs: count, teams: ['north'], seed: 7 }, () => ({ field: 'fay', lead: 'lee' })).filter((d) => d.type === 'job') as Doc[];
  const hash = (i: number, tag: string) => `${tag}${i.toString(16)}`.padEnd(32, '0');
  const leaves = jobs.flatMap((job, i) => {
    const clock = job.clock as Record<string, string>;
    return [
      { ...job, _rev: `1-${hash(i, 'a')}`, title: `${String(job.title)} (checked)`, clock: { ...clock, title: '1800000000000-0-devA' } },
      { ...job, _rev: `1-${hash(i, 'b')}`, priority: 1, clock: { ...clock, priority: '1800000000000-0-devB' } },
    ];
  });
  await db.bulkDocs(leaves, { new_edits: false });
  return jobs;
}

function resolverFor(local: LocalDb) {
  let t = Date.UTC(2026, 5, 1);
  const now = () => ++t;
  const context = { user: 'fay', role: 'field' as const, now, hlc: createHlc({ deviceId: 'dev-fay', now }) };
  return createResolver({ local, registry: createHandlerRegistry({ byType: domainHandlers }), context, deviceId: 'dev-fay', team: 'north' });
}

async function stillConflicted(db: Db, ids: string[]): Promise<string[]> {
  const rows = (await db.allDocs({ keys: ids, include_docs: true, conflicts: true })).rows;
  return rows.filter((r) => (r.doc?._conflicts?.length ?? 0) > 0).map((r) => r.id);
}

describe('batched conflict resolution', () => {
  it('resolves 600 conflicted jobs with three writes per batch of 250, keeping both edits of each', async () => {
    const db = localDb();
    const jobs = await conflictedJobs(db, 600);
    const ids = jobs.map((j) => j._id);
    let writes = 0;
    const counted: LocalDb = Object.create(db, { bulkDocs: { value: (docs: Doc[], o?: { new_edits?: boolean }) => (writes++, db.bulkDocs(docs, o)) } });

    const report = await resolverFor(counted).resolve(ids);

    expect(report.inbox).toEqual([]);
    expect(report.resolved.sort()).toEqual([...ids].sort());
    expect(await stillConflicted(db, ids)).toEqual([]);
    expect(writes).toBe(3 * Math.ceil(ids.length / 250));
    const merged = (await db.allDocs({ keys: ids, include_docs: true })).rows.map((r) => r.doc as Doc);
    for (const [i, doc] of merged.entries()) {
      expect(doc.title).toBe(`${String(jobs[i]!.title)} (checked)`);
      expect(doc.priority).toBe(1);
      expect(doc.updatedBy).toBe('fay');
    }
    const audits = (await db.allDocs({ include_docs: true })).rows.filter((r) => r.doc?.type === 'conflict');
    expect(audits.map((r) => r.doc!.docId).sort()).toEqual([...ids].sort());
  });

  it('a doc whose winner moved while its merge was being written goes to the inbox; the rest of the batch is resolved', async () => {
    const db = localDb();
    const jobs = await conflictedJobs(db, 40);
    const ids = jobs.map((j) => j._id);
    const moved = ids[17]!;
    let first = true;
    // The person saves an edit to one job just as the resolver writes the batch's merged bodies.
    const racing: LocalDb = Object.create(db, {
      bulkDocs: {
        value: async (docs: Doc[], o?: { new_edits?: boolean }): Promise<BulkResult[]> => {
          if (first) {
            first = false;
            const current = (await db.get(moved)) as Doc;
            await db.put({ ...current, notesDraft: 'typed meanwhile' });
          }
          return db.bulkDocs(docs, o);
        },
      },
    });

    const report = await resolverFor(racing).resolve(ids);

    expect(report.inbox.map((e) => e.id)).toEqual([moved]);
    expect(report.inbox[0]!.why).toMatch(/writing the resolution of .* failed/);
    expect(report.resolved).toHaveLength(ids.length - 1);
    expect(await stillConflicted(db, ids)).toEqual([moved]);
    // The next round (on the next pull or start) resolves it on top of the person's edit.
    const again = await resolverFor(db).resolve([moved]);
    expect(again.resolved).toEqual([moved]);
    const settled = (await db.get(moved)) as Doc;
    expect(settled.notesDraft).toBe('typed meanwhile');
    expect(await stillConflicted(db, ids)).toEqual([]);
  });

  it('a type without a handler goes to the inbox and does not stop the jobs beside it', async () => {
    const db = localDb();
    const jobs = await conflictedJobs(db, 5);
    await db.bulkDocs(
      [
        { _id: 'gadget:1', _rev: '1-aaaa', type: 'gadget', team: 'north', colour: 'red' },
        { _id: 'gadget:1', _rev: '1-bbbb', type: 'gadget', team: 'north', colour: 'blue' },
      ],
      { new_edits: false },
    );
    const ids = [...jobs.map((j) => j._id), 'gadget:1'];

    const report = await resolverFor(db).resolve(ids);

    expect(report.inbox.map((e) => e.id)).toEqual(['gadget:1']);
    expect(report.inbox[0]!.versions).toHaveLength(2);
    expect(report.resolved).toHaveLength(jobs.length);
    expect(await stillConflicted(db, ids)).toEqual(['gadget:1']);
  });
});
