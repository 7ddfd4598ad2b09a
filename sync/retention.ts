/**
 * Keeping a device's storage bounded: closed jobs (`done`, `cancelled`) whose last change is older than the
 * retention window (90 days, as `couch retention` on the server) do not stay on the device.
 *
 * Three parts:
 * - `devicePullSelector(team)` — what the device pulls: everything of its team except closed jobs past the
 *   window, so a fresh device never downloads them (ARCHITECTURE §2: the pull selector only trims storage; read
 *   security comes from `_security`). Tombstones still come through, among them the server's retention
 *   tombstones (they carry `retiredAt`), which remove retired jobs from devices that have them.
 * - `trimLocalJobs(...)` — removes old closed jobs the device already holds, with PouchDB's `purge`: a purge
 *   leaves no tombstone, so nothing is pushed and the server never sees a deletion it would refuse (a field
 *   worker may not delete jobs, and only the retention job may write `retiredAt`). Only jobs whose current
 *   revision the server confirms it has (`_revs_diff`) are purged, so an edit not yet pushed is never lost.
 *   `purge` exists on the indexeddb adapter the app uses (PouchDB 9); where the adapter lacks it (idb, leveldb)
 *   nothing is removed and the result says so: the server's retention tombstones still arrive through the pull.
 * - `retentionCutoff` — the window as an ISO time, rounded down to the start of a UTC month. PouchDB's
 *   replication id includes the selector, and a new id means scanning the changes feed from the start again;
 *   rounding keeps the selector, and the checkpoint, the same for a month at a time.
 */
import type { Doc, LocalDb, RemoteDb } from './db';
import { postJson } from './db';

export const CLOSED_JOB_STATUSES: readonly string[] = ['done', 'cancelled'];
export const DEFAULT_RETENTION_DAYS = 90;
const DAY_MS = 24 * 60 * 60 * 1000;

/** `now` minus `days`, rounded down to the first instant of that UTC month. */
export function retentionCutoff(now: number, days = DEFAULT_RETENTION_DAYS): string {
  const at = new Date(now - days * DAY_MS);
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1)).toISOString();
}

/** The pull selector of a device in `team`: the team's docs, minus closed jobs older than the cutoff. */
export function devicePullSelector(team: string, opts: { now: number; days?: number }): Record<string, unknown> {
  const cutoff = retentionCutoff(opts.now, opts.days);
  return {
    team,
    $or: [
      // Mango field conditions never match a missing field, so tombstones (no type) need their own branch.
      { type: { $exists: false } },
      { type: { $nin: ['job'] } }, // not $ne: PouchDB 7's selector engine (the embedded server) fails on $ne inside $or
      { status: { $nin: CLOSED_JOB_STATUSES } },
      { updatedAt: { $gte: cutoff } },
      { retiredAt: { $exists: true } },
    ],
  };
}

/** A local doc that retention removes from the device (the same rule as the selector, on a stored doc). */
export function isExpiredJob(doc: Readonly<Record<string, unknown>>, cutoff: string): boolean {
  return (
    doc.type === 'job' &&
    typeof doc.status === 'string' &&
    CLOSED_JOB_STATUSES.includes(doc.status) &&
    typeof doc.updatedAt === 'string' &&
    doc.updatedAt < cutoff
  );
}

/** What `trimLocalJobs` needs beyond LocalDb: PouchDB's purge (absent, or failing, on adapters without it). */
export type PurgeableDb = LocalDb & { purge?: (docId: string, rev: string) => Promise<unknown>; _purge?: unknown };

export function canPurge(db: PurgeableDb): boolean {
  // PouchDB defines `purge` on every database but only adapters with `_purge` implement it.
  return typeof db.purge === 'function' && typeof db._purge === 'function';
}

export interface TrimOptions {
  local: PurgeableDb;
  /** The team database, to confirm the server has each job's current revision before it leaves the device. */
  remote: RemoteDb;
  now: number;
  days?: number;
  pageSize?: number;
}

export interface TrimResult {
  /** Expired jobs found on the device. */
  expired: number;
  purged: number;
  /** Expired, but kept: an open conflict, or a revision the server does not have yet. */
  kept: number;
  /** The adapter cannot purge; nothing was removed (the pull still brings the server's retention tombstones). */
  unsupported: boolean;
}

async function serverLacks(remote: RemoteDb, revs: Record<string, string[]>): Promise<Set<string>> {
  return new Set(Object.keys(await postJson<Record<string, unknown>>(remote, '_revs_diff', revs)));
}

export async function trimLocalJobs(opts: TrimOptions): Promise<TrimResult> {
  const cutoff = retentionCutoff(opts.now, opts.days);
  const result: TrimResult = { expired: 0, purged: 0, kept: 0, unsupported: !canPurge(opts.local) };
  const pageSize = opts.pageSize ?? 500;
  let startkey: string | undefined;
  for (;;) {
    const page = await opts.local.allDocs({ include_docs: true, conflicts: true, limit: pageSize + (startkey ? 1 : 0), ...(startkey ? { startkey } : {}) });
    const rows = startkey ? page.rows.slice(1) : page.rows;
    if (rows.length === 0) return result;
    startkey = rows[rows.length - 1]?.id;
    const expired = rows.map((r) => r.doc).filter((doc): doc is Doc & { _rev: string; _conflicts?: string[] } => doc !== undefined && isExpiredJob(doc, cutoff));
    result.expired += expired.length;
    if (result.unsupported) {
      result.kept += expired.length;
      continue;
    }
    const settled = expired.filter((doc) => !doc._conflicts?.length);
    result.kept += expired.length - settled.length;
    if (settled.length === 0) continue;
    const lacking = await serverLacks(opts.remote, Object.fromEntries(settled.map((doc) => [doc._id, [doc._rev]])));
    for (const doc of settled) {
      if (lacking.has(doc._id)) {
        result.kept += 1;
        continue;
      }
      await opts.local.purge?.(doc._id, doc._rev);
      result.purged += 1;
    }
  }
}
