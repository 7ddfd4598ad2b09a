// Photos are attachments named `photo-<id>.jpg` (ARCHITECTURE.md §2); validate_doc_update refuses an attachment
// that is not an image or is over the cap (§3). Each way of sending one is tried: inline base64 in the doc, and a
// standalone attachment PUT with raw bytes. Judged by what the server admin finds stored afterwards.
import { describe, expect, it } from 'vitest';
import { couch, couchBytes, type CouchError, type DocWrite } from '../contract/helpers';
import { job, jpegBase64, T0, type RawDoc } from './docs';
import { create, docPath, expectForbidden, put, stored, useWorld, type RuleUser } from './world';

const world = useWorld();

const MAX_PHOTO_BYTES = 1_572_864;

function jobWithPhoto(name: string, attachment: Record<string, unknown>): RawDoc {
  const { north } = world();
  const doc = job({ team: north.id, by: north.worker.user }, { photos: [{ id: 'p1', caption: 'Seal', by: north.worker.user, at: T0 }] });
  return { ...doc, _attachments: { [name]: attachment } };
}

function putAttachment(doc: { _id: string; _rev: string }, name: string, bytes: Uint8Array, contentType: string, user: RuleUser) {
  const { north } = world();
  return couch<DocWrite & Partial<CouchError>>(`${docPath(north.db, doc._id)}/${encodeURIComponent(name)}?rev=${encodeURIComponent(doc._rev)}`, {
    method: 'PUT',
    body: bytes,
    headers: { 'Content-Type': contentType },
    auth: user,
    timeoutMs: 30_000,
  });
}

async function storedAttachment(id: string, name: string) {
  const { north } = world();
  return couchBytes(`${docPath(north.db, id)}/${encodeURIComponent(name)}`, { auth: 'admin' });
}

function jpegBytes(length: number): Uint8Array {
  return new Uint8Array(Buffer.from(jpegBase64(length), 'base64'));
}

describe('inline attachments (base64 in the doc)', () => {
  it('a small image named photo-<id>.jpg is accepted and stored byte for byte', async () => {
    const { north } = world();
    const data = jpegBase64(2_000);
    const doc = jobWithPhoto('photo-p1.jpg', { content_type: 'image/jpeg', data });
    await create(north.db, doc, north.worker);
    const att = await storedAttachment(doc._id, 'photo-p1.jpg');
    expect(att.status).toBe(200);
    expect(att.headers.get('content-type')).toMatch(/^image\/jpeg/);
    expect(Buffer.from(att.body).toString('base64')).toBe(data);
  });

  it('an attachment that is not an image is refused (_attachments.<name>:) and the doc is not stored', async () => {
    const { north } = world();
    const doc = jobWithPhoto('photo-p1.jpg', { content_type: 'text/html', data: Buffer.from('<script>alert(1)</script>').toString('base64') });
    expectForbidden(await put(north.db, doc, north.worker), '_attachments.photo-p1.jpg');
    expect(await stored(north.db, doc._id)).toBeNull();
  });

  it('an image not named photo-<id>.<jpg|jpeg|png|webp> is refused', async () => {
    const { north } = world();
    const doc = jobWithPhoto('invoice.pdf', { content_type: 'image/jpeg', data: jpegBase64(100) });
    expectForbidden(await put(north.db, doc, north.worker), '_attachments.invoice.pdf');
    expect(await stored(north.db, doc._id)).toBeNull();
  });

  it(`an image of exactly the cap (${MAX_PHOTO_BYTES} bytes) is accepted`, async () => {
    const { north } = world();
    const doc = jobWithPhoto('photo-p1.jpg', { content_type: 'image/jpeg', data: jpegBase64(MAX_PHOTO_BYTES) });
    await create(north.db, doc, north.worker);
    const att = await storedAttachment(doc._id, 'photo-p1.jpg');
    expect(att.body.byteLength).toBe(MAX_PHOTO_BYTES);
  });

  it('an image one byte over the cap is refused and not stored', async () => {
    const { north } = world();
    const doc = jobWithPhoto('photo-p1.jpg', { content_type: 'image/jpeg', data: jpegBase64(MAX_PHOTO_BYTES + 1) });
    expectForbidden(await put(north.db, doc, north.worker), '_attachments.photo-p1.jpg');
    expect(await stored(north.db, doc._id)).toBeNull();
  });

  it('an image over the cap is refused even when the doc claims a small `length`', async () => {
    const { north } = world();
    const doc = jobWithPhoto('photo-p1.jpg', { content_type: 'image/jpeg', data: jpegBase64(2 * MAX_PHOTO_BYTES), length: 1_000 });
    expectForbidden(await put(north.db, doc, north.worker), '_attachments.photo-p1.jpg');
    expect(await stored(north.db, doc._id)).toBeNull();
  });
});

describe('standalone attachment PUT (raw bytes)', () => {
  it('a small image is accepted and stored byte for byte', async () => {
    const { north } = world();
    const doc = await create(north.db, job({ team: north.id, by: north.worker.user }), north.worker);
    const bytes = jpegBytes(3_000);
    const res = await putAttachment(doc, 'photo-p2.jpg', bytes, 'image/jpeg', north.worker);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const att = await storedAttachment(doc._id, 'photo-p2.jpg');
    expect(att.status).toBe(200);
    expect(Buffer.from(att.body).equals(Buffer.from(bytes))).toBe(true);
  });

  it('a non-image is refused (_attachments.<name>:) and the doc keeps its revision', async () => {
    const { north } = world();
    const doc = await create(north.db, job({ team: north.id, by: north.worker.user }), north.worker);
    const res = await putAttachment(doc, 'photo-p2.jpg', new TextEncoder().encode('not a photo'), 'text/plain', north.worker);
    expectForbidden(res, '_attachments.photo-p2.jpg');
    expect(await stored(north.db, doc._id)).toEqual(doc);
    expect((await storedAttachment(doc._id, 'photo-p2.jpg')).status).toBe(404);
  });

  it('an image over the cap is refused and the doc keeps its revision', async () => {
    const { north } = world();
    const doc = await create(north.db, job({ team: north.id, by: north.worker.user }), north.worker);
    const res = await putAttachment(doc, 'photo-p2.jpg', jpegBytes(MAX_PHOTO_BYTES + 1), 'image/jpeg', north.worker);
    // CouchDB does not show validate_doc_update the length of an attachment added this way (apache/couchdb#1320),
    // so there the cap can only come from `[couchdb] max_attachment_size` (413 attachment_too_large).
    if (res.status === 413) expect(res.body).toMatchObject({ error: 'attachment_too_large' });
    else expectForbidden(res, '_attachments.photo-p2.jpg');
    expect(await stored(north.db, doc._id)).toEqual(doc);
    expect((await storedAttachment(doc._id, 'photo-p2.jpg')).status).toBe(404);
  });
});
