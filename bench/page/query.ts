/**
 * The job list (app/jobs/query.ts) over a synced device's jobs on the indexeddb adapter: a mix of the filters
 * and sorts the list screen offers, each timed. Baseline from the same run: the nearest thing pouchdb-find can
 * answer alone — an indexed find on ['type','status','due'] with the list's fields projected, sorted in JS
 * (it has no substring search over the site's name, so that part is left out and flatters the baseline).
 */
import { DEFAULT_JOB_QUERY, JOB_LIST_INDEX, prepareJobQueries, queryJobs, type JobQuery, type JobQueryDb, type JobRow } from '../../app/jobs/query';
import { jobComparator, localDay } from '../../app/jobs/job-filter';
import type { Database } from 'pouchdb-browser/lib/index.es.js';

export interface QueryResult {
  /** createIndex + the first load of the rows. */
  prepareMs: number;
  /** The load on a later start of the app: the index exists, the rows are read through it. */
  reloadMs: number;
  /** For comparison: allDocs over the job id range with the docs (what a load without the index costs). */
  allDocsMs: number;
  ms: number[];
  findMs: number[];
  rows: number[];
}

const QUERIES: JobQuery[] = [
  DEFAULT_JOB_QUERY,
  { ...DEFAULT_JOB_QUERY, mine: true, due: 'week' },
  { ...DEFAULT_JOB_QUERY, due: 'overdue', sort: 'priority' },
  { ...DEFAULT_JOB_QUERY, search: 'pump', sort: 'title' },
  { ...DEFAULT_JOB_QUERY, status: 'all', sort: 'updated' },
  { ...DEFAULT_JOB_QUERY, status: 'open', sort: 'priority' },
  { ...DEFAULT_JOB_QUERY, status: 'all', search: 'valve 4', sort: 'due' },
  { ...DEFAULT_JOB_QUERY, status: 'done', mine: true, sort: 'updated' },
  { ...DEFAULT_JOB_QUERY, due: 'today' },
  { ...DEFAULT_JOB_QUERY, status: 'all', sort: 'title' },
];

const OPEN = ['open', 'assigned', 'en_route', 'on_site', 'blocked'];

function findSelector(query: JobQuery, user: string, now: number): Record<string, unknown> {
  const status = query.status === 'active' ? { $in: OPEN } : query.status === 'all' ? { $gt: null } : query.status;
  const today = localDay(now);
  const due =
    query.due === 'overdue' ? { $lt: today } : query.due === 'today' ? today : query.due === 'week' ? { $gte: today, $lte: localDay(now, 6) } : { $gte: null };
  return { type: 'job', status, due, ...(query.mine ? { assignee: user } : {}) };
}

async function findOnly(db: Database, query: JobQuery, user: string, now: number): Promise<number> {
  const result = await db.find({ selector: findSelector(query, user, now), fields: ['_id', 'title', 'siteId', 'status', 'priority', 'assignee', 'due', 'updatedAt'], limit: Number.MAX_SAFE_INTEGER, use_index: JOB_LIST_INDEX.ddoc });
  const needle = query.search.toLowerCase();
  const rows = (result.docs as unknown as Array<JobRow & { _id: string }>).map((d) => ({ ...d, id: d._id, siteName: null })).filter((r) => r.title.toLowerCase().includes(needle));
  return rows.sort(jobComparator(query.sort)).length;
}

export async function runQueries(db: Database, user: string, now: number, count: number, baselineCount: number): Promise<QueryResult> {
  const jobsDb = db as unknown as JobQueryDb;
  let t = performance.now();
  await prepareJobQueries(jobsDb);
  const prepareMs = performance.now() - t;
  const ms: number[] = [];
  const rows: number[] = [];
  for (let i = 0; i < count; i++) {
    const query = QUERIES[i % QUERIES.length] ?? DEFAULT_JOB_QUERY;
    t = performance.now();
    const result = await queryJobs(jobsDb, query, { user, now });
    ms.push(performance.now() - t);
    rows.push(result.length);
  }
  const findMs: number[] = [];
  for (let i = 0; i < baselineCount; i++) {
    const query = QUERIES[i % QUERIES.length] ?? DEFAULT_JOB_QUERY;
    t = performance.now();
    await findOnly(db, query, user, now);
    findMs.push(performance.now() - t);
  }
  // A later start of the app: same database and index, a new cache (keyed by the object the app passes in).
  t = performance.now();
  await prepareJobQueries(Object.create(db) as JobQueryDb);
  const reloadMs = performance.now() - t;
  t = performance.now();
  await (db as unknown as { allDocs(o: object): Promise<unknown> }).allDocs({ startkey: 'job:', endkey: 'job:\uffff', include_docs: true });
  const allDocsMs = performance.now() - t;
  return { prepareMs, reloadMs, allDocsMs, ms, findMs, rows };
}
