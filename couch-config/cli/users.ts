/** Accounts in `_users`: add, change roles, disable. Roles are the only source of authorisation. */
import { randomBytes } from 'node:crypto';
import type { AdminClient } from '../admin-client';
import { describeRoles, rolesFor, teamDb, type Role } from '../model';

export class CommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandError';
  }
}

export const MIN_PASSWORD_LENGTH = 8;

export interface UserDoc {
  _id: string;
  _rev?: string;
  name: string;
  type: 'user';
  roles: string[];
  password?: string;
  outpost?: { disabled?: boolean; disabledAt?: string; previousRoles?: string[] };
}

export const userPath = (name: string) => `/_users/${encodeURIComponent(`org.couchdb.user:${name}`)}`;

export async function getUser(client: AdminClient, name: string): Promise<UserDoc | null> {
  const res = await client.request<UserDoc>('GET', userPath(name));
  if (res.status === 404) return null;
  if (res.status !== 200) await client.ok('GET', userPath(name));
  return res.body;
}

export function passwordProblem(password: string): string | null {
  return password.length >= MIN_PASSWORD_LENGTH ? null : `the password must have at least ${MIN_PASSWORD_LENGTH} characters`;
}

async function requireTeam(client: AdminClient, team: string): Promise<void> {
  const res = await client.request('GET', `/${encodeURIComponent(teamDb(team))}`);
  if (res.status === 404) throw new CommandError(`team "${team}" does not exist. Add it first: npm run couch -- team add ${team}`);
  if (res.status !== 200) await client.ok('GET', `/${encodeURIComponent(teamDb(team))}`);
}

export interface UserSpec {
  name: string;
  role: Role;
  team: string | null;
}

export async function addUser(client: AdminClient, spec: UserSpec, password: string): Promise<void> {
  const problem = passwordProblem(password);
  if (problem) throw new CommandError(problem);
  if (spec.team) await requireTeam(client, spec.team);
  if (await getUser(client, spec.name)) throw new CommandError(`user "${spec.name}" already exists. Change roles with: npm run couch -- user roles ${spec.name} --role … --team …`);
  const doc: UserDoc = { _id: `org.couchdb.user:${spec.name}`, name: spec.name, type: 'user', roles: rolesFor(spec.role, spec.team), password };
  await client.ok('PUT', userPath(spec.name), doc);
}

export async function setRoles(client: AdminClient, spec: UserSpec): Promise<{ before: string[]; after: string[] }> {
  if (spec.team) await requireTeam(client, spec.team);
  const user = await getUser(client, spec.name);
  if (!user) throw new CommandError(`user "${spec.name}" does not exist. Add it with: npm run couch -- user add ${spec.name} …`);
  const after = rolesFor(spec.role, spec.team);
  const { outpost: _previous, ...rest } = user;
  await client.ok('PUT', userPath(spec.name), { ...rest, roles: after });
  return { before: user.roles, after };
}

/**
 * Takes every role away and marks the account disabled. It can still sign in, but reaches no database, and the
 * app tells the person their account is disabled rather than "wrong password". Open sessions lose access at
 * once, since CouchDB reads roles from the user doc on every request. `user roles` enables it again.
 */
export async function disableUser(client: AdminClient, name: string, now = new Date()): Promise<{ alreadyDisabled: boolean }> {
  const user = await getUser(client, name);
  if (!user) throw new CommandError(`user "${name}" does not exist`);
  if (user.outpost?.disabled) return { alreadyDisabled: true };
  await client.ok('PUT', userPath(name), {
    ...user,
    roles: [],
    outpost: { disabled: true, disabledAt: now.toISOString(), previousRoles: user.roles },
  });
  return { alreadyDisabled: false };
}

export function randomPassword(): string {
  return randomBytes(24).toString('base64url');
}

export { describeRoles };
