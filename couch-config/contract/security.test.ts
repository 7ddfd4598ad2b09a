// Read and write security comes from `_security` (ARCHITECTURE.md §2): a device may only ever see
// its own team's database. So every endpoint a client can reach on a members-only database must
// refuse anonymous requests (401) and logged-in non-members (403), and serve members.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  couch,
  expectCouchError,
  membersOnly,
  putDesign,
  putDoc,
  toBase64,
  uid,
  useFixtures,
  type Auth,
  type CouchRequest,
  type TestUser,
} from './helpers';

const fx = useFixtures();

type Who = 'anonymous' | 'outsider' | 'member';

interface Endpoint {
  name: string;
  /** What a member gets. */
  memberStatus: number;
  request(db: string, who: Who): CouchRequest & { path: string };
  /** For writes: a path the admin reads afterwards to see whether the write was stored. */
  stored?(db: string, who: Who): string;
}

const selector = { type: 'job' };

const endpoints: Endpoint[] = [
  { name: 'GET /db', memberStatus: 200, request: (db) => ({ path: `/${db}` }) },
  { name: 'GET /db/doc', memberStatus: 200, request: (db) => ({ path: `/${db}/d1` }) },
  {
    name: 'PUT /db/doc',
    memberStatus: 201,
    request: (db, who) => ({ path: `/${db}/put-${who}`, method: 'PUT', body: { type: 'job' } }),
    stored: (db, who) => `/${db}/put-${who}`,
  },
  { name: 'GET /db/_all_docs', memberStatus: 200, request: (db) => ({ path: `/${db}/_all_docs` }) },
  { name: 'GET /db/_changes', memberStatus: 200, request: (db) => ({ path: `/${db}/_changes` }) },
  {
    name: 'POST /db/_changes',
    memberStatus: 200,
    request: (db) => ({ path: `/${db}/_changes?filter=_selector`, method: 'POST', body: { selector } }),
  },
  { name: 'POST /db/_find', memberStatus: 200, request: (db) => ({ path: `/${db}/_find`, body: { selector } }) },
  { name: 'POST /db/_explain', memberStatus: 200, request: (db) => ({ path: `/${db}/_explain`, body: { selector } }) },
  { name: 'GET /db/_index', memberStatus: 200, request: (db) => ({ path: `/${db}/_index` }) },
  {
    name: 'POST /db/_bulk_get',
    memberStatus: 200,
    request: (db) => ({ path: `/${db}/_bulk_get`, body: { docs: [{ id: 'd1' }] } }),
  },
  {
    name: 'POST /db/_bulk_docs',
    memberStatus: 201,
    request: (db, who) => ({ path: `/${db}/_bulk_docs`, body: { docs: [{ _id: `bulk-${who}`, type: 'job' }] } }),
    stored: (db, who) => `/${db}/bulk-${who}`,
  },
  {
    name: 'POST /db/_revs_diff',
    memberStatus: 200,
    request: (db) => ({ path: `/${db}/_revs_diff`, body: { d1: ['1-00000000000000000000000000000000'] } }),
  },
  { name: 'GET /db/_local/id', memberStatus: 200, request: (db) => ({ path: `/${db}/_local/l1` }) },
  {
    name: 'PUT /db/_local/id',
    memberStatus: 201,
    request: (db, who) => ({ path: `/${db}/_local/put-${who}`, method: 'PUT', body: { checkpoint: 1 } }),
    stored: (db, who) => `/${db}/_local/put-${who}`,
  },
  { name: 'GET /db/_design/x', memberStatus: 200, request: (db) => ({ path: `/${db}/_design/x` }) },
  { name: 'GET /db/_design/x/_view/y', memberStatus: 200, request: (db) => ({ path: `/${db}/_design/x/_view/y` }) },
  { name: 'GET /db/doc/attachment', memberStatus: 200, request: (db) => ({ path: `/${db}/d1/a.txt` }) },
  {
    name: 'PUT /db/doc/attachment',
    memberStatus: 201,
    request: (db, who) => ({
      path: `/${db}/att-${who}/note.txt`,
      method: 'PUT',
      body: 'hello',
      headers: { 'Content-Type': 'text/plain' },
    }),
    stored: (db, who) => `/${db}/att-${who}`,
  },
];

describe('a members-only database', () => {
  let db = '';
  let member: TestUser;
  let outsider: TestUser;

  beforeAll(async () => {
    const role = uid('team');
    db = await fx.db(membersOnly(role));
    member = await fx.user([role]);
    outsider = await fx.user([uid('other-team')]);
    await putDoc(db, {
      _id: 'd1',
      type: 'job',
      _attachments: { 'a.txt': { content_type: 'text/plain', data: toBase64('attached') } },
    });
    await putDesign(db, 'x', { views: { y: { map: 'function (doc) { if (doc.type) { emit(doc.type, null); } }' } } });
    await putDoc(db, { _id: '_local/l1', checkpoint: 0 });
  });

  function authFor(who: Who): Auth {
    if (who === 'anonymous') return null;
    return who === 'member' ? member : outsider;
  }

  describe.each(endpoints.map((ep) => [ep.name, ep] as const))('%s', (_name, ep) => {
    async function call(who: Who) {
      const { path, ...req } = ep.request(db, who);
      return couch(path, { ...req, auth: authFor(who) });
    }

    async function expectStored(who: Who, stored: boolean) {
      if (!ep.stored) return;
      const res = await couch(ep.stored(db, who), { auth: 'admin' });
      expect(res.status, `${ep.stored(db, who)} after a ${who} write`).toBe(stored ? 200 : 404);
    }

    it('is 401 for anonymous', async () => {
      expectCouchError(await call('anonymous'), 401, 'unauthorized');
      await expectStored('anonymous', false);
    });

    it('is 403 for a logged-in non-member', async () => {
      expectCouchError(await call('outsider'), 403, 'forbidden');
      await expectStored('outsider', false);
    });

    it(`is ${ep.memberStatus} for a member`, async () => {
      const res = await call('member');
      expect(res.status, JSON.stringify(res.body)).toBe(ep.memberStatus);
      await expectStored('member', true);
    });
  });

  it('refuses POST /db/_index from a member (index creation writes a design doc) and creates nothing', async () => {
    const name = uid('idx');
    const res = await couch(`/${db}/_index`, {
      auth: member,
      body: { index: { fields: ['type'] }, name, ddoc: name },
    });
    // CouchDB 3 answers 500 error_saving_ddoc here, so only "refused" is pinned, not the status.
    expect(res.status, JSON.stringify(res.body)).toBeGreaterThanOrEqual(400);
    const indexes = await couch<{ indexes: Array<{ name: string }> }>(`/${db}/_index`, { auth: 'admin' });
    expect(indexes.body.indexes.map((i) => i.name)).not.toContain(name);
    expect((await couch(`/${db}/_design/${name}`, { auth: 'admin' })).status).toBe(404);
  });

  it('refuses POST /db/_index from anonymous (401) and from a non-member (403)', async () => {
    const body = { index: { fields: ['type'] }, name: uid('idx') };
    expectCouchError(await couch(`/${db}/_index`, { body }), 401, 'unauthorized');
    expectCouchError(await couch(`/${db}/_index`, { body, auth: outsider }), 403, 'forbidden');
  });

  it('refuses a _security change from a member and keeps the old members', async () => {
    const res = await couch(`/${db}/_security`, { method: 'PUT', auth: member, body: membersOnly() });
    // CouchDB 3 answers 500 no_majority here: pin "refused and unchanged", not the status.
    expect(res.status).toBeGreaterThanOrEqual(400);
    const sec = await couch<{ members: { roles: string[] } }>(`/${db}/_security`, { auth: 'admin' });
    expect(sec.body.members.roles).toEqual(member.roles);
  });
});

describe('a database created without _security (CouchDB 3 default: admin-only)', () => {
  let db = '';
  let user: TestUser;

  beforeAll(async () => {
    db = await fx.db();
    user = await fx.user([uid('team')]);
    await putDoc(db, { _id: 'd1', type: 'job' });
  });

  it('names _admin as its members role', async () => {
    const res = await couch<{ members?: { roles?: string[] } }>(`/${db}/_security`, { auth: 'admin' });
    expect(res.status).toBe(200);
    expect(res.body.members?.roles).toContain('_admin');
  });

  it.each([
    ['GET /db', (d: string) => `/${d}`],
    ['GET /db/doc', (d: string) => `/${d}/d1`],
    ['GET /db/_all_docs', (d: string) => `/${d}/_all_docs`],
    ['GET /db/_changes', (d: string) => `/${d}/_changes`],
  ])('%s is 401 for anonymous and 403 for a logged-in user', async (_name, path) => {
    expectCouchError(await couch(path(db)), 401, 'unauthorized');
    expectCouchError(await couch(path(db), { auth: user }), 403, 'forbidden');
    expect((await couch(path(db), { auth: 'admin' })).status).toBe(200);
  });

  it('refuses a write from a logged-in user (403) and stores nothing', async () => {
    const res = await couch(`/${db}/w1`, { method: 'PUT', auth: user, body: { type: 'job' } });
    expectCouchError(res, 403, 'forbidden');
    expect((await couch(`/${db}/w1`, { auth: 'admin' })).status).toBe(404);
  });
});

describe('a database whose members list is empty (public: `couch check` flags it)', () => {
  let db = '';

  beforeAll(async () => {
    db = await fx.db({ admins: { names: [], roles: [] }, members: { names: [], roles: [] } });
    await putDoc(db, { _id: 'd1', type: 'job' });
  });

  it('serves anonymous reads of docs, _all_docs and _changes', async () => {
    const doc = await couch<{ _id: string }>(`/${db}/d1`);
    expect(doc.status).toBe(200);
    expect(doc.body._id).toBe('d1');
    expect((await couch(`/${db}/_all_docs`)).status).toBe(200);
    expect((await couch(`/${db}/_changes`)).status).toBe(200);
  });

  it('accepts anonymous _local writes', async () => {
    const res = await couch(`/${db}/_local/anon`, { method: 'PUT', body: { checkpoint: 1 } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect((await couch(`/${db}/_local/anon`, { auth: 'admin' })).status).toBe(200);
  });
});

describe('/_all_dbs', () => {
  it('is 401 for anonymous and for a logged-in user, 200 for the admin', async () => {
    const user = await fx.user([]);
    expectCouchError(await couch('/_all_dbs'), 401, 'unauthorized');
    expectCouchError(await couch('/_all_dbs', { auth: user }), 401, 'unauthorized');
    const res = await couch<string[]>('/_all_dbs', { auth: 'admin' });
    expect(res.status).toBe(200);
    expect(res.body).toContain('_users');
  });
});
