// Job photos travel as attachments (ARCHITECTURE.md §2), and PouchDB replication reads with
// _revs_diff + _bulk_get?revs=true&attachments=true. These pin the byte-exact round trip and the
// shapes the replicator parses, including CouchDB's per-doc error for a missing id.
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { couch, couchBytes, membersOnly, putDoc, toBase64, uid, useFixtures, type DocWrite, type TestUser } from './helpers';

const fx = useFixtures();

interface AttachmentStub {
  content_type: string;
  digest: string;
  length: number;
  stub?: boolean;
  data?: string;
}

interface DocWithAttachments {
  _id: string;
  _rev: string;
  _attachments: Record<string, AttachmentStub>;
  _revisions?: { start: number; ids: string[] };
}

interface BulkGet {
  results: Array<{
    id: string;
    docs: Array<{ ok?: DocWithAttachments; error?: { id: string; rev: string; error: string; reason: string } }>;
  }>;
}

const note = 'Pump 3 inspected; gasket replaced.\n';

describe('attachments', () => {
  let db = '';
  let member: TestUser;
  // Every byte value, so no encoding step can go unnoticed.
  const photo = new Uint8Array([...Array.from({ length: 256 }, (_, i) => i), ...randomBytes(4096)]);

  beforeAll(async () => {
    const role = uid('team');
    db = await fx.db(membersOnly(role));
    member = await fx.user([role]);
    await putDoc(
      db,
      { _id: 'job-a', type: 'job', _attachments: { 'note.txt': { content_type: 'text/plain', data: toBase64(note) } } },
      member,
    );
  });

  it('an inline base64 attachment is served back as its bytes with its content type', async () => {
    const res = await couchBytes(`/${db}/job-a/note.txt`, { auth: member });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(Buffer.from(res.body).toString('utf8')).toBe(note);
  });

  it('the doc carries an attachment stub with length and an md5 digest', async () => {
    const res = await couch<DocWithAttachments>(`/${db}/job-a`, { auth: member });
    expect(res.body._attachments['note.txt']).toMatchObject({
      content_type: 'text/plain',
      length: Buffer.byteLength(note),
      stub: true,
      digest: expect.stringMatching(/^md5-/),
    });
  });

  it('a standalone PUT /db/doc/att?rev= with a binary body stores the exact bytes', async () => {
    const put = await couch<DocWrite>(`/${db}/job-b/photo-1.jpg`, {
      method: 'PUT',
      auth: member,
      body: new Uint8Array([1, 2, 3]),
      headers: { 'Content-Type': 'image/jpeg' },
    });
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({ ok: true, id: 'job-b', rev: expect.stringMatching(/^1-/) });

    const res = await couch<DocWrite>(`/${db}/job-b/photo-1.jpg?rev=${put.body.rev}`, {
      method: 'PUT',
      auth: member,
      body: photo,
      headers: { 'Content-Type': 'image/jpeg' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ ok: true, id: 'job-b', rev: expect.stringMatching(/^2-/) });

    const got = await couchBytes(`/${db}/job-b/photo-1.jpg`, { auth: member });
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toMatch(/^image\/jpeg/);
    expect(Buffer.from(got.body).equals(Buffer.from(photo))).toBe(true);
  });

  it('a standalone attachment PUT with a stale rev is 409 conflict', async () => {
    const rev = await putDoc(db, { _id: 'job-c' }, member);
    await putDoc(db, { _id: 'job-c', _rev: rev, v: 2 }, member);
    const res = await couch(`/${db}/job-c/late.jpg?rev=${rev}`, {
      method: 'PUT',
      auth: member,
      body: new Uint8Array([9]),
      headers: { 'Content-Type': 'image/jpeg' },
    });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: 'conflict' });
  });

  it('GET doc?attachments=true inlines the data as base64', async () => {
    const res = await couch<DocWithAttachments>(`/${db}/job-a?attachments=true`, { auth: member });
    expect(res.body._attachments['note.txt']?.data).toBe(toBase64(note));
  });
});

describe('_bulk_get and _revs_diff', () => {
  let db = '';
  let member: TestUser;
  let rev1 = '';
  let rev2 = '';

  beforeAll(async () => {
    const role = uid('team');
    db = await fx.db(membersOnly(role));
    member = await fx.user([role]);
    rev1 = await putDoc(db, { _id: 'job-a', title: 'v1', _attachments: { 'n.txt': { content_type: 'text/plain', data: toBase64('hi') } } });
    rev2 = await putDoc(db, {
      _id: 'job-a',
      _rev: rev1,
      title: 'v2',
      _attachments: { 'n.txt': { content_type: 'text/plain', data: toBase64('hi') } },
    });
  });

  it('_bulk_get answers each requested doc in order, with a not_found error for a missing id', async () => {
    const res = await couch<BulkGet>(`/${db}/_bulk_get`, {
      auth: member,
      body: { docs: [{ id: 'job-a' }, { id: 'job-missing' }, { id: 'job-a', rev: rev1 }] },
    });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r) => r.id)).toEqual(['job-a', 'job-missing', 'job-a']);
    expect(res.body.results[0]?.docs).toEqual([{ ok: expect.objectContaining({ _id: 'job-a', _rev: rev2, title: 'v2' }) }]);
    const missing = res.body.results[1]?.docs;
    expect(missing).toHaveLength(1);
    expect(missing?.[0]?.error).toMatchObject({ id: 'job-missing', error: 'not_found', reason: expect.any(String) });
    expect(missing?.[0]?.error).toHaveProperty('rev');
    expect(res.body.results[2]?.docs).toEqual([{ ok: expect.objectContaining({ _id: 'job-a', _rev: rev1, title: 'v1' }) }]);
  });

  it('_bulk_get?revs=true&attachments=true (what PouchDB replication sends) returns history and inline data', async () => {
    const res = await couch<BulkGet>(`/${db}/_bulk_get?revs=true&attachments=true`, {
      auth: member,
      body: { docs: [{ id: 'job-a', rev: rev2 }] },
    });
    expect(res.status).toBe(200);
    const doc = res.body.results[0]?.docs[0]?.ok;
    expect(doc?._revisions).toEqual({ start: 2, ids: [rev2.slice(2), rev1.slice(2)] });
    expect(doc?._attachments['n.txt']?.data).toBe(toBase64('hi'));
  });

  it('_revs_diff reports the revs the server lacks and omits docs it has in full', async () => {
    const fake = '3-0123456789abcdef0123456789abcdef';
    const res = await couch<Record<string, { missing: string[] }>>(`/${db}/_revs_diff`, {
      auth: member,
      body: { 'job-a': [rev2, fake], 'job-new': ['1-abcdefabcdefabcdefabcdefabcdefab'] },
    });
    expect(res.status).toBe(200);
    expect(res.body['job-a']?.missing).toEqual([fake]);
    expect(res.body['job-new']?.missing).toEqual(['1-abcdefabcdefabcdefabcdefabcdefab']);
    const full = await couch<Record<string, unknown>>(`/${db}/_revs_diff`, { auth: member, body: { 'job-a': [rev1, rev2] } });
    expect(full.status).toBe(200);
    expect(full.body).toEqual({});
  });
});
