/**
 * `couch compact`: compacts the hub and every team database, and the view indexes of each design doc with
 * views, through CouchDB's API (`POST /{db}/_compact`, `POST /{db}/_compact/{ddoc}`). Compaction runs in the
 * background on the server; this waits for it by polling `compact_running` (the database's, and on CouchDB
 * `GET /{db}/_design/{ddoc}/_info` for views), reports progress, and sums up file sizes before and after.
 *
 * Production CouchDB also compacts by itself (smoosh, couch-config/local.ini/10-outpost.ini); this command is
 * for after a large retention run or a restore, or on a server without automatic compaction.
 */
import type { AdminClient } from '../admin-client';
import { HUB_DB, teamDb } from '../model';
import type { Reporter } from './report';
import { provisionedTeams } from './setup';
import { CommandError } from './users';

export interface CompactOptions {
  reporter: Reporter;
  pollMs?: number;
  /** Give up waiting on one database after this long (it keeps compacting on the server). */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface CompactResult {
  db: string;
  designDocs: string[];
  /** `sizes.file` before and after, in bytes; null when the server reports no size. */
  before: number | null;
  after: number | null;
  seconds: number;
}

interface DbInfo {
  compact_running?: boolean;
  sizes?: { file?: number; active?: number };
}

const enc = encodeURIComponent;

export async function outpostDatabases(client: AdminClient): Promise<string[]> {
  const teams = await provisionedTeams(client, 'No Outpost databases on this server. Run `npm run couch -- setup` first.');
  return [HUB_DB, ...teams.map(teamDb)];
}

/** Design docs that define views (Mango `json` indexes are views too, in their own design docs). */
async function viewDesignDocs(client: AdminClient, db: string): Promise<string[]> {
  const res = await client.ok<{ rows: Array<{ id: string; doc?: { views?: Record<string, unknown> } }> }>(
    'GET',
    `/${enc(db)}/_all_docs?include_docs=true&startkey=${enc('"_design/"')}&endkey=${enc('"_design0"')}`,
  );
  return res.rows.filter((r) => r.doc?.views && Object.keys(r.doc.views).length > 0).map((r) => r.id.slice('_design/'.length));
}

async function viewCompacting(client: AdminClient, db: string, ddoc: string): Promise<boolean> {
  const info = await client.request<{ view_index?: { compact_running?: boolean } | string }>('GET', `/${enc(db)}/_design/${enc(ddoc)}/_info`);
  const index = info.body?.view_index;
  return info.status === 200 && typeof index === 'object' && index.compact_running === true;
}

async function compactOne(client: AdminClient, db: string, opts: CompactOptions, label: string): Promise<CompactResult> {
  const started = Date.now();
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const before = await client.ok<DbInfo>('GET', `/${enc(db)}`);
  const designDocs = await viewDesignDocs(client, db);
  await client.ok('POST', `/${enc(db)}/_compact`, {});
  for (const ddoc of designDocs) await client.ok('POST', `/${enc(db)}/_compact/${enc(ddoc)}`, {});
  const deadline = started + (opts.timeoutMs ?? 60 * 60_000);
  for (;;) {
    const info = await client.ok<DbInfo>('GET', `/${enc(db)}`);
    let views = 0;
    for (const ddoc of designDocs) if (await viewCompacting(client, db, ddoc)) views += 1;
    if (!info.compact_running && views === 0) {
      return { db, designDocs, before: before.sizes?.file ?? null, after: info.sizes?.file ?? null, seconds: (Date.now() - started) / 1000 };
    }
    const elapsed = Math.round((Date.now() - started) / 1000);
    opts.reporter.progress(`${label} compacting ${db}${info.compact_running ? '' : ' (database done)'}${views ? `, ${views} view index(es) still running` : ''}… ${elapsed} s`);
    if (Date.now() > deadline) {
      throw new CommandError(`${db} is still compacting after ${Math.round((opts.timeoutMs ?? 0) / 1000)} s; it continues on the server. Run \`couch status\` later to see the size.`);
    }
    await sleep(opts.pollMs ?? 1000);
  }
}

export async function compactAll(client: AdminClient, opts: CompactOptions): Promise<CompactResult[]> {
  const dbs = await outpostDatabases(client);
  const results: CompactResult[] = [];
  // One database at a time: compaction rewrites the files and is I/O-heavy; in parallel it would slow the
  // cluster for the devices that are syncing meanwhile.
  for (const [i, db] of dbs.entries()) results.push(await compactOne(client, db, opts, `(${i + 1}/${dbs.length})`));
  return results;
}

export function formatBytes(bytes: number | null): string {
  if (bytes === null) return 'n/a';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

export function formatCompaction(results: readonly CompactResult[]): string {
  const width = Math.max(8, ...results.map((r) => r.db.length));
  const rows = results.map((r) => {
    const saved = r.before !== null && r.after !== null ? formatBytes(Math.max(0, r.before - r.after)) : 'n/a';
    return `  ${r.db.padEnd(width)}  ${formatBytes(r.before).padStart(9)} → ${formatBytes(r.after).padStart(9)}  saved ${saved.padStart(9)}  views: ${r.designDocs.length}  ${r.seconds.toFixed(1)} s`;
  });
  const known = results.filter((r) => r.before !== null && r.after !== null);
  const before = known.reduce((sum, r) => sum + (r.before ?? 0), 0);
  const after = known.reduce((sum, r) => sum + (r.after ?? 0), 0);
  const total = known.length
    ? `Compacted ${results.length} database(s): ${formatBytes(before)} → ${formatBytes(after)} on disk.`
    : `Compacted ${results.length} database(s). The server reports no file sizes (the embedded server keeps in-memory databases in memory).`;
  return [`  ${'database'.padEnd(width)}  ${'before'.padStart(9)}   ${'after'.padStart(9)}`, ...rows, total].join('\n');
}
