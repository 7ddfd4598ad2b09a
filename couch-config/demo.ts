/**
 * The demo `npm start` provisions: teams north and south (a field worker and a lead each), one HQ user,
 * and deterministic seed jobs. Idempotent: running it again changes nothing that is already there.
 */
import type { AdminClient } from './admin-client';
import { generateSeed, type Doc } from './seed';

export type Role = 'field' | 'lead' | 'hq';
export interface DemoUser {
  name: string;
  password: string;
  team: string | null;
  role: Role;
}

export const DEMO_TEAMS = ['north', 'south'] as const;
export const HUB_DB = 'outpost-hub';
export const teamDb = (team: string) => `outpost-team-${team}`;

const DEMO_ACCOUNTS: ReadonlyArray<Omit<DemoUser, 'password'>> = [
  { name: 'ana', team: 'north', role: 'field' },
  { name: 'ben', team: 'north', role: 'lead' },
  { name: 'carla', team: 'south', role: 'field' },
  { name: 'dan', team: 'south', role: 'lead' },
  { name: 'hana', team: null, role: 'hq' },
];

export function demoUsers(password: string): DemoUser[] {
  return DEMO_ACCOUNTS.map((account) => ({ ...account, password }));
}

/** Roles are the only source of authorisation (ARCHITECTURE §2). */
export function rolesFor(user: Pick<DemoUser, 'team' | 'role'>): string[] {
  if (user.role === 'hq') return ['hq'];
  if (!user.team) throw new Error(`a ${user.role} needs a team`);
  return user.role === 'lead' ? [`team:${user.team}`, `lead:${user.team}`] : [`team:${user.team}`];
}

export function teamSecurity(team: string) {
  return { members: { names: [], roles: [`team:${team}`, `lead:${team}`] }, admins: { names: [], roles: ['outpost-admin'] } };
}
export const HUB_SECURITY = { members: { names: [], roles: ['hq'] }, admins: { names: [], roles: ['outpost-admin'] } };

export interface ProvisionReport {
  created: string[];
}

async function ensureDb(client: AdminClient, name: string, security: unknown, report: ProvisionReport): Promise<void> {
  const res = await client.request('PUT', `/${encodeURIComponent(name)}`);
  if (res.status === 201) report.created.push(`database ${name}`);
  else if (res.status !== 412) await client.ok('PUT', `/${encodeURIComponent(name)}`);
  await client.ok('PUT', `/${encodeURIComponent(name)}/_security`, security);
}

async function ensureUser(client: AdminClient, user: DemoUser, report: ProvisionReport): Promise<void> {
  const path = `/_users/${encodeURIComponent(`org.couchdb.user:${user.name}`)}`;
  const existing = await client.request<{ _rev?: string; roles?: string[] }>('GET', path);
  const roles = rolesFor(user);
  if (existing.status === 200 && JSON.stringify(existing.body.roles) === JSON.stringify(roles)) {
    // Keep the account as it is unless the password no longer matches (the secrets file was regenerated).
    const session = await fetch(`${client.url}/_session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: user.name, password: user.password }),
    });
    if (session.ok) return;
  }
  await client.ok('PUT', path, { _id: `org.couchdb.user:${user.name}`, ...(existing.status === 200 ? { _rev: existing.body._rev } : {}), name: user.name, password: user.password, roles, type: 'user' });
  report.created.push(`user ${user.name}`);
}

async function ensureDocs(client: AdminClient, db: string, docs: Doc[], report: ProvisionReport): Promise<void> {
  if (docs.length === 0) return;
  const path = `/${encodeURIComponent(db)}`;
  const missing: Doc[] = [];
  for (let i = 0; i < docs.length; i += 1000) {
    const batch = docs.slice(i, i + 1000);
    const found = await client.ok<{ rows: Array<{ key: string; error?: string }> }>('POST', `${path}/_all_docs`, { keys: batch.map((d) => d._id) });
    const absent = new Set(found.rows.filter((r) => r.error === 'not_found').map((r) => r.key));
    missing.push(...batch.filter((d) => absent.has(d._id)));
  }
  for (let i = 0; i < missing.length; i += 1000) {
    await client.ok('POST', `${path}/_bulk_docs`, { docs: missing.slice(i, i + 1000) });
  }
  if (missing.length > 0) report.created.push(`${missing.length} docs in ${db}`);
}

export interface DemoOptions {
  password: string;
  jobs?: number;
  seed?: number;
}

export async function provisionDemo(client: AdminClient, opts: DemoOptions): Promise<{ users: DemoUser[]; report: ProvisionReport }> {
  const report: ProvisionReport = { created: [] };
  const users = demoUsers(opts.password);
  for (const team of DEMO_TEAMS) await ensureDb(client, teamDb(team), teamSecurity(team), report);
  await ensureDb(client, HUB_DB, HUB_SECURITY, report);
  for (const user of users) await ensureUser(client, user, report);

  const members = (team: string) => ({
    field: users.find((u) => u.team === team && u.role === 'field')?.name ?? 'unknown',
    lead: users.find((u) => u.team === team && u.role === 'lead')?.name ?? 'unknown',
  });
  const docs = generateSeed({ jobs: opts.jobs ?? 200, teams: DEMO_TEAMS, seed: opts.seed ?? 1 }, members);
  for (const team of DEMO_TEAMS) await ensureDocs(client, teamDb(team), docs.filter((d) => d.team === team), report);
  await ensureDocs(client, HUB_DB, docs, report);
  // Production runs with require_valid_user (couch-config/local.ini); so does the demo.
  await client.ok('PUT', '/_node/_local/_config/chttpd/require_valid_user', 'true');
  return { users, report };
}
