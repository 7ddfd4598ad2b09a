/**
 * The device's job list: every job matching a filter, sorted, from the local database.
 *
 * Why a row cache and not one pouchdb-find query per keystroke: a find over 10k jobs reads and clones every full
 * document it matches (~1.5 KB each, with checklists and notes) before projecting `fields`, and it cannot search a
 * substring or join the site's name. Measured in Chromium on the indexeddb adapter (bench/, `npm run bench`),
 * that misses the 50 ms target by a wide margin, while filtering and sorting the small rows in memory takes a few ms.
 * So per database:
 *   prepare  create the pouchdb-find index on ['type','status','due'] and load the rows of every job and site
 *            through it (two indexed finds with a `fields` projection)
 *   refresh  before each query, apply the local changes feed since the last one (a no-op read when nothing
 *            changed): edits made on this device and docs the sync pulled are in the next answer
 *   select   filter and sort the rows (app/jobs/job-filter.ts)
 */
import { indexRow, selectJobs, type IndexedRow, type JobQuery, type JobQueryContext, type JobRow } from './job-filter';

export { DEFAULT_JOB_QUERY, type DueFilter, type JobQuery, type JobQueryContext, type JobRow, type JobSort } from './job-filter';

type Fields = Record<string, unknown>;

/** The PouchDB surface the job list uses (pouchdb-browser + pouchdb-find on the device, pouchdb-node in tests). */
export interface JobQueryDb {
  createIndex(request: { index: { fields: string[]; name?: string; ddoc?: string } }): Promise<unknown>;
  find(request: { selector: Fields; fields?: string[]; limit?: number; use_index?: string }): Promise<{ docs: Fields[]; warning?: string }>;
  changes(opts: { since: number | string; include_docs: true; return_docs?: boolean }): PromiseLike<{ results: Array<{ id: string; deleted?: boolean; doc?: Fields }>; last_seq: number | string }>;
  info(): Promise<{ update_seq: number | string }>;
}

/** The index the job list loads through: by type, then status and due date (also what a server-side _find would use). */
export const JOB_LIST_INDEX = { fields: ['type', 'status', 'due'], name: 'outpost-job-list', ddoc: 'outpost-job-list' } as const;

const JOB_FIELDS = ['_id', 'title', 'siteId', 'status', 'priority', 'assignee', 'due', 'updatedAt'];
const SITE_FIELDS = ['_id', 'name'];
// `find` stops at 25 docs unless told otherwise; the list wants every job.
const NO_LIMIT = Number.MAX_SAFE_INTEGER;

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

type JobFields = Omit<JobRow, 'siteName'>;
function jobFields(doc: Fields): JobFields {
  const priority = doc.priority;
  return {
    id: String(doc._id),
    title: text(doc.title) ?? '',
    siteId: text(doc.siteId),
    status: (text(doc.status) ?? 'open') as JobRow['status'],
    priority: priority === 1 || priority === 2 || priority === 3 || priority === 4 ? priority : 3,
    assignee: text(doc.assignee),
    due: text(doc.due),
    updatedAt: text(doc.updatedAt) ?? '',
  };
}

/** The rows of one database, kept current from its changes feed. */
class JobRowCache {
  private readonly rows = new Map<string, IndexedRow>();
  private readonly siteNames = new Map<string, string>();
  private since: number | string = 0;
  private work: Promise<void>;

  constructor(private readonly db: JobQueryDb) {
    this.work = this.load();
  }

  /** Applies the changes since the last call; concurrent callers share one pass. */
  refresh(): Promise<void> {
    this.work = this.work.then(() => this.catchUp());
    return this.work;
  }

  current(): Iterable<IndexedRow> {
    return this.rows.values();
  }

  private setJob(doc: Fields): void {
    const job = jobFields(doc);
    this.rows.set(job.id, indexRow({ ...job, siteName: job.siteId === null ? null : (this.siteNames.get(job.siteId) ?? null) }));
  }

  /** A site was renamed or removed: its jobs show (and are searched by) the new name. */
  private setSite(id: string, name: string | null): void {
    if (name === null) this.siteNames.delete(id);
    else this.siteNames.set(id, name);
    for (const [jobId, { row }] of this.rows) if (row.siteId === id) this.rows.set(jobId, indexRow({ ...row, siteName: name }));
  }

  private async load(): Promise<void> {
    await this.db.createIndex({ index: { fields: [...JOB_LIST_INDEX.fields], name: JOB_LIST_INDEX.name, ddoc: JOB_LIST_INDEX.ddoc } });
    // The sequence first: a change that lands while the finds run is applied again by the next refresh (harmless).
    const { update_seq } = await this.db.info();
    const useIndex = JOB_LIST_INDEX.ddoc;
    const [jobs, sites] = await Promise.all([
      this.db.find({ selector: { type: 'job' }, fields: JOB_FIELDS, limit: NO_LIMIT, use_index: useIndex }),
      this.db.find({ selector: { type: 'site' }, fields: SITE_FIELDS, limit: NO_LIMIT, use_index: useIndex }),
    ]);
    for (const doc of sites.docs) this.siteNames.set(String(doc._id), text(doc.name) ?? '');
    for (const doc of jobs.docs) this.setJob(doc);
    this.since = update_seq;
  }

  private async catchUp(): Promise<void> {
    const { results, last_seq } = await this.db.changes({ since: this.since, include_docs: true, return_docs: true });
    for (const change of results) {
      const doc = change.doc;
      if (change.deleted || doc === undefined || doc._deleted) {
        this.rows.delete(change.id);
        if (this.siteNames.has(change.id)) this.setSite(change.id, null);
      } else if (doc.type === 'job') {
        this.setJob(doc);
      } else if (doc.type === 'site') {
        this.setSite(change.id, text(doc.name) ?? '');
      }
    }
    this.since = last_seq;
  }
}

const caches = new WeakMap<JobQueryDb, JobRowCache>();

function cacheFor(db: JobQueryDb): JobRowCache {
  let cache = caches.get(db);
  if (!cache) {
    cache = new JobRowCache(db);
    caches.set(db, cache);
    // A failed load must not stick: the next call starts over.
    cache.refresh().catch(() => caches.delete(db));
  }
  return cache;
}

/** Creates the job list's index and loads its rows; idempotent, and optional (the first query does it too). */
export async function prepareJobQueries(db: JobQueryDb): Promise<void> {
  await cacheFor(db).refresh();
}

/** Every job matching `query`, sorted as it asks. */
export async function queryJobs(db: JobQueryDb, query: JobQuery, ctx: JobQueryContext): Promise<JobRow[]> {
  const cache = cacheFor(db);
  await cache.refresh();
  return selectJobs(cache.current(), query, ctx);
}
