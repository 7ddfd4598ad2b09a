/**
 * `couch setup` and `couch team add`: make the server match couch-config/ — system databases, the hub, every
 * team database with its security, validation, indexes and replications, and the replication account.
 */
import type { AdminClient } from '../admin-client';
import { dashboardDesignDoc, hubSecurity, mangoIndexes, opsDesignDoc, replicationTemplates, teamSecurity, validateDesignDoc } from '../design-docs';
import { HUB_DB, REPLICATOR_ROLE, REPLICATOR_USER, teamDb, teamFromDb, teamIdProblem } from '../model';
import { compact, ensureDatabase, ensureDesignDoc, ensureDoc, ensureIndex, ensureNodeConfig, ensureSecurity } from './resources';
import type { Change, Reporter } from './report';
import { CommandError, getUser, randomPassword, userPath } from './users';

/** Where the replication account's password lives: an admin-only local doc, never replicated or logged. */
const REPLICATOR_CREDENTIALS = '/_replicator/_local/outpost-replicator';

export interface SetupOptions {
  /** Teams to create on top of those already on the server. */
  teams?: readonly string[];
  /** Base URL the CouchDB node uses to reach itself for server-side replication. Default: the client's URL. */
  replicationUrl?: string;
  reporter: Reporter;
}

export async function knownTeams(client: AdminClient): Promise<string[]> {
  return teamsIn(await client.ok<string[]>('GET', '/_all_dbs'));
}

function teamsIn(dbs: readonly string[]): string[] {
  return dbs.map(teamFromDb).filter((t): t is string => t !== null).sort();
}

/** The teams of a provisioned server, from one `_all_dbs`; without the hub, `missingHub` is the error. */
export async function provisionedTeams(client: AdminClient, missingHub: string): Promise<string[]> {
  const dbs = await client.ok<string[]>('GET', '/_all_dbs');
  if (!dbs.includes(HUB_DB)) throw new CommandError(missingHub);
  return teamsIn(dbs);
}

async function replicatorPassword(client: AdminClient, changes: Change[]): Promise<string> {
  const stored = await client.request<{ password?: string }>('GET', REPLICATOR_CREDENTIALS);
  let password = stored.status === 200 ? stored.body.password : undefined;
  if (!password) {
    password = randomPassword();
    await client.ok('PUT', REPLICATOR_CREDENTIALS, { user: REPLICATOR_USER, password });
  }
  const user = await getUser(client, REPLICATOR_USER);
  const works = user !== null && (await canLogIn(client.url, REPLICATOR_USER, password));
  if (!works) {
    await client.ok('PUT', userPath(REPLICATOR_USER), {
      ...(user ?? { _id: `org.couchdb.user:${REPLICATOR_USER}`, name: REPLICATOR_USER, type: 'user' }),
      roles: [REPLICATOR_ROLE],
      password,
    });
    changes.push({ action: user ? 'updated' : 'created', what: `user ${REPLICATOR_USER}` });
  }
  return password;
}

async function canLogIn(url: string, name: string, password: string): Promise<boolean> {
  const res = await fetch(`${url}/_session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password }) });
  await res.arrayBuffer();
  return res.ok;
}

function replicationEndpoint(base: string, db: string, password: string) {
  return { url: `${base.replace(/\/$/, '')}/${encodeURIComponent(db)}`, auth: { basic: { username: REPLICATOR_USER, password } } };
}

async function ensureHub(client: AdminClient): Promise<Change[]> {
  // Not partitioned: replication copies ids verbatim, so a team partition key would have to be in every id on
  // every device, and `<type>:<ulid>` ids would make a few huge partitions. HQ queries span teams anyway.
  return compact([
    await ensureDatabase(client, HUB_DB),
    await ensureSecurity(client, HUB_DB, hubSecurity()),
    await ensureDesignDoc(client, HUB_DB, validateDesignDoc(null)),
    await ensureDesignDoc(client, HUB_DB, dashboardDesignDoc()),
    await ensureDesignDoc(client, HUB_DB, opsDesignDoc()),
    ...(await Promise.all(mangoIndexes('hub').map((index) => ensureIndex(client, HUB_DB, index)))),
  ]);
}

async function ensureTeam(client: AdminClient, team: string, replicationUrl: string, password: string): Promise<Change[]> {
  const db = teamDb(team);
  const changes = compact([
    await ensureDatabase(client, db),
    await ensureSecurity(client, db, teamSecurity(team)),
    await ensureDesignDoc(client, db, validateDesignDoc(team)),
    await ensureDesignDoc(client, db, opsDesignDoc()),
    ...(await Promise.all(mangoIndexes('team').map((index) => ensureIndex(client, db, index)))),
  ]);
  for (const template of replicationTemplates({ team, hub: HUB_DB, team_db: db })) {
    const doc = {
      ...template,
      source: replicationEndpoint(replicationUrl, template.source, password),
      target: replicationEndpoint(replicationUrl, template.target, password),
    };
    const change = await ensureDoc(client, '_replicator', doc, `replication ${template._id}`);
    if (change) changes.push(change);
  }
  return changes;
}

export async function setup(client: AdminClient, opts: SetupOptions): Promise<Change[]> {
  for (const team of opts.teams ?? []) {
    const problem = teamIdProblem(team);
    if (problem) throw new CommandError(problem);
  }
  const changes: Change[] = [];
  opts.reporter.progress('System databases…');
  changes.push(...compact([await ensureDatabase(client, '_users'), await ensureDatabase(client, '_replicator')]));
  opts.reporter.progress('Server configuration…');
  changes.push(...compact([await ensureNodeConfig(client, 'chttpd', 'require_valid_user', 'true')]));
  opts.reporter.progress(`Hub ${HUB_DB}…`);
  changes.push(...(await ensureHub(client)));
  const password = await replicatorPassword(client, changes);
  const teams = [...new Set([...(await knownTeams(client)), ...(opts.teams ?? [])])].sort();
  for (const [i, team] of teams.entries()) {
    opts.reporter.progress(`Team ${team} (${i + 1}/${teams.length})…`);
    changes.push(...(await ensureTeam(client, team, opts.replicationUrl ?? client.url, password)));
  }
  return changes;
}

export async function addTeam(client: AdminClient, team: string, opts: Omit<SetupOptions, 'teams'>): Promise<Change[]> {
  const problem = teamIdProblem(team);
  if (problem) throw new CommandError(problem);
  const hub = await client.request('GET', `/${HUB_DB}`);
  if (hub.status === 404) throw new CommandError('The hub does not exist yet. Run `npm run couch -- setup` first.');
  const changes: Change[] = [];
  const password = await replicatorPassword(client, changes);
  changes.push(...(await ensureTeam(client, team, opts.replicationUrl ?? client.url, password)));
  return changes;
}
