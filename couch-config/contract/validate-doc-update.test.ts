// Write authorisation lives in each team database's validate_doc_update (ARCHITECTURE.md §3).
// The sync engine must see a refusal in both shapes CouchDB gives it: 403 on PUT, and a per-doc
// `forbidden` inside a 201 `_bulk_docs` answer (which is what replication sends). A write is judged
// by what was stored, never by the status alone.
import { beforeAll, describe, expect, it } from 'vitest';
import { couch, expectCouchError, membersOnly, putDesign, uid, useFixtures, type DocWrite, type TestUser } from './helpers';

const fx = useFixtures();

// Throws for docs marked `forbidden`, and echoes userCtx into the reason for docs whose id starts
// with "echo", so the tests can see exactly what the function was given.
const vdu = `function (newDoc, oldDoc, userCtx, secObj) {
  if (newDoc._id.indexOf('echo') === 0) {
    throw({ forbidden: JSON.stringify(userCtx) });
  }
  if (newDoc.forbidden) {
    throw({ forbidden: 'refused: ' + newDoc.forbidden });
  }
}`;

describe('validate_doc_update', () => {
  let db = '';
  let role = '';
  let member: TestUser;

  beforeAll(async () => {
    role = uid('team');
    db = await fx.db(membersOnly(role));
    member = await fx.user([role]);
    await putDesign(db, 'auth', { validate_doc_update: vdu });
  });

  async function stored(id: string): Promise<boolean> {
    const res = await couch(`/${db}/${id}`, { auth: 'admin' });
    expect([200, 404]).toContain(res.status);
    return res.status === 200;
  }

  it('lets an allowed member write through (201)', async () => {
    const res = await couch<DocWrite>(`/${db}/ok-1`, { method: 'PUT', auth: member, body: { type: 'job' } });
    expect(res.status).toBe(201);
    expect(await stored('ok-1')).toBe(true);
  });

  it('a forbidden PUT is 403 {error: "forbidden", reason} with the reason thrown, and nothing is stored', async () => {
    const res = await couch(`/${db}/bad-1`, { method: 'PUT', auth: member, body: { forbidden: 'status' } });
    expectCouchError(res, 403, 'forbidden');
    expect(res.body).toMatchObject({ reason: 'refused: status' });
    expect(await stored('bad-1')).toBe(false);
  });

  it('a forbidden update of an existing doc is 403 and keeps the old body', async () => {
    const first = await couch<DocWrite>(`/${db}/upd-1`, { method: 'PUT', auth: member, body: { title: 'a' } });
    expect(first.status).toBe(201);
    const res = await couch(`/${db}/upd-1`, {
      method: 'PUT',
      auth: member,
      body: { _rev: first.body.rev, title: 'b', forbidden: 'title' },
    });
    expectCouchError(res, 403, 'forbidden');
    const doc = await couch<{ _rev: string; title: string }>(`/${db}/upd-1`, { auth: 'admin' });
    expect(doc.body).toMatchObject({ _rev: first.body.rev, title: 'a' });
  });

  it('userCtx carries the name, the roles and the database name', async () => {
    const res = await couch<{ reason: string }>(`/${db}/echo-1`, { method: 'PUT', auth: member, body: {} });
    expectCouchError(res, 403, 'forbidden');
    const userCtx = JSON.parse(res.body.reason) as { name: string; roles: string[]; db: string };
    expect(userCtx.name).toBe(member.user);
    expect(userCtx.roles).toContain(role);
    expect(userCtx.db).toBe(db);
  });

  it('userCtx.db is set for writes through _bulk_docs too', async () => {
    const res = await couch<DocWrite[]>(`/${db}/_bulk_docs`, { auth: member, body: { docs: [{ _id: 'echo-2' }] } });
    expect(res.status).toBe(201);
    const result = res.body.find((r) => r.id === 'echo-2');
    expect(result?.error).toBe('forbidden');
    const userCtx = JSON.parse(result?.reason ?? '{}') as { name?: string; db?: string };
    expect(userCtx.name).toBe(member.user);
    expect(userCtx.db).toBe(db);
  });

  it('_bulk_docs answers 201 with a per-doc forbidden, stores the good docs and not the refused one', async () => {
    const res = await couch<DocWrite[]>(`/${db}/_bulk_docs`, {
      auth: member,
      body: {
        docs: [
          { _id: 'bulk-good-1', type: 'job' },
          { _id: 'bulk-bad-1', forbidden: 'priority' },
          { _id: 'bulk-good-2', type: 'job' },
        ],
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.map((r) => r.id)).toEqual(['bulk-good-1', 'bulk-bad-1', 'bulk-good-2']);
    expect(res.body[1]).toMatchObject({ id: 'bulk-bad-1', error: 'forbidden', reason: 'refused: priority' });
    expect(res.body[0]?.ok).toBe(true);
    expect(res.body[2]?.ok).toBe(true);
    expect(await stored('bulk-good-1')).toBe(true);
    expect(await stored('bulk-bad-1')).toBe(false);
    expect(await stored('bulk-good-2')).toBe(true);
  });

  it('_bulk_docs with new_edits:false (replication) answers 201, reports the forbidden doc and does not store it', async () => {
    const res = await couch<DocWrite[]>(`/${db}/_bulk_docs`, {
      auth: member,
      body: {
        new_edits: false,
        docs: [
          { _id: 'repl-good', _rev: '1-0123456789abcdef0123456789abcdef', type: 'job' },
          { _id: 'repl-bad', _rev: '1-fedcba9876543210fedcba9876543210', forbidden: 'team' },
        ],
      },
    });
    expect(res.status).toBe(201);
    // With new_edits:false CouchDB lists only the failures; judge by what was stored.
    expect(res.body.find((r) => r.id === 'repl-bad')).toMatchObject({ error: 'forbidden', reason: 'refused: team' });
    expect(res.body.find((r) => r.id === 'repl-good')?.error).toBeUndefined();
    expect(await stored('repl-good')).toBe(true);
    expect(await stored('repl-bad')).toBe(false);
  });

  it('_local docs skip validate_doc_update, so a member can write checkpoints', async () => {
    const res = await couch(`/${db}/_local/echo-checkpoint`, { method: 'PUT', auth: member, body: { forbidden: 'x' } });
    expect(res.status).toBe(201);
  });

  it('a member cannot write a design doc (which would replace the validation)', async () => {
    const res = await couch(`/${db}/_design/auth2`, {
      method: 'PUT',
      auth: member,
      body: { validate_doc_update: 'function () {}' },
    });
    expectCouchError(res, 403, 'forbidden');
    expect((await couch(`/${db}/_design/auth2`, { auth: 'admin' })).status).toBe(404);
  });
});
