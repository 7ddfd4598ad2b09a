// Roles are the only source of authorisation (ARCHITECTURE.md §2–3), so no user may ever change their own. Only the
// server admin — the CLI — changes roles.
import { describe, expect, it } from 'vitest';
import { couch, login, type Auth } from '../contract/helpers';
import { setRoles, userPath, type UserDoc } from '../cli/users';
import { useWorld, type RuleUser } from './world';

const world = useWorld();

const ESCALATED = ['hq', 'outpost-admin', '_admin'];

async function storedRoles(user: RuleUser): Promise<string[]> {
  const res = await couch<UserDoc>(userPath(user.user), { auth: 'admin' });
  expect(res.status).toBe(200);
  return res.body.roles;
}

/** The roles a fresh session of this user gets (what CouchDB will authorise with). */
async function sessionRoles(user: RuleUser): Promise<string[]> {
  const res = await couch<{ userCtx: { name: string; roles: string[] } }>('/_session', { auth: user });
  expect(res.status).toBe(200);
  expect(res.body.userCtx.name).toBe(user.user);
  return res.body.userCtx.roles;
}

/** The user's own doc with more roles, at its current revision (read by the admin, as if the user knew it). */
async function escalatedDoc(user: RuleUser): Promise<UserDoc> {
  const res = await couch<UserDoc>(userPath(user.user), { auth: 'admin' });
  expect(res.status).toBe(200);
  return { ...res.body, roles: [...res.body.roles, ...ESCALATED] };
}

describe('users can never change their own roles', () => {
  const users: Array<[string, () => RuleUser]> = [
    ['a field worker', () => world().north.worker],
    ['a lead', () => world().north.lead],
    ['HQ', () => world().hq],
  ];

  it.each(users)('%s: a PUT of their own _users doc with more roles is 403 and the roles stay', async (_who, get) => {
    const user = get();
    const before = await storedRoles(user);
    const res = await couch(userPath(user.user), { method: 'PUT', body: await escalatedDoc(user), auth: user });
    expect(res.status, JSON.stringify(res.body)).toBe(403);
    expect(res.body).toMatchObject({ error: 'forbidden' });
    expect(await storedRoles(user)).toEqual(before);
    expect(await sessionRoles(user)).toEqual(before);
  });

  it('the same PUT with a session cookie is 403 too', async () => {
    const user = world().north.lead;
    const before = await storedRoles(user);
    const cookie: Auth = { cookie: await login(user) };
    const res = await couch(userPath(user.user), { method: 'PUT', body: await escalatedDoc(user), auth: cookie });
    expect(res.status, JSON.stringify(res.body)).toBe(403);
    expect(await storedRoles(user)).toEqual(before);
  });

  it('through _users/_bulk_docs the roles stay as well', async () => {
    const user = world().north.worker;
    const before = await storedRoles(user);
    const res = await couch('/_users/_bulk_docs', { body: { docs: [await escalatedDoc(user)] }, auth: user });
    // `_users` is admin-only in CouchDB 3.5, so the whole request is refused.
    expect(res.status, JSON.stringify(res.body)).toBe(403);
    expect(res.body).toMatchObject({ error: 'forbidden' });
    expect(await storedRoles(user)).toEqual(before);
    expect(await sessionRoles(user)).toEqual(before);
  });

  it('the server admin (the CLI) can change roles, and the next request carries them', async () => {
    const { client, north, south } = world();
    const user = await world.addUser('field', north.id);
    expect(await sessionRoles(user)).toEqual([`team:${north.id}`]);
    await setRoles(client, { name: user.user, role: 'lead', team: south.id });
    expect(await storedRoles(user)).toEqual([`team:${south.id}`, `lead:${south.id}`]);
    expect(await sessionRoles(user)).toEqual([`team:${south.id}`, `lead:${south.id}`]);
  });
});
