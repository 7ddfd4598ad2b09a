import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSeed } from '../../couch-config/seed';
import type { AppDb } from '../device/db';
import { localDay } from './job-filter';
import { useLocalDbs } from './testing/local-dbs';
import { DEFAULT_JOB_QUERY, JOB_LIST_INDEX, prepareJobQueries, queryJobs, type JobQuery, type JobQueryDb, type JobRow } from './query';

// The app's database type is what the job list screen passes in.
const _appDbIsAJobQueryDb: (db: AppDb) => JobQueryDb = (db) => db;

type TestDb = JobQueryDb & {
  bulkDocs(docs: object[]): Promise<Array<{ ok?: boolean; rev?: string; error?: unknown }>>;
  put(doc: object): Promise<{ rev: string }>;
  get(id: string): Promise<Record<string, unknown> & { _rev: string }>;
  allDocs(opts: { startkey: string; endkey: string }): Promise<{ rows: Array<{ id: string }> }>;
  close(): Promise<void>;
};

const NOW = new Date(2026, 0, 15, 9, 30).getTime(); // local time, as the device sees it
const ctx = { user: 'ana', now: NOW };
const day = (offset: number) => localDay(NOW, offset);

const open = useLocalDbs<TestDb>('jobs');

interface JobSpec {
  id: string;
  title?: string;
  status?: JobRow['status'];
  priority?: JobRow['priority'];
  assignee?: string | null;
  due?: string | null;
  updatedAt?: string;
  siteId?: string | null;
}

const job = (spec: JobSpec) => ({
  _id: `job:${spec.id}`, type: 'job', team: 'north', schema: 1,
  title: spec.title ?? `Job ${spec.id}`, siteId: spec.siteId ?? null, status: spec.status ?? 'open', priority: spec.priority ?? 3,
  assignee: spec.assignee ?? null, due: spec.due ?? null, description: 'long text the list never shows', checklist: [], notes: [], readings: [], photos: [],
  location: null, createdAt: '2026-01-01T00:00:00.000Z', createdBy: 'ben', updatedAt: spec.updatedAt ?? '2026-01-01T00:00:00.000Z', updatedBy: 'ben', clock: {},
});
const site = (id: string, name: string) => ({ _id: `site:${id}`, type: 'site', team: 'north', schema: 1, name, address: null, geo: null, contact: null, createdAt: '', createdBy: 'ben', updatedAt: '', updatedBy: 'ben', clock: {} });

const ids = (rows: JobRow[]) => rows.map((r) => r.id.slice('job:'.length));
const q = (over: Partial<JobQuery>): JobQuery => ({ ...DEFAULT_JOB_QUERY, ...over });

describe('queryJobs', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = open();
    await db.bulkDocs([
      site('harbour', 'Harbour Pump 101'),
      site('mill', 'Mill Transformer 7'),
      job({ id: 'a', title: 'Inspect gate valve', status: 'open', priority: 2, due: day(-3), siteId: 'site:harbour', updatedAt: '2026-01-10T00:00:00.000Z' }),
      job({ id: 'b', title: 'repair fence line', status: 'assigned', assignee: 'ana', priority: 1, due: day(0), siteId: 'site:mill', updatedAt: '2026-01-12T00:00:00.000Z' }),
      job({ id: 'c', title: 'Clean culvert', status: 'done', assignee: 'ana', priority: 1, due: day(-5), updatedAt: '2026-01-14T00:00:00.000Z' }),
      job({ id: 'd', title: 'Éclair check', status: 'cancelled', priority: 4, due: day(-1), updatedAt: '2026-01-09T00:00:00.000Z' }),
      job({ id: 'e', title: 'Service generator', status: 'en_route', assignee: 'ana', priority: 3, due: day(6), updatedAt: '2026-01-11T00:00:00.000Z' }),
      job({ id: 'f', title: 'Test alarm', status: 'blocked', assignee: 'carla', priority: 2, due: day(7), updatedAt: '2026-01-13T00:00:00.000Z' }),
      job({ id: 'g', title: 'apply paint', status: 'on_site', assignee: 'ana', priority: 1, due: null, updatedAt: '2026-01-08T00:00:00.000Z' }),
      job({ id: 'h', title: 'Survey mast', status: 'open', priority: 2, due: day(-3), siteId: 'site:mill', updatedAt: '2026-01-10T00:00:00.000Z' }),
      { _id: 'conflict:x', type: 'conflict', team: 'north', title: 'not a job' },
    ]);
    await prepareJobQueries(db);
  });
  afterAll(() => db.close());

  it('returns the list fields only, with the site name joined', async () => {
    const [row] = await queryJobs(db, q({ status: 'all', search: 'gate valve' }), ctx);
    expect(row).toEqual({
      id: 'job:a', title: 'Inspect gate valve', siteId: 'site:harbour', siteName: 'Harbour Pump 101', status: 'open', priority: 2, assignee: null, due: day(-3), updatedAt: '2026-01-10T00:00:00.000Z',
    });
  });

  it('filters by status: all, active (not done, not cancelled) or one status', async () => {
    expect(ids(await queryJobs(db, q({ status: 'all', sort: 'title' }), ctx)).sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    expect(ids(await queryJobs(db, q({ status: 'active' }), ctx)).sort()).toEqual(['a', 'b', 'e', 'f', 'g', 'h']);
    expect(ids(await queryJobs(db, q({ status: 'done' }), ctx))).toEqual(['c']);
    expect(ids(await queryJobs(db, q({ status: 'blocked' }), ctx))).toEqual(['f']);
  });

  it('keeps only jobs assigned to the signed-in person when asked', async () => {
    expect(ids(await queryJobs(db, q({ status: 'all', mine: true }), ctx)).sort()).toEqual(['b', 'c', 'e', 'g']);
    expect(ids(await queryJobs(db, q({ status: 'all', mine: true }), { ...ctx, user: 'carla' }))).toEqual(['f']);
  });

  it('filters by due date: overdue skips closed jobs and today; week is today and the next six days; no date matches only any', async () => {
    expect(ids(await queryJobs(db, q({ status: 'all', due: 'overdue' }), ctx))).toEqual(['a', 'h']);
    expect(ids(await queryJobs(db, q({ status: 'all', due: 'today' }), ctx))).toEqual(['b']);
    expect(ids(await queryJobs(db, q({ status: 'all', due: 'week' }), ctx))).toEqual(['b', 'e']);
    expect(ids(await queryJobs(db, q({ status: 'all', due: 'week' }), { ...ctx, now: NOW + 86_400_000 }))).toEqual(['e', 'f']);
  });

  it('searches title and site name, case-insensitively, ignoring surrounding blanks', async () => {
    expect(ids(await queryJobs(db, q({ status: 'all', search: '  MILL ' }), ctx)).sort()).toEqual(['b', 'h']);
    expect(ids(await queryJobs(db, q({ status: 'all', search: 'pump 1' }), ctx))).toEqual(['a']);
    expect(ids(await queryJobs(db, q({ status: 'all', search: 'FENCE' }), ctx))).toEqual(['b']);
    expect(await queryJobs(db, q({ status: 'all', search: 'nothing like this' }), ctx)).toEqual([]);
  });

  it('sorts by due (soonest first, no date last), priority then due, newest update, or title', async () => {
    const all = { status: 'all' as const };
    expect(ids(await queryJobs(db, q({ ...all, sort: 'due' }), ctx))).toEqual(['c', 'a', 'h', 'd', 'b', 'e', 'f', 'g']);
    expect(ids(await queryJobs(db, q({ ...all, sort: 'priority' }), ctx))).toEqual(['c', 'b', 'g', 'a', 'h', 'f', 'e', 'd']);
    expect(ids(await queryJobs(db, q({ ...all, sort: 'updated' }), ctx))).toEqual(['c', 'f', 'b', 'e', 'a', 'h', 'd', 'g']);
    const titles = (await queryJobs(db, q({ ...all, sort: 'title' }), ctx)).map((r) => r.title);
    expect(titles).toEqual([...titles].sort((x, y) => x.localeCompare(y)));
    expect(titles.slice(0, 3)).toEqual(['apply paint', 'Clean culvert', 'Éclair check']);
  });

  it('combines filters', async () => {
    expect(ids(await queryJobs(db, q({ status: 'active', mine: true, due: 'week', search: 'generator', sort: 'priority' }), ctx))).toEqual(['e']);
  });
});

describe('keeping the list current', () => {
  it('answers with edits, new jobs, deletions and renamed sites made since the last query', async () => {
    const db = open();
    await db.bulkDocs([site('s', 'Old Name'), job({ id: 'one', siteId: 'site:s', title: 'First' }), job({ id: 'two', title: 'Second' })]);
    expect(ids(await queryJobs(db, q({ sort: 'title' }), ctx))).toEqual(['one', 'two']);

    const two = await db.get('job:two');
    await db.put({ ...two, status: 'done' });
    await db.put(job({ id: 'three', title: 'Third' }));
    const one = await db.get('job:one');
    await db.put({ ...one, _deleted: true });
    expect(ids(await queryJobs(db, q({ sort: 'title' }), ctx))).toEqual(['three']);

    await db.put(job({ id: 'four', siteId: 'site:s', title: 'Fourth' }));
    const s = await db.get('site:s');
    await db.put({ ...s, name: 'New Name' });
    const [row] = await queryJobs(db, q({ search: 'new name' }), ctx);
    expect(row).toMatchObject({ id: 'job:four', siteName: 'New Name' });
    await db.close();
  });

  it('returns every matching job, not the first 25', async () => {
    const db = open();
    await db.bulkDocs(Array.from({ length: 120 }, (_, i) => job({ id: String(i).padStart(3, '0'), due: day(i % 10) })));
    expect(await queryJobs(db, q({}), ctx)).toHaveLength(120);
    await db.close();
  });

  it('prepares once: a second call and concurrent queries share one index and one load', async () => {
    const db = open();
    await db.bulkDocs([job({ id: 'x' })]);
    await Promise.all([prepareJobQueries(db), prepareJobQueries(db), queryJobs(db, q({}), ctx)]);
    await prepareJobQueries(db);
    const ddocs = await db.allDocs({ startkey: '_design/', endkey: '_design/\uffff' });
    expect(ddocs.rows.map((r) => r.id)).toEqual([`_design/${JOB_LIST_INDEX.ddoc}`]);
    expect(ids(await queryJobs(db, q({}), ctx))).toEqual(['x']);
    await db.close();
  });
});

describe('against the seed data', () => {
  it('agrees with a plain filter over the generated jobs', async () => {
    const db = open();
    const docs = generateSeed({ jobs: 600, teams: ['north'], seed: 7 }, () => ({ field: 'ana', lead: 'ben' }));
    await db.bulkDocs(docs);
    const seedNow = new Date(2025, 11, 20, 12).getTime();
    const jobs = docs.filter((d) => d.type === 'job');
    const rows = await queryJobs(db, q({ status: 'active', mine: true, due: 'overdue', sort: 'priority' }), { user: 'ana', now: seedNow });
    const today = localDay(seedNow);
    const expected = jobs.filter((d) => !['done', 'cancelled'].includes(String(d.status)) && d.assignee === 'ana' && typeof d.due === 'string' && d.due < today);
    expect(rows.map((r) => r.id).sort()).toEqual(expected.map((d) => d._id).sort());
    expect(rows.length).toBeGreaterThan(25);
    for (let i = 1; i < rows.length; i++) {
      const [a, b] = [rows[i - 1] as JobRow, rows[i] as JobRow];
      expect(a.priority < b.priority || (a.priority === b.priority && String(a.due) <= String(b.due))).toBe(true);
    }
    await db.close();
  });
});
