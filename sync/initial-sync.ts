/**
 * The initial-sync fast path for a fresh device (ARCHITECTURE §4, §6).
 *
 * PouchDB's default replication spends its time in round trips (`_changes` + `_bulk_get` + two checkpoint
 * writes per 100 docs). Here each step is one large request and one local write:
 *
 *   fetchBatch  POST _changes?filter=_selector&include_docs=true&conflicts=true&style=all_docs&limit=N
 *   fetchExtras POST _bulk_get for docs whose body the feed cannot carry (attachments, conflict leaves)
 *   writeBatch  bulkDocs(new_edits: false): one IndexedDB transaction per batch
 *   checkpoint  `_local/outpost-initial` {since, done}: an interrupted run resumes here, never from zero
 *
 * It ends with the sequence the live replication starts from.
 */
import type { ChangeEvent, Doc, LocalDb, RemoteDb } from './db';
import { readLocal, writeLocal } from './db';

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
  /** Checked between batches; a stopped run keeps its checkpoint. */
  shouldStop?(): boolean;
}

export class HttpError extends Error {
  constructor(readonly status: number, readonly reason: string) {
    super(`${status} ${reason}`);
    this.name = 'HttpError';
  }
}

async function json<T>(res: Response): Promise<T> {
  const body = (await res.json()) as T & { error?: string; reason?: string };
  if (!res.ok) throw new HttpError(res.status, body.reason ?? body.error ?? res.statusText);
  return body;
}

interface ChangesPage {
  results: ChangeEvent[];
  last_seq: number | string;
  pending?: number;
}

async function fetchBatch(remote: RemoteDb, selector: Record<string, unknown>, since: number | string, limit: number): Promise<ChangesPage> {
  const query = new URLSearchParams({ filter: '_selector', include_docs: 'true', conflicts: 'true', style: 'all_docs', limit: String(limit), since: String(since) });
  return json<ChangesPage>(await remote.fetch(`_changes?${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ selector }) }));
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
  const res = await json<{ results: Array<{ docs: Array<{ ok?: Doc }> }> }>(
    await remote.fetch('_bulk_get?revs=true&attachments=true', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ docs: wanted }) }),
  );
  return res.results.flatMap((r) => r.docs.map((d) => d.ok).filter((d): d is Doc => d !== undefined && !d._deleted));
}

async function remoteDocCount(remote: RemoteDb): Promise<number | null> {
  try {
    return (await json<{ doc_count: number }>(await remote.fetch(''))).doc_count;
  } catch {
    return null;
  }
}

export async function readInitialCheckpoint(local: LocalDb): Promise<InitialCheckpoint | null> {
  return readLocal<InitialCheckpoint>(local, INITIAL_CHECKPOINT);
}

/** Runs (or resumes) the initial sync; returns the checkpoint, `complete` unless stopped. */
export async function initialSync(opts: InitialSyncOptions): Promise<InitialCheckpoint> {
  const batchSize = opts.batchSize ?? 1000;
  let checkpoint: InitialCheckpoint = (await readInitialCheckpoint(opts.local)) ?? { since: 0, done: 0, complete: false };
  if (checkpoint.complete) return checkpoint;
  // doc_count counts every team doc; the selector may keep fewer, so the bar can end before its total.
  const total = await remoteDocCount(opts.remote);
  opts.onProgress?.(checkpoint.done, total);
  for (;;) {
    if (opts.shouldStop?.()) return checkpoint;
    const page = await fetchBatch(opts.remote, opts.selector, checkpoint.since, batchSize);
    const live = page.results.filter((c) => !c.deleted && c.doc !== undefined);
    const extras = await fetchExtras(opts.remote, live.flatMap(extrasNeeded));
    const replaced = new Set(extras.map((d) => `${d._id}@${d._rev}`));
    const docs = [
      ...live.map((c) => c.doc as Doc).filter((d) => !replaced.has(`${d._id}@${d._rev}`)).map(({ _conflicts: _, ...doc }) => doc as Doc),
      ...extras,
    ];
    if (docs.length > 0) {
      const results = await opts.local.bulkDocs(docs, { new_edits: false });
      const failed = results.find((r) => r.error);
      if (failed) throw new Error(`storing ${failed.id} failed: ${failed.reason ?? failed.message ?? String(failed.error)}`);
    }
    const complete = page.results.length < batchSize || page.pending === 0;
    checkpoint = { since: page.last_seq, done: checkpoint.done + live.length, complete };
    await writeLocal(opts.local, INITIAL_CHECKPOINT, checkpoint);
    opts.onProgress?.(checkpoint.done, total);
    if (complete) return checkpoint;
  }
}
