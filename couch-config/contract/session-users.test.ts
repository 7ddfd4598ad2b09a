// Login as the PWA does it (cookie session on the same origin), basic auth as the CLI and tests do
// it, and the `_users` rules that make roles the only authorisation source (ARCHITECTURE.md §2):
// a user can never read or rewrite their own user doc, so they can never grant themselves roles.
import { beforeAll, describe, expect, it } from 'vitest';
import { couch, expectCouchError, login, membersOnly, uid, useFixtures, type TestUser, memberDb } from './helpers';

const fx = useFixtures();

interface Session {
  ok: boolean;
  userCtx: { name: string | null; roles: string[] };
}

interface UserDoc {
  _id: string;
  _rev: string;
  name: string;
  roles: string[];
  password?: string;
  password_scheme?: string;
  derived_key?: string;
  salt?: string;
  iterations?: number;
}

function userDocPath(name: string): string {
  return `/_users/${encodeURIComponent(`org.couchdb.user:${name}`)}`;
}

describe('_session', () => {
  let db = '';
  let member: TestUser;

  beforeAll(async () => {
    ({ db, member } = await memberDb(fx));
  });

  it('POST /_session with JSON {name, password} is 200 {ok, name, roles} and sets an AuthSession cookie', async () => {
    const res = await couch<{ ok: boolean; name: string; roles: string[] }>('/_session', {
      method: 'POST',
      body: { name: member.user, password: member.password },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, name: member.user, roles: member.roles });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('AuthSession='));
    expect(cookie).toMatch(/^AuthSession=[^;]+/);
  });

  it('GET /_session with the cookie shows the user name and roles', async () => {
    const cookie = await login(member);
    const res = await couch<Session>('/_session', { auth: { cookie } });
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
    expect(res.body.userCtx.name).toBe(member.user);
    expect(res.body.userCtx.roles).toEqual(member.roles);
  });

  it('the session cookie authenticates database requests', async () => {
    const cookie = await login(member);
    expect((await couch(`/${db}/_all_docs`, { auth: { cookie } })).status).toBe(200);
  });

  it('GET /_session without credentials shows no user', async () => {
    const res = await couch<Session>('/_session');
    expect(res.status).toBe(200);
    expect(res.body.userCtx.name).toBeNull();
  });

  it('DELETE /_session logs out: 200 {ok: true} and the AuthSession cookie is cleared', async () => {
    const cookie = await login(member);
    const res = await couch<{ ok: boolean }>('/_session', { method: 'DELETE', auth: { cookie } });
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
    // A browser applies Set-Cookie headers in order, so the last AuthSession one is what it keeps.
    const cleared = res.headers
      .getSetCookie()
      .filter((c) => c.startsWith('AuthSession='))
      .at(-1);
    expect(cleared).toMatch(/^AuthSession=;/);
    // What the browser holds after the logout response is the cleared cookie: it is nobody.
    const after = await couch<Session>('/_session', { auth: { cookie: 'AuthSession=' } });
    expect(after.body.userCtx.name).toBeNull();
  });

  it('a wrong password is 401 unauthorized and sets no session cookie', async () => {
    // A user of its own: CouchDB locks a user out after a few wrong passwords.
    const user = await fx.user([]);
    const res = await couch('/_session', { method: 'POST', body: { name: user.user, password: `${user.password}x` } });
    expectCouchError(res, 401, 'unauthorized');
    const cookie = res.headers.getSetCookie().find((c) => /^AuthSession=[^;]+/.test(c));
    expect(cookie).toBeUndefined();
  });
});

describe('basic auth', () => {
  it('a member reads a members-only database with basic auth', async () => {
    const role = uid('team');
    const db = await fx.db(membersOnly(role));
    const member = await fx.user([role]);
    expect((await couch(`/${db}`, { auth: member })).status).toBe(200);
  });

  it('a wrong basic-auth password is 401', async () => {
    const role = uid('team');
    const db = await fx.db(membersOnly(role));
    const member = await fx.user([role]);
    expectCouchError(await couch(`/${db}`, { auth: { user: member.user, password: 'wrong' } }), 401, 'unauthorized');
  });
});

describe('_users', () => {
  it('stores a pbkdf2 hash, never the clear password', async () => {
    const user = await fx.user(['team-a']);
    const res = await couch<UserDoc>(userDocPath(user.user), { auth: 'admin' });
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('password');
    expect(JSON.stringify(res.body)).not.toContain(user.password);
    expect(res.body.password_scheme).toBe('pbkdf2');
    expect(res.body.derived_key).toMatch(/^[0-9a-f]+$/);
    expect(res.body.salt).toEqual(expect.any(String));
    expect(res.body.salt?.length).toBeGreaterThan(0);
    // Real CouchDB 3 uses far more; this only rules out the stand-in's weak default of 10.
    expect(res.body.iterations).toBeGreaterThanOrEqual(1000);
  });

  it('a user cannot read their own _users doc (403)', async () => {
    const user = await fx.user(['team-a']);
    expectCouchError(await couch(userDocPath(user.user), { auth: user }), 403, 'forbidden');
  });

  it('a user cannot change their own roles with PUT (403) and the roles stay unchanged', async () => {
    const user = await fx.user(['team-a']);
    const current = await couch<UserDoc>(userDocPath(user.user), { auth: 'admin' });
    const escalated = { ...current.body, roles: ['team-a', 'hq', 'outpost-admin', '_admin'] };
    const res = await couch(userDocPath(user.user), { method: 'PUT', auth: user, body: escalated });
    expectCouchError(res, 403, 'forbidden');
    await expectRoles(user, ['team-a']);
  });

  it('a user cannot change their own roles through _bulk_docs (403) and the roles stay unchanged', async () => {
    const user = await fx.user(['team-a']);
    const current = await couch<UserDoc>(userDocPath(user.user), { auth: 'admin' });
    const escalated = { ...current.body, roles: ['hq'] };
    const res = await couch('/_users/_bulk_docs', { auth: user, body: { docs: [escalated] } });
    expectCouchError(res, 403, 'forbidden');
    await expectRoles(user, ['team-a']);
  });

  it('a user with a session cookie cannot change their own roles either', async () => {
    const user = await fx.user(['team-a']);
    const cookie = await login(user);
    const current = await couch<UserDoc>(userDocPath(user.user), { auth: 'admin' });
    const res = await couch(userDocPath(user.user), {
      method: 'PUT',
      auth: { cookie },
      body: { ...current.body, roles: ['hq'] },
    });
    expectCouchError(res, 403, 'forbidden');
    await expectRoles(user, ['team-a']);
  });
});

/** Checks roles both in the stored doc (as admin) and in what a new session reports. */
async function expectRoles(user: TestUser, roles: string[]): Promise<void> {
  const doc = await couch<UserDoc>(userDocPath(user.user), { auth: 'admin' });
  expect(doc.body.roles).toEqual(roles);
  const session = await couch<Session>('/_session', { auth: user });
  expect(session.body.userCtx.roles).toEqual(roles);
}
