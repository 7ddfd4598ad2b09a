/**
 * Adjustments to the PouchDB handle of the team database that the engine's replications use: fewer requests
 * per batch, and no PouchDB fallbacks that fail under a bad network. Each replaces one method of that handle.
 */
import type { RemoteDb } from './db';
import { postJson } from './db';

/**
 * PouchDB's replication asks the source for `info()` when it starts and after every batch, only to fill in its
 * progress numbers (which Outpost does not read): on a live pull that is one request to the server per batch, on
 * every device. Here one answer serves for `INFO_REUSE_MS`, and calls made meanwhile share it.
 *
 * PouchDB also never handles a failure of that call (`src.info().then(…)`), so a connection cut at that moment
 * surfaced as an unhandled rejection. A handler on the returned promise cannot help (the rejection travels on into
 * the `.then` PouchDB chains on it), so a failed `info()` resolves with a stand-in instead; a real network failure
 * still reaches the engine through the replication's next request.
 */
const INFO_REUSE_MS = 30_000;

export function quietInfo(remote: RemoteDb, now: () => number): void {
  const db = remote as RemoteDb & { info?: (...args: unknown[]) => unknown };
  const info = db.info;
  if (typeof info !== 'function') return;
  let last: { at: number; answer: Promise<unknown> } | null = null;
  db.info = (...args: unknown[]) => {
    if (args.length === 0 && last && now() - last.at < INFO_REUSE_MS) return last.answer;
    const result = info.apply(remote, args);
    if (!(result instanceof Promise)) return result;
    const answer = result.catch(() => {
      last = null;
      return { update_seq: 0, doc_count: 0 };
    });
    if (args.length === 0) last = { at: now(), answer };
    return answer;
  };
}

/**
 * PouchDB decides once per database URL, for the whole page, whether the server has `_bulk_get`: when the first
 * `_bulk_get` fails for any reason (a dropped connection on a bad network), it falls back to one `GET` per doc for
 * good, and that fallback crashes on some failed answers (`res.docs.forEach is not a function`, seen under fault
 * injection). CouchDB 3 and the embedded server have `_bulk_get`, so the replication always asks for it, and a
 * failure is an error the engine retries like any other.
 */
export function directBulkGet(remote: RemoteDb): void {
  const db = remote as RemoteDb & { bulkGet?: unknown };
  if (typeof db.bulkGet !== 'function') return;
  db.bulkGet = (opts: { docs: Array<{ id: string; rev?: string }>; revs?: boolean; latest?: boolean }, callback?: (err: unknown, res?: unknown) => void) => {
    const query = new URLSearchParams({ ...(opts.revs ? { revs: 'true' } : {}), ...(opts.latest ? { latest: 'true' } : {}) });
    const answer = postJson(remote, `_bulk_get?${query}`, { docs: opts.docs });
    if (callback) answer.then((body) => callback(null, body), (err) => callback(err));
    return answer;
  };
}

/**
 * The push asks the server which of the device's changed revisions it lacks (`_revs_diff`), one request per batch.
 * Most of those changes are revisions the pull has just written, which the server has by definition; with N
 * devices of a team online, every write would cost N such requests. `known(id, rev)` names what the server has,
 * or must never get (the device's own design docs, e.g. the job list's Mango index, which the server refuses);
 * only the rest is asked, and a batch of nothing but known revisions sends no request. Every leaf revision of a
 * changed doc is listed separately, so a local edit that lost to a pulled one is still asked for and pushed.
 */
export function skipKnownRevisions(remote: RemoteDb, known: (id: string, rev: string) => boolean): void {
  const db = remote as RemoteDb & { revsDiff?: (diff: Record<string, string[]>, ...rest: unknown[]) => Promise<Record<string, unknown>> };
  const revsDiff = db.revsDiff;
  if (typeof revsDiff !== 'function') return;
  db.revsDiff = (diff: Record<string, string[]>, ...rest: unknown[]) => {
    const ask: Record<string, string[]> = {};
    for (const [id, revs] of Object.entries(diff)) {
      const unknown = revs.filter((rev) => !known(id, rev));
      if (unknown.length) ask[id] = unknown;
    }
    const callback = typeof rest[rest.length - 1] === 'function' ? (rest[rest.length - 1] as (err: unknown, res?: unknown) => void) : null;
    if (Object.keys(ask).length > 0) return revsDiff.call(remote, ask, ...rest);
    callback?.(null, {});
    return Promise.resolve({});
  };
}
