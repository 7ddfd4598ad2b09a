// The fixture every rules file shares: two fresh teams provisioned by the real `setup` (databases, _security,
// validate_doc_update, indexes, hub⇄team replications), real users made by `addUser`, and an afterAll that removes
// all of it again — so the suite can run against a shared CouchDB 3 cluster through COUCH_URL.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect } from 'vitest';
import { createAdminClient, type AdminClient } from '../admin-client';
import { addUser, userPath } from '../cli/users';
import { setup } from '../cli/setup';
import { silentReporter } from '../cli/report';
import { replicationTemplates } from '../design-docs';
import { HUB_DB, teamDb, type Role } from '../model';
import { admin, couch, randomPassword, target, type Auth, type CouchError, type Credentials, type DocWrite } from '../contract/helpers';

export interface RuleUser extends Credentials {
  role: Role;
  team: string | null;
}

export interface Team {
  id: string;
  db: string;
  worker: RuleUser;
  lead: RuleUser;
}

export interface World {
  client: AdminClient;
  north: Team;
  south: Team;
  hq: RuleUser;
}

const enc = encodeURIComponent;

export function uniqueTeamId(): string {
  return `t-${randomBytes(5).toString('hex')}`;
}

export interface WorldHandle {
  /** The world built in beforeAll. */
  (): World;
  /** Another user made with `addUser` (inside a test or hook), removed in afterAll with the rest. */
  addUser(role: Role, team: string | null): Promise<RuleUser>;
}

/** Call once at the top of a file: registers the beforeAll that builds the world and the afterAll that removes it. */
export function useWorld(): WorldHandle {
  let world: World | undefined;
  const client = createAdminClient(target.url, { user: admin.user, password: admin.password });
  const teams = [uniqueTeamId(), uniqueTeamId()] as const;
  const userNames: string[] = [];
  let restoreConfig: () => Promise<void> = async () => {};

  async function makeUser(role: Role, team: string | null): Promise<RuleUser> {
    const name = `rules-${role}-${randomBytes(5).toString('hex')}`;
    const password = randomPassword();
    userNames.push(name);
    await addUser(client, { name, role, team }, password);
    return { user: name, password, role, team };
  }

  beforeAll(async () => {
    restoreConfig = await snapshotNodeConfig(client, 'chttpd', 'require_valid_user');
    // Optional: the URL the CouchDB nodes use to reach themselves, when it differs from COUCH_URL (e.g. in docker).
    const replicationUrl = process.env.COUCH_REPLICATION_URL || undefined;
    await setup(client, { teams, reporter: silentReporter, ...(replicationUrl ? { replicationUrl } : {}) });
    const [north, south] = await Promise.all(
      teams.map(async (id) => ({ id, db: teamDb(id), worker: await makeUser('field', id), lead: await makeUser('lead', id) })),
    );
    if (!north || !south) throw new Error('two teams expected');
    world = { client, north, south, hq: await makeUser('hq', null) };
  });

  afterAll(async () => {
    const problems: string[] = [];
    const attempt = async (what: string, step: () => Promise<void>) => {
      try {
        await step();
      } catch (err) {
        problems.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
      }
    };
    // Replications first, then the team databases (so nothing can flow into the hub any more), then the hub
    // docs of these teams, the users, and any server setting `setup` changed.
    for (const team of teams) {
      for (const { _id } of replicationTemplates({ team, hub: HUB_DB, team_db: teamDb(team) })) {
        await attempt(`_replicator/${_id}`, () => deleteDoc(client, '_replicator', _id));
      }
    }
    for (const team of teams) {
      await attempt(`database ${teamDb(team)}`, async () => {
        const res = await client.request('DELETE', `/${enc(teamDb(team))}`);
        if (![200, 202, 404].includes(res.status)) throw new Error(`DELETE → ${res.status}`);
      });
    }
    await attempt(`hub docs of ${teams.join(', ')}`, () => deleteHubDocs(client, teams));
    for (const name of userNames) await attempt(`user ${name}`, () => deleteDoc(client, '_users', `org.couchdb.user:${name}`));
    await attempt('server config', restoreConfig);
    if (problems.length > 0) throw new Error(`cleanup left things behind:\n${problems.join('\n')}`);
  });

  const handle = () => {
    if (!world) throw new Error('the world is built in beforeAll');
    return world;
  };
  return Object.assign(handle, { addUser: makeUser });
}

/** Deletes a doc as admin, retrying when something (e.g. the replicator) updated it in between; absent is fine. */
async function deleteDoc(client: AdminClient, db: string, id: string): Promise<void> {
  const path = db === '_users' ? userPath(id.slice('org.couchdb.user:'.length)) : `/${enc(db)}/${enc(id)}`;
  for (let i = 0; i < 5; i += 1) {
    const doc = await client.request<{ _rev?: string }>('GET', path);
    if (doc.status === 404) return;
    const res = await client.request('DELETE', `${path}?rev=${enc(doc.body._rev ?? '')}`);
    if (res.status === 200 || res.status === 202) return;
  }
  throw new Error(`could not delete ${db}/${id}`);
}

async function deleteHubDocs(client: AdminClient, teams: readonly string[]): Promise<void> {
  for (let round = 0; round < 100; round += 1) {
    const found = await client.ok<{ docs: Array<{ _id: string; _rev: string }> }>('POST', `/${HUB_DB}/_find`, {
      selector: { team: { $in: teams } },
      fields: ['_id', '_rev'],
      limit: 500,
    });
    if (found.docs.length === 0) return;
    await client.ok('POST', `/${HUB_DB}/_bulk_docs`, { docs: found.docs.map((d) => ({ _id: d._id, _rev: d._rev, _deleted: true })) });
  }
  throw new Error('hub docs kept coming back');
}

/**
 * `setup` turns on `require_valid_user`; the rest of the contract suite shares the embedded server and some of its
 * tests need anonymous access to public databases. Put the setting back as it was (on a provisioned cluster it
 * already is `true`, so nothing changes there).
 */
async function snapshotNodeConfig(client: AdminClient, section: string, key: string): Promise<() => Promise<void>> {
  const membership = await client.request<{ cluster_nodes?: string[] }>('GET', '/_membership');
  const nodes = membership.status === 200 && membership.body.cluster_nodes?.length ? membership.body.cluster_nodes : ['_local'];
  const before = await Promise.all(
    nodes.map(async (node) => {
      const path = `/_node/${enc(node)}/_config/${enc(section)}/${enc(key)}`;
      const res = await client.request<string>('GET', path);
      return { path, value: res.status === 200 ? res.body : null };
    }),
  );
  return async () => {
    for (const { path, value } of before) {
      const now = await client.request<string>('GET', path);
      const current = now.status === 200 ? now.body : null;
      if (current === value) continue;
      if (value === null) await client.ok('DELETE', path);
      else await client.ok('PUT', path, value);
    }
  };
}

// ---- Requests and assertions shared by the rules files ----

export function docPath(db: string, id: string): string {
  return `/${enc(db)}/${enc(id)}`;
}

/** PUT a doc as `auth`; the raw answer. */
export function put<T extends { _id: string }>(db: string, doc: T, auth: Auth) {
  return couch<DocWrite & Partial<CouchError>>(docPath(db, doc._id), { method: 'PUT', body: doc, auth });
}

/** DELETE a doc at `_rev` as `auth`; the raw answer. */
export function del(db: string, doc: { _id: string; _rev: string }, auth: Auth) {
  return couch<DocWrite & Partial<CouchError>>(`${docPath(db, doc._id)}?rev=${enc(doc._rev)}`, { method: 'DELETE', auth });
}

/** Delete as Outpost does: a tombstone that keeps `team`, so the hub -> team replication's selector carries it. */
export function deleteKeepingTeam(db: string, doc: { _id: string; _rev: string; team: string }, auth: Auth) {
  return couch<DocWrite & Partial<CouchError>>(docPath(db, doc._id), { method: 'PUT', body: { _id: doc._id, _rev: doc._rev, _deleted: true, team: doc.team }, auth });
}

/** PUT that must succeed; returns the doc with its new `_rev`. */
export async function create<T extends { _id: string }>(db: string, doc: T, auth: Auth): Promise<T & { _rev: string }> {
  const res = await put(db, doc, auth);
  expect(res.status, `PUT ${doc._id}: ${JSON.stringify(res.body)}`).toBe(201);
  expect(res.body.ok).toBe(true);
  if (!res.body.rev) throw new Error(`PUT ${doc._id} returned no rev`);
  return { ...doc, _rev: res.body.rev };
}

/** The doc as stored, read by the server admin; null when it does not exist (or is deleted). */
export async function stored<T = Record<string, unknown>>(db: string, id: string): Promise<(T & { _rev: string }) | null> {
  const res = await couch<T & { _rev: string }>(docPath(db, id), { auth: 'admin' });
  expect([200, 404], `GET ${db}/${id}: ${JSON.stringify(res.body)}`).toContain(res.status);
  return res.status === 200 ? res.body : null;
}

/** A validate_doc_update refusal: 403 forbidden, and the reason names the field. */
export function expectForbidden(res: { status: number; body: unknown }, field: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(403);
  const body = res.body as Partial<CouchError>;
  expect(body.error).toBe('forbidden');
  expect(typeof body.reason).toBe('string');
  expect(body.reason?.startsWith(`${field}: `), `reason "${body.reason}" should start with "${field}: "`).toBe(true);
}

/** A refusal by `_security` (the request never reaches validate_doc_update). */
export function expectNotMember(res: { status: number; body: unknown }): void {
  expect(res.status, JSON.stringify(res.body)).toBe(403);
  expect(res.body).toMatchObject({ error: 'forbidden', reason: expect.any(String) });
}

/** The per-doc result of a `_bulk_docs` refusal. */
export function expectBulkForbidden(result: DocWrite | undefined, field: string): void {
  expect(result, 'a per-doc result').toBeDefined();
  expect(result?.error).toBe('forbidden');
  expect(result?.reason?.startsWith(`${field}: `), `reason "${result?.reason}" should start with "${field}: "`).toBe(true);
}
