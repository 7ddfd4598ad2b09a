/**
 * The demo `npm start` provisions: `couch setup` for teams north and south, a field worker and a lead in each,
 * one HQ user, and deterministic seed jobs loaded through the hub. Idempotent.
 */
import type { AdminClient } from './admin-client';
import { seed } from './cli/seed';
import { setup } from './cli/setup';
import { silentReporter, type Change } from './cli/report';
import { addUser, getUser, userPath } from './cli/users';
import { rolesFor, type Role } from './model';

export interface DemoUser {
  name: string;
  password: string;
  team: string | null;
  role: Role;
}

export const DEMO_TEAMS = ['north', 'south'] as const;

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

async function passwordWorks(url: string, name: string, password: string): Promise<boolean> {
  const res = await fetch(`${url}/_session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password }) });
  await res.arrayBuffer();
  return res.ok;
}

/** Demo accounts get the demo password and their roles back, whatever happened to them since. */
async function ensureDemoUser(client: AdminClient, user: DemoUser): Promise<Change | null> {
  const existing = await getUser(client, user.name);
  if (!existing) {
    await addUser(client, user, user.password);
    return { action: 'created', what: `user ${user.name}` };
  }
  const roles = rolesFor(user.role, user.team);
  if (JSON.stringify(existing.roles) === JSON.stringify(roles) && (await passwordWorks(client.url, user.name, user.password))) return null;
  const { outpost: _disabled, ...rest } = existing;
  await client.ok('PUT', userPath(user.name), { ...rest, roles, password: user.password });
  return { action: 'updated', what: `user ${user.name}` };
}

export interface DemoOptions {
  password: string;
  jobs?: number;
  seed?: number;
}

export async function provisionDemo(client: AdminClient, opts: DemoOptions): Promise<{ users: DemoUser[]; changes: Change[] }> {
  const changes = await setup(client, { teams: DEMO_TEAMS, reporter: silentReporter });
  const users = demoUsers(opts.password);
  for (const user of users) {
    const change = await ensureDemoUser(client, user);
    if (change) changes.push(change);
  }
  const seeded = await seed(client, { jobs: opts.jobs ?? 200, teams: DEMO_TEAMS, seed: opts.seed ?? 1, waitMs: 60_000, reporter: silentReporter });
  if (seeded.written > 0) changes.push({ action: 'created', what: `${seeded.written} seed docs in the hub` });
  return { users, changes };
}
