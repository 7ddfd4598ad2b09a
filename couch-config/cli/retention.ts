/**
 * `couch retention [--days 90] [--dry-run]`: closed jobs (`done`, `cancelled`) whose last change is older than
 * the window leave the team databases, and with them the devices; the hub keeps them.
 *
 * How, and why it cannot lose data on the hub:
 * 1. The hub's copy is marked `retiredAt` (a normal update by the admin; the hub keeps the whole job).
 * 2. The team's copy is deleted with a tombstone `{_id, _rev, _deleted, team, retiredAt}`.
 * Both replications select `"retiredAt": {"$exists": false}` (couch-config/replications.json): the tombstone is
 * never offered to the hub, and the marked hub copy is never sent back to the team. validate.js lets only the
 * retention job (server admin or role `outpost-admin`) write `retiredAt`. Devices pull the tombstone (it keeps
 * `team`), so the job leaves them too. CouchDB's `_purge` would also work in team databases, but it is
 * server-admin only, does not reach devices (they would keep the job forever) and the embedded server lacks it.
 *
 * A job is retired only when the hub holds exactly the team's current revision (or already carries this
 * retention's mark on top of it) and the team's copy has no open conflict; anything else waits for the next run.
 */
import type { AdminClient } from '../admin-client';
import { HUB_DB, teamDb } from '../model';
import type { Reporter } from './report';
import { provisionedTeams } from './setup';
import { CommandError } from './users';

// One rule for the server and the devices (sync/retention.ts trims devices with the same window).
import { CLOSED_JOB_STATUSES, DEFAULT_RETENTION_DAYS } from '../../sync/retention';

export { DEFAULT_RETENTION_DAYS };
const PAGE = 500;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface RetentionOptions {
  days: number;
  dryRun: boolean;
  reporter: Reporter;
  now?: () => Date;
  teams?: readonly string[];
}

export type SkipReason = 'not on the hub yet' | 'open conflict' | 'changed meanwhile';

export interface TeamRetention {
  team: string;
  /** Closed jobs past the window found in the team database. */
  candidates: number;
  retired: number;
  skipped: Array<{ id: string; reason: SkipReason }>;
}

export interface RetentionResult {
  cutoff: string;
  days: number;
  dryRun: boolean;
  teams: TeamRetention[];
}

interface Candidate {
  _id: string;
  _rev: string;
  team: string;
}

type HubDoc = Record<string, unknown> & { _id: string; _rev: string; retiredAt?: string; _revisions?: { start: number; ids: string[] } };

const enc = encodeURIComponent;

async function candidates(client: AdminClient, db: string, cutoff: string, after: string): Promise<Candidate[]> {
  const found = await client.ok<{ docs: Candidate[] }>('POST', `/${enc(db)}/_find`, {
    selector: { _id: { $gt: after }, type: 'job', status: { $in: CLOSED_JOB_STATUSES }, updatedAt: { $lt: cutoff } },
    fields: ['_id', '_rev', 'team'],
    sort: [{ _id: 'asc' }],
    limit: PAGE,
  });
  return found.docs;
}

async function conflicted(client: AdminClient, db: string, ids: string[]): Promise<Set<string>> {
  const res = await client.ok<{ rows: Array<{ id: string; doc?: { _conflicts?: string[] } }> }>('POST', `/${enc(db)}/_all_docs?include_docs=true&conflicts=true`, { keys: ids });
  return new Set(res.rows.filter((r) => (r.doc?._conflicts?.length ?? 0) > 0).map((r) => r.id));
}

async function hubCopies(client: AdminClient, ids: string[]): Promise<Map<string, HubDoc>> {
  const res = await client.ok<{ results: Array<{ id: string; docs: Array<{ ok?: HubDoc }> }> }>('POST', `/${HUB_DB}/_bulk_get?revs=true`, { docs: ids.map((id) => ({ id })) });
  const copies = new Map<string, HubDoc>();
  for (const result of res.results) {
    const doc = result.docs[0]?.ok;
    if (doc && doc._deleted !== true) copies.set(result.id, doc);
  }
  return copies;
}

/** The hub has the team's revision `rev` as its current one, or that revision with only the retention mark on top. */
function hubHasFinalVersion(hub: HubDoc | undefined, rev: string): 'same' | 'marked' | false {
  if (!hub) return false;
  if (hub._rev === rev && hub.retiredAt === undefined) return 'same';
  const [gen, hash] = rev.split('-');
  const history = hub._revisions;
  if (hub.retiredAt === undefined || !history || !gen || !hash) return false;
  return history.start === Number(gen) + 1 && history.ids[1] === hash ? 'marked' : false;
}

async function retireTeam(client: AdminClient, team: string, cutoff: string, retiredAt: string, opts: RetentionOptions): Promise<TeamRetention> {
  const db = teamDb(team);
  const result: TeamRetention = { team, candidates: 0, retired: 0, skipped: [] };
  let after = '';
  for (;;) {
    const page = await candidates(client, db, cutoff, after);
    if (page.length === 0) return result;
    after = page[page.length - 1]?._id ?? after;
    result.candidates += page.length;
    const ids = page.map((c) => c._id);
    const [inConflict, hub] = await Promise.all([conflicted(client, db, ids), hubCopies(client, ids)]);
    const ready: Array<{ candidate: Candidate; hubState: 'same' | 'marked'; hub: HubDoc }> = [];
    for (const candidate of page) {
      const copy = hub.get(candidate._id);
      const hubState = hubHasFinalVersion(copy, candidate._rev);
      if (inConflict.has(candidate._id)) result.skipped.push({ id: candidate._id, reason: 'open conflict' });
      else if (!hubState || !copy) result.skipped.push({ id: candidate._id, reason: 'not on the hub yet' });
      else ready.push({ candidate, hubState, hub: copy });
    }
    if (!opts.dryRun && ready.length > 0) {
      // 1. Mark the hub's copies first: from then on the hub -> team replication leaves them alone.
      const toMark = ready.filter((r) => r.hubState === 'same').map(({ hub: copy }) => {
        const { _revisions: _history, ...body } = copy;
        return { ...body, retiredAt };
      });
      const marked = toMark.length ? await client.ok<Array<{ id: string; error?: string }>>('POST', `/${HUB_DB}/_bulk_docs`, { docs: toMark }) : [];
      const markFailed = new Set(marked.filter((r) => r.error).map((r) => r.id));
      // 2. Then the team's tombstones, on the exact revision checked above (a device's edit since then wins: 409).
      const tombstones = ready
        .filter((r) => !markFailed.has(r.candidate._id))
        .map(({ candidate }) => ({ _id: candidate._id, _rev: candidate._rev, _deleted: true, team: candidate.team, retiredAt }));
      const deleted = tombstones.length ? await client.ok<Array<{ id: string; error?: string }>>('POST', `/${enc(db)}/_bulk_docs`, { docs: tombstones }) : [];
      for (const r of deleted) {
        if (r.error) result.skipped.push({ id: r.id, reason: 'changed meanwhile' });
        else result.retired += 1;
      }
      for (const id of markFailed) result.skipped.push({ id, reason: 'changed meanwhile' });
    } else if (opts.dryRun) {
      result.retired += ready.length;
    }
    opts.reporter.progress(`Retention in ${db}: ${result.candidates} closed jobs past the window, ${result.retired} ${opts.dryRun ? 'would be ' : ''}retired`);
  }
}

export async function runRetention(client: AdminClient, opts: RetentionOptions): Promise<RetentionResult> {
  if (!Number.isFinite(opts.days) || opts.days < 1) throw new CommandError('--days must be at least 1');
  const now = opts.now?.() ?? new Date();
  const cutoff = new Date(now.getTime() - opts.days * DAY_MS).toISOString();
  const available = await provisionedTeams(client, 'The hub does not exist. Run `npm run couch -- setup` first.');
  const unknown = (opts.teams ?? []).filter((t) => !available.includes(t));
  if (unknown.length) throw new CommandError(`unknown team(s): ${unknown.join(', ')}`);
  const teams = opts.teams?.length ? [...opts.teams] : available;
  const results: TeamRetention[] = [];
  for (const team of teams) results.push(await retireTeam(client, team, cutoff, now.toISOString(), opts));
  return { cutoff, days: opts.days, dryRun: opts.dryRun, teams: results };
}

export function formatRetention(result: RetentionResult): string {
  const verb = result.dryRun ? 'would retire' : 'retired';
  const lines = result.teams.map((t) => {
    const reasons = new Map<string, number>();
    for (const s of t.skipped) reasons.set(s.reason, (reasons.get(s.reason) ?? 0) + 1);
    const skipped = [...reasons].map(([reason, n]) => `${n} ${reason}`).join(', ');
    return `  ${t.team.padEnd(16)} ${verb} ${t.retired} of ${t.candidates} closed job(s)${skipped ? `; kept for now: ${skipped}` : ''}`;
  });
  const total = result.teams.reduce((sum, t) => sum + t.retired, 0);
  return [
    `Retention: jobs done or cancelled before ${result.cutoff} (${result.days} days)${result.dryRun ? ' — dry run, nothing written' : ''}.`,
    ...lines,
    `${result.dryRun ? 'Would retire' : 'Retired'} ${total} job(s) from ${result.teams.length} team database(s); the hub keeps every one${result.dryRun ? '' : ' (marked retiredAt)'}.`,
  ].join('\n');
}
