// Server-level behaviour Outpost's CLI, health checks and provisioning rely on, and the CouchDB 3
// defaults that keep a fresh server closed (no admin party, admin-only system databases).
import { describe, expect, it } from 'vitest';
import { couch, expectAlive, expectCouchError, membersOnly, uid, useFixtures } from './helpers';

const fx = useFixtures();

describe('/_up', () => {
  it('answers 200 {status: "ok"} without credentials', async () => {
    const res = await couch<{ status: string }>('/_up');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
  });
});

describe('/_node/_local/_config', () => {
  it('answers the admin with an object of config sections', async () => {
    const res = await couch<Record<string, unknown>>('/_node/_local/_config', { auth: 'admin' });
    expect(res.status).toBe(200);
    expect(typeof res.body).toBe('object');
    expect(Array.isArray(res.body)).toBe(false);
    // Every value is a section: an object of key → string.
    for (const section of Object.values(res.body)) {
      expect(typeof section).toBe('object');
    }
    expect(Object.keys(res.body).length).toBeGreaterThan(0);
  });

  it('is 401 for anonymous and for a logged-in user', async () => {
    const user = await fx.user([]);
    expectCouchError(await couch('/_node/_local/_config'), 401, 'unauthorized');
    expectCouchError(await couch('/_node/_local/_config', { auth: user }), 401, 'unauthorized');
  });

  it('PUT of a key returns the previous value as a JSON string, and GET reads the new one', async () => {
    // A section of our own, not persisted (X-Couch-Persist: false), deleted at the end.
    const path = `/_node/_local/_config/${uid('contract_section').replace(/-/g, '_')}/key`;
    const headers = { 'X-Couch-Persist': 'false' };
    try {
      const first = await couch<string>(path, { method: 'PUT', auth: 'admin', headers, body: JSON.stringify('one') });
      expect(first.status).toBe(200);
      expect(first.body).toBe('');
      const second = await couch<string>(path, { method: 'PUT', auth: 'admin', headers, body: JSON.stringify('two') });
      expect(second.status).toBe(200);
      expect(second.body).toBe('one');
      const read = await couch<string>(path, { auth: 'admin' });
      expect(read.status).toBe(200);
      expect(read.body).toBe('two');
    } finally {
      await couch(path, { method: 'DELETE', auth: 'admin', headers });
    }
  });

  it('refuses PUT of a key from a logged-in user (401) and leaves it unset', async () => {
    const user = await fx.user([]);
    const path = `/_node/_local/_config/${uid('contract_section').replace(/-/g, '_')}/key`;
    const res = await couch(path, { method: 'PUT', auth: user, body: JSON.stringify('x') });
    expectCouchError(res, 401, 'unauthorized');
    expect((await couch(path, { auth: 'admin' })).status).toBe(404);
  });
});

describe('creating and deleting databases', () => {
  it('refuses PUT /db from anonymous (401, no admin party) and creates nothing', async () => {
    const name = uid();
    expectCouchError(await couch(`/${name}`, { method: 'PUT' }), 401, 'unauthorized');
    await expectAlive();
    expectCouchError(await couch(`/${name}`, { auth: 'admin' }), 404, 'not_found');
  });

  it('refuses PUT /db from a logged-in user (401), the server stays up and nothing is created', async () => {
    const user = await fx.user([]);
    const name = uid();
    expectCouchError(await couch(`/${name}`, { method: 'PUT', auth: user }), 401, 'unauthorized');
    await expectAlive();
    expectCouchError(await couch(`/${name}`, { auth: 'admin' }), 404, 'not_found');
  });

  it('refuses DELETE /db from anonymous and from a member (401), the database survives', async () => {
    const role = uid('team');
    const db = await fx.db(membersOnly(role));
    const member = await fx.user([role]);
    expectCouchError(await couch(`/${db}`, { method: 'DELETE' }), 401, 'unauthorized');
    expectCouchError(await couch(`/${db}`, { method: 'DELETE', auth: member }), 401, 'unauthorized');
    await expectAlive();
    expect((await couch(`/${db}`, { auth: 'admin' })).status).toBe(200);
  });
});

describe('system databases are admin-only (CouchDB 3 defaults)', () => {
  it.each(['_users', '_replicator'])('%s/_all_docs is 401 for anonymous and for a logged-in user', async (sysdb) => {
    const user = await fx.user([]);
    expectCouchError(await couch(`/${sysdb}/_all_docs`), 401, 'unauthorized');
    // CouchDB routes /_users/_all_docs and /_replicator/_all_docs through its server-admin check,
    // which answers 401 (not 403) to any non-admin.
    expectCouchError(await couch(`/${sysdb}/_all_docs`, { auth: user }), 401, 'unauthorized');
    expect((await couch(`/${sysdb}/_all_docs`, { auth: 'admin' })).status).toBe(200);
  });

  it.each(['_users', '_replicator'])('GET /%s is 401 for anonymous and 403 for a logged-in user', async (sysdb) => {
    const user = await fx.user([]);
    expectCouchError(await couch(`/${sysdb}`), 401, 'unauthorized');
    expectCouchError(await couch(`/${sysdb}`, { auth: user }), 403, 'forbidden');
  });

  it('refuses a replication doc written to _replicator by a logged-in user (403)', async () => {
    const user = await fx.user([]);
    const id = uid('rep');
    const res = await couch(`/_replicator/${id}`, {
      method: 'PUT',
      auth: user,
      body: { source: 'http://127.0.0.1:1/a', target: 'http://127.0.0.1:1/b' },
    });
    expectCouchError(res, 403, 'forbidden');
    expect((await couch(`/_replicator/${id}`, { auth: 'admin' })).status).toBe(404);
  });
});

describe('unknown paths', () => {
  it('a missing database is 404 not_found', async () => {
    expectCouchError(await couch(`/${uid('contract-missing')}`, { auth: 'admin' }), 404, 'not_found');
  });

  it('a missing document is 404 not_found', async () => {
    const db = await fx.db();
    expectCouchError(await couch(`/${db}/nope`, { auth: 'admin' }), 404, 'not_found');
  });
});
