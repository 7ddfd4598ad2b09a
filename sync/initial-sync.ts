/**
 * The initial-sync fast path for a fresh device (ARCHITECTURE §4, §6).
 *
 * PouchDB's default replication spends its time in round trips (`_changes` + `_bulk_get` + two checkpoint
 * writes per 100 docs). Here each step is one large request and one local write:
 *
 *   fetchBatch  POST _changes?filter=_selector&include_docs=true&conflicts=true&style=all_docs&limit=N
 *   fetchExtras POST _bulk_get for docs whose body the feed cannot carry (attachments, conflict leaves)
 *   writeBatch  bulkDocs(new_edits: false): one IndexedDB transaction per batch (DEFAULT_BATCH docs)
 *   checkpoint  `_local/outpost-initial` {since, done}: an interrupted run resumes here, never from zero
 *
 * The fetch runs one page ahead of the writes: page n+1 is requested as soon as page n has arrived (its
 * `last_seq` is the next `since`), so the server and the network work while IndexedDB stores page n; at most
 * two pages are in memory. The checkpoint is written at most once per CHECKPOINT_MS, at the end, and when a
 * run stops or fails — it always names a page that is stored, so a killed run redoes at most a second of work.
 *
 * It ends with the sequence the live replication starts from.
 */
import type { ChangeEvent, Doc, LocalDb, RemoteDb } from './db';
import { postJson, readJson, readLocal, writeLocal } from './db';

export const INITIAL_CHECKPOINT = 'outpost-initial';

export interface InitialCheckpoint {
  since: number | string;
  done: number;
  complete: boolean;
}

export interface InitialSyncOptions {
  local: LocalDb;
  remote: RemoteDb;
  selector: Record<string, unknown>;
  batchSize?: number;
  onProgress?(done: number, total: number | null): void;
  /** Each stored page's docs (revisions as on the server), so the engine can tell them from local edits. */
  onStored?(docs: ReadonlyArray<Readonly<{ _id: string; _rev?: string }>>): void;
  /** Checked between batches; a stopped run keeps its checkpoint. */
  shouldStop?(): boolean;
}

interface ChangesPage {
  results: ChangeEvent[];
  last_seq: number | string;
  pending?: number;
}

async function fetchBatch(remote: RemoteDb, selector: Record<string, unknown>, since: number | string, limit: number): Promise<ChangesPage> {
  const query = new URLSearchParams({ filter: '_selector', include_docs: 'true', conflicts: 'true', style: 'all_docs', limit: String(limit), since: String(since) });
  return postJson<ChangesPage>(remote, `_changes?${query}`, { selector });
}

/** Leaves the feed cannot carry whole: other leaves of a conflicted doc, and docs with attachments (stubs only). */
function extrasNeeded(change: ChangeEvent): Array<{ id: string; rev: string }> {
  const doc = change.doc;
  if (!doc || change.deleted) return [];
  const leaves = change.changes.map((c) => c.rev);
  const hasAttachments = doc._attachments !== undefined && Object.keys(doc._attachments as object).length > 0;
  const wanted = hasAttachments ? leaves : leaves.filter((rev) => rev !== doc._rev);
  return wanted.map((rev) => ({ id: change.id, rev }));
}

async function fetchExtras(remote: RemoteDb, wanted: Array<{ id: string; rev: string }>): Promise<Doc[]> {
  if (wanted.length === 0) return [];
  const res = await postJson<{ results: Array<{ docs: Array<{ ok?: Doc }> }> }>(remote, '_bulk_get?revs=true&attachments=true', { docs: wanted });
  return res.results.flatMap((r) => r.docs.map((d) => d.ok).filter((d): d is Doc => d !== undefined && !d._deleted));
}

async function remoteDocCount(remote: RemoteDb): Promise<number | null> {
  try {
    return (await readJson<{ doc_count: number }>(await remote.fetch(''))).doc_count;
  } catch {
    return null;
  }
}

export async function readInitialCheckpoint(local: LocalDb): Promise<InitialCheckpoint | null> {
  return readLocal<InitialCheckpoint>(local, INITIAL_CHECKPOINT);
}

const CHECKPOINT_MS = 1000;
export const DEFAULT_BATCH = 2500;

interface Fetched {
  page: ChangesPage;
  /** The docs to store, extras included. */
  docs: Doc[];
  live: number;
  last: boolean;
}

/** One page of the feed with its extras, ready to store. */
async function fetchPage(opts: InitialSyncOptions, since: number | string, batchSize: number): Promise<Fetched> {
  const page = await fetchBatch(opts.remote, opts.selector, since, batchSize);
  const live = page.results.filter((c) => !c.deleted && c.doc !== undefined);
  const extras = await fetchExtras(opts.remote, live.flatMap(extrasNeeded));
  const replaced = new Set(extras.map((d) => `${d._id}@${d._rev}`));
  const docs = [
    ...live.map((c) => c.doc as Doc).filter((d) => !replaced.has(`${d._id}@${d._rev}`)).map(({ _conflicts: _, ...doc }) => doc as Doc),
    ...extras,
  ];
  return { page, docs, live: live.length, last: page.results.length < batchSize || page.pending === 0 };
}

/** Starts fetching a page; a failure is seen by whoever awaits it, never reported as unhandled meanwhile. */
function prefetch(opts: InitialSyncOptions, since: number | string, batchSize: number): Promise<Fetched> {
  const fetched = fetchPage(opts, since, batchSize);
  fetched.catch(() => {});
  return fetched;
}

/** Runs (or resumes) the initial sync; returns the checkpoint, `complete` unless stopped. */
export async function initialSync(opts: InitialSyncOptions): Promise<InitialCheckpoint> {
  // 2,500 docs (~4 MB of JSON) a page. Each `_changes` page has a fixed cost on the server that grows with the
  // database (embedded server: ~0.17 s a page at 10k docs, ~0.33 s at 50k), so at 50k docs pages of 1,000 ran at
  // half the rate of pages of 2,500; pages of 5,000 were no faster and hold twice the memory (npm run bench).
  const batchSize = opts.batchSize ?? DEFAULT_BATCH;
  let checkpoint: InitialCheckpoint = (await readInitialCheckpoint(opts.local)) ?? { since: 0, done: 0, complete: false };
  if (checkpoint.complete) return checkpoint;
  // doc_count counts every team doc; the selector may keep fewer, so the bar can end before its total.
  const total = remoteDocCount(opts.remote);
  let next: Promise<Fetched> | null = prefetch(opts, checkpoint.since, batchSize);
  opts.onProgress?.(checkpoint.done, await total);
  let stored = checkpoint;
  let savedAt = performance.now();
  const save = async () => {
    await writeLocal(opts.local, INITIAL_CHECKPOINT, stored);
    checkpoint = stored;
    savedAt = performance.now();
  };
  try {
    while (next && !opts.shouldStop?.()) {
      const { page, docs, live, last }: Fetched = await next;
      // Page n+1 is on its way while page n is stored: its `since` is known as soon as page n arrived.
      next = last ? null : prefetch(opts, page.last_seq, batchSize);
      if (docs.length > 0) {
        const results = await opts.local.bulkDocs(docs, { new_edits: false });
        const failed = results.find((r) => r.error);
        if (failed) throw new Error(`storing ${failed.id} failed: ${failed.reason ?? failed.message ?? String(failed.error)}`);
        opts.onStored?.(docs);
      }
      stored = { since: page.last_seq, done: stored.done + live, complete: last };
      if (last || performance.now() - savedAt >= CHECKPOINT_MS) await save();
      opts.onProgress?.(stored.done, await total);
    }
  } finally {
    // Stopped or failed between checkpoints: keep what is stored, so the next run resumes after it.
    if (stored !== checkpoint) await save().catch(() => {});
  }
  return checkpoint;
}
