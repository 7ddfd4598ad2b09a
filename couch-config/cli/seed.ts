/**
 * `couch seed --jobs N --teams T --seed S`: the deterministic dataset from ../seed.ts, written into the hub.
 * The server-side replications then deliver each team's documents to its team database.
 */
import type { AdminClient } from '../admin-client';
import { HUB_DB, teamDb } from '../model';
import { generateSeed, type Doc } from '../seed';
import type { Reporter } from './report';
import { knownTeams } from './setup';
import { CommandError } from './users';

export interface SeedCommandOptions {
  jobs: number;
  /** A count (the first T teams on the server) or explicit team ids. */
  teams: number | readonly string[];
  seed: number;
  /** Wait until every team database has its documents (bounded). */
  waitMs?: number;
  reporter: Reporter;
}

const BATCH = 1000;

async function teamMembers(client: AdminClient, teams: readonly string[]) {
  const users = await client.ok<{ rows: Array<{ doc?: { name?: string; roles?: string[] } }> }>('GET', '/_users/_all_docs?include_docs=true');
  const named = users.rows.map((r) => r.doc).filter((d): d is { name: string; roles: string[] } => typeof d?.name === 'string' && Array.isArray(d.roles));
  const pick = (role: string, fallback: string) => named.find((u) => u.roles.includes(role))?.name ?? fallback;
  return new Map(teams.map((team) => [team, { field: pick(`team:${team}`, `${team}-field`), lead: pick(`lead:${team}`, `${team}-lead`) }]));
}

async function missingIds(client: AdminClient, db: string, ids: string[]): Promise<Set<string>> {
  const found = await client.ok<{ rows: Array<{ key: string; error?: string }> }>('POST', `/${encodeURIComponent(db)}/_all_docs`, { keys: ids });
  return new Set(found.rows.filter((r) => r.error === 'not_found').map((r) => r.key));
}

export async function seed(client: AdminClient, opts: SeedCommandOptions): Promise<{ written: number; skipped: number; teams: string[] }> {
  const available = await knownTeams(client);
  let teams: string[];
  if (typeof opts.teams === 'number') {
    if (available.length < opts.teams) {
      throw new CommandError(`--teams ${opts.teams}: the server has ${available.length} team(s) (${available.join(', ') || 'none'}). Add teams with: npm run couch -- team add <id>`);
    }
    teams = available.slice(0, opts.teams);
  } else {
    const unknown = opts.teams.filter((t) => !available.includes(t));
    if (unknown.length) throw new CommandError(`unknown team(s): ${unknown.join(', ')}. Add them with: npm run couch -- team add <id>`);
    teams = [...opts.teams];
  }
  const members = await teamMembers(client, teams);
  const docs = generateSeed({ jobs: opts.jobs, teams, seed: opts.seed }, (team) => members.get(team) ?? { field: `${team}-field`, lead: `${team}-lead` });

  let written = 0;
  for (let i = 0; i < docs.length; i += BATCH) {
    const batch = docs.slice(i, i + BATCH);
    const missing = await missingIds(client, HUB_DB, batch.map((d) => d._id));
    const toWrite = batch.filter((d) => missing.has(d._id));
    if (toWrite.length) {
      const results = await client.ok<Array<{ id: string; error?: string; reason?: string }>>('POST', `/${HUB_DB}/_bulk_docs`, { docs: toWrite });
      const failed = results.filter((r) => r.error);
      if (failed.length) throw new CommandError(`${failed.length} seed docs were refused, first: ${failed[0]?.id}: ${failed[0]?.reason}`);
    }
    written += toWrite.length;
    opts.reporter.progress(`Seeding the hub: ${Math.min(i + BATCH, docs.length)}/${docs.length} docs`);
  }
  if (opts.waitMs) await waitForTeams(client, docs, teams, opts.waitMs, opts.reporter);
  return { written, skipped: docs.length - written, teams };
}

/** Polls until each team database holds its seeded docs; the replications are asynchronous. */
async function waitForTeams(client: AdminClient, docs: Doc[], teams: readonly string[], waitMs: number, reporter: Reporter): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (const team of teams) {
    const ids = docs.filter((d) => d.team === team).map((d) => d._id);
    for (;;) {
      let missing = 0;
      for (let i = 0; i < ids.length; i += BATCH) missing += (await missingIds(client, teamDb(team), ids.slice(i, i + BATCH))).size;
      reporter.progress(`Waiting for replication to ${teamDb(team)}: ${ids.length - missing}/${ids.length}`);
      if (missing === 0) break;
      if (Date.now() > deadline) throw new CommandError(`replication to ${teamDb(team)} is still missing ${missing} docs after ${waitMs} ms. Check: npm run couch -- check`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
