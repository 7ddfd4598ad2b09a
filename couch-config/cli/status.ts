/**
 * `couch status [--json | --prometheus]`: the state of Outpost's databases and server-side replications.
 *
 * Per database: documents, deleted documents, file size (`sizes.file`; the embedded server reports it for
 * on-disk storage only) and conflicted documents (the `conflicts` view of `_design/outpost-ops`, installed by
 * `couch setup`). Per replication: its state from `GET /_scheduler/docs` (CouchDB 3 and the embedded server).
 *
 * "Behind" is measured, not estimated: for each team, the documents the hub -> team replication would still
 * have to copy — hub changes that match that replication's own selector (replications.json) and whose
 * revisions the team database lacks (`_revs_diff`) — and likewise team -> hub. It reads the hub's changes feed
 * once per team, like the replication itself; `_scheduler/docs`' `changes_pending` would be cheaper but counts
 * every hub change, including the other teams' that the selector skips, and the embedded server lacks it.
 */
import type { AdminClient } from '../admin-client';
import { OPS_DDOC, replicationTemplates } from '../design-docs';
import { HUB_DB, teamDb, teamFromDb } from '../model';
import { formatBytes, outpostDatabases } from './compact';
import type { Reporter } from './report';

export interface DbStatus {
  db: string;
  docs: number;
  /** doc_del_count; null when the server does not report it (the embedded server). */
  deleted: number | null;
  fileBytes: number | null;
  /** Documents with open conflicts; null when the `conflicts` view is missing (run `couch setup`). */
  conflicted: number | null;
}

export interface ReplicationStatus {
  id: string;
  state: string;
  error: string | null;
  docsWritten: number | null;
  docWriteFailures: number | null;
  lastUpdated: string | null;
}

export interface TeamLag {
  team: string;
  /** Docs the hub has (for this team) that the team database lacks. */
  teamBehindHub: number;
  /** Docs the team database has that the hub lacks. */
  hubBehindTeam: number;
}

export interface Status {
  at: string;
  server: string;
  databases: DbStatus[];
  replications: ReplicationStatus[];
  lag: TeamLag[];
}

interface DbInfo {
  doc_count: number;
  doc_del_count?: number;
  sizes?: { file?: number };
}

interface SchedulerDoc {
  doc_id: string;
  state: string | null;
  info?: { error?: string; docs_written?: number; doc_write_failures?: number } | null;
  last_updated?: string;
}

interface ChangesPage {
  results: Array<{ id: string; changes: Array<{ rev: string }> }>;
  last_seq: string | number;
}

const enc = encodeURIComponent;
const PAGE = 1000;

async function dbStatus(client: AdminClient, db: string): Promise<DbStatus> {
  const info = await client.ok<DbInfo>('GET', `/${enc(db)}`);
  const view = await client.request<{ rows: Array<{ value: number }> }>('GET', `/${enc(db)}/${OPS_DDOC}/_view/conflicts?reduce=true`);
  return {
    db,
    docs: info.doc_count,
    deleted: info.doc_del_count ?? null,
    fileBytes: info.sizes?.file ?? null,
    conflicted: view.status === 200 ? (view.body.rows[0]?.value ?? 0) : null,
  };
}

async function replications(client: AdminClient): Promise<ReplicationStatus[]> {
  const res = await client.ok<{ docs: SchedulerDoc[] }>('GET', '/_scheduler/docs?limit=1000');
  return res.docs
    .filter((d) => d.doc_id.startsWith('outpost-'))
    .map((d) => ({
      id: d.doc_id,
      state: d.state ?? 'unknown',
      error: d.info?.error ?? null,
      docsWritten: d.info?.docs_written ?? null,
      docWriteFailures: d.info?.doc_write_failures ?? null,
      lastUpdated: d.last_updated ?? null,
    }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** Docs in `source` matching `selector` whose current revisions `target` lacks. */
async function missingDocs(client: AdminClient, source: string, target: string, selector: Record<string, unknown>): Promise<number> {
  let since: string | number = 0;
  let missing = 0;
  for (;;) {
    const page: ChangesPage = await client.ok<ChangesPage>(
      'POST',
      `/${enc(source)}/_changes?filter=_selector&style=all_docs&limit=${PAGE}&since=${enc(String(since))}`,
      { selector },
    );
    if (page.results.length === 0) return missing;
    since = page.last_seq;
    const revs = Object.fromEntries(page.results.map((r) => [r.id, r.changes.map((c) => c.rev)]));
    const diff = await client.ok<Record<string, { missing: string[] }>>('POST', `/${enc(target)}/_revs_diff`, revs);
    missing += Object.keys(diff).length;
  }
}

async function teamLag(client: AdminClient, team: string): Promise<TeamLag> {
  const db = teamDb(team);
  const [toTeam, toHub] = replicationTemplates({ team, hub: HUB_DB, team_db: db });
  return {
    team,
    teamBehindHub: await missingDocs(client, HUB_DB, db, toTeam?.selector ?? { team }),
    hubBehindTeam: await missingDocs(client, db, HUB_DB, toHub?.selector ?? {}),
  };
}

export async function collectStatus(client: AdminClient, reporter: Reporter, now: () => Date = () => new Date()): Promise<Status> {
  const dbs = await outpostDatabases(client);
  const databases: DbStatus[] = [];
  for (const [i, db] of dbs.entries()) {
    reporter.progress(`Reading ${db} (${i + 1}/${dbs.length})…`);
    databases.push(await dbStatus(client, db));
  }
  const lag: TeamLag[] = [];
  for (const team of dbs.map(teamFromDb).filter((t): t is string => t !== null)) {
    reporter.progress(`Comparing ${teamDb(team)} with the hub…`);
    lag.push(await teamLag(client, team));
  }
  return { at: now().toISOString(), server: client.url, databases, replications: await replications(client), lag };
}

export function formatStatus(status: Status): string {
  const width = Math.max(16, ...status.databases.map((d) => d.db.length));
  const dbLines = status.databases.map(
    (d) =>
      `  ${d.db.padEnd(width)} ${String(d.docs).padStart(8)} ${(d.deleted === null ? 'n/a' : String(d.deleted)).padStart(8)} ${formatBytes(d.fileBytes).padStart(9)} ${(d.conflicted === null ? 'n/a' : String(d.conflicted)).padStart(10)}`,
  );
  const repWidth = Math.max(20, ...status.replications.map((r) => r.id.length));
  const repLines = status.replications.map(
    (r) => `  ${r.id.padEnd(repWidth)} ${r.state.padEnd(10)} written ${r.docsWritten ?? 'n/a'}, failures ${r.docWriteFailures ?? 'n/a'}${r.error ? `, error: ${r.error}` : ''}`,
  );
  const lagLines = status.lag.map((l) => `  ${l.team.padEnd(16)} team behind hub: ${l.teamBehindHub} doc(s); hub behind team: ${l.hubBehindTeam} doc(s)`);
  const conflicted = status.databases.reduce((sum, d) => sum + (d.conflicted ?? 0), 0);
  const unhealthy = status.replications.filter((r) => r.state !== 'running' && r.state !== 'pending');
  const missingViews = status.databases.filter((d) => d.conflicted === null).map((d) => d.db);
  return [
    `Outpost status of ${status.server} at ${status.at}`,
    '',
    `  ${'database'.padEnd(width)} ${'docs'.padStart(8)} ${'deleted'.padStart(8)} ${'size'.padStart(9)} ${'conflicted'.padStart(10)}`,
    ...dbLines,
    '',
    'Replications (_scheduler/docs):',
    ...(repLines.length ? repLines : ['  none']),
    '',
    'Behind (docs the replication still has to copy):',
    ...(lagLines.length ? lagLines : ['  no teams']),
    '',
    `${status.databases.length} database(s), ${conflicted} conflicted doc(s), ${status.replications.length - unhealthy.length}/${status.replications.length} replication(s) running` +
      (unhealthy.length ? `; NOT running: ${unhealthy.map((r) => `${r.id} (${r.state})`).join(', ')}` : '') +
      (missingViews.length ? `; no conflicts view in ${missingViews.join(', ')} (run couch setup)` : '') +
      '.',
  ].join('\n');
}

function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Prometheus text exposition format (version 0.0.4), for the `outpost-exporter` service or a textfile collector. */
export function prometheusText(status: Status): string {
  const out: string[] = [];
  const metric = (name: string, help: string, samples: Array<[Record<string, string>, number]>) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const [labels, value] of samples) {
      const text = Object.entries(labels).map(([k, v]) => `${k}="${label(v)}"`).join(',');
      out.push(`${name}${text ? `{${text}}` : ''} ${value}`);
    }
  };
  metric('outpost_db_docs', 'Documents in the database (doc_count).', status.databases.map((d) => [{ db: d.db }, d.docs]));
  metric('outpost_db_deleted_docs', 'Deleted documents (doc_del_count).', status.databases.filter((d) => d.deleted !== null).map((d) => [{ db: d.db }, d.deleted ?? 0]));
  metric('outpost_db_file_bytes', 'Database file size on disk (sizes.file).', status.databases.filter((d) => d.fileBytes !== null).map((d) => [{ db: d.db }, d.fileBytes ?? 0]));
  metric(
    'outpost_db_conflicted_docs',
    'Documents with open conflicts (view outpost-ops/conflicts).',
    status.databases.filter((d) => d.conflicted !== null).map((d) => [{ db: d.db }, d.conflicted ?? 0]),
  );
  metric('outpost_replication_running', '1 when the replication is running (or pending), 0 otherwise (crashing, failed, error...).', status.replications.map((r) => [{ replication: r.id, state: r.state }, r.state === 'running' || r.state === 'pending' ? 1 : 0]));
  metric('outpost_replication_doc_write_failures', 'Documents the replication could not write (doc_write_failures).', status.replications.filter((r) => r.docWriteFailures !== null).map((r) => [{ replication: r.id }, r.docWriteFailures ?? 0]));
  metric('outpost_team_behind_hub_docs', 'Hub docs of the team that the team database lacks.', status.lag.map((l) => [{ team: l.team }, l.teamBehindHub]));
  metric('outpost_hub_behind_team_docs', 'Team database docs that the hub lacks.', status.lag.map((l) => [{ team: l.team }, l.hubBehindTeam]));
  metric('outpost_status_timestamp_seconds', 'When these numbers were read.', [[{}, Math.round(Date.parse(status.at) / 1000)]]);
  return out.join('\n') + '\n';
}
