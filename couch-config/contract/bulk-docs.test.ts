// The outbox pushes edits with _bulk_docs and matches each answer to its doc by position, so the
// per-doc results must come back in request order, and one stale doc must not sink the batch.
import { beforeAll, describe, expect, it } from 'vitest';
import { couch, putDoc, useFixtures, type DocWrite, type TestUser, memberDb } from './helpers';

const fx = useFixtures();

describe('_bulk_docs', () => {
  let db = '';
  let member: TestUser;

  beforeAll(async () => {
    ({ db, member } = await memberDb(fx));
  });

  it('reports a stale rev as a per-doc 409 conflict, in request order, and stores the good docs', async () => {
    const rev1 = await putDoc(db, { _id: 'job-stale', title: 'v1' });
    const rev2 = await putDoc(db, { _id: 'job-stale', _rev: rev1, title: 'v2' });

    const res = await couch<DocWrite[]>(`/${db}/_bulk_docs`, {
      auth: member,
      body: {
        docs: [
          { _id: 'job-z', title: 'new z' },
          { _id: 'job-stale', _rev: rev1, title: 'stale edit' },
          { _id: 'job-a', title: 'new a' },
        ],
      },
    });

    expect(res.status).toBe(201);
    expect(res.body.map((r) => r.id)).toEqual(['job-z', 'job-stale', 'job-a']);
    expect(res.body[0]).toMatchObject({ ok: true, id: 'job-z', rev: expect.stringMatching(/^1-/) });
    expect(res.body[1]).toMatchObject({ id: 'job-stale', error: 'conflict', reason: expect.any(String) });
    expect(res.body[1]?.ok).toBeUndefined();
    expect(res.body[2]).toMatchObject({ ok: true, id: 'job-a', rev: expect.stringMatching(/^1-/) });

    const stale = await couch<{ _rev: string; title: string }>(`/${db}/job-stale`, { auth: 'admin' });
    expect(stale.body).toMatchObject({ _rev: rev2, title: 'v2' });
    for (const [id, title] of [['job-z', 'new z'], ['job-a', 'new a']]) {
      const doc = await couch<{ title: string }>(`/${db}/${id}`, { auth: 'admin' });
      expect(doc.status).toBe(200);
      expect(doc.body.title).toBe(title);
    }
  });

  it('returns the rev of each written doc, which reads back the same body', async () => {
    const res = await couch<DocWrite[]>(`/${db}/_bulk_docs`, {
      auth: member,
      body: { docs: [{ _id: 'job-1', n: 1 }, { _id: 'job-2', n: 2 }] },
    });
    expect(res.status).toBe(201);
    for (const [i, result] of res.body.entries()) {
      const doc = await couch<{ _rev: string; n: number }>(`/${db}/${result.id}`, { auth: member });
      expect(doc.body).toMatchObject({ _rev: result.rev, n: i + 1 });
    }
  });

  it('reports a create of an existing id without rev as a conflict', async () => {
    await putDoc(db, { _id: 'job-exists', title: 'first' });
    const res = await couch<DocWrite[]>(`/${db}/_bulk_docs`, {
      auth: member,
      body: { docs: [{ _id: 'job-exists', title: 'second' }] },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual([expect.objectContaining({ id: 'job-exists', error: 'conflict' })]);
  });

  it('deletes with _deleted and a current rev', async () => {
    const rev = await putDoc(db, { _id: 'job-del', title: 'x' });
    const res = await couch<DocWrite[]>(`/${db}/_bulk_docs`, {
      auth: member,
      body: { docs: [{ _id: 'job-del', _rev: rev, _deleted: true }] },
    });
    expect(res.status).toBe(201);
    expect(res.body[0]).toMatchObject({ ok: true, id: 'job-del', rev: expect.stringMatching(/^2-/) });
    const gone = await couch<{ error: string; reason: string }>(`/${db}/job-del`, { auth: 'admin' });
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ error: 'not_found', reason: 'deleted' });
  });
});
