/**
 * Backup and restore against a real (embedded) server over HTTP: a round trip of a database with attachments,
 * open conflicts, deleted docs, a design doc and `_security`, then the refusals (non-empty target, a damaged
 * file, a target that differs after restore).
 *
 * Size: OUTPOST_BACKUP_TEST_DOCS documents, default 2,000. 10,000 takes about 15 s alone on a 2-core machine but over
 * 60 s beside the rest of `npm test`; run OUTPOST_BACKUP_TEST_DOCS=10000 for the full-size round trip.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminClient, type AdminClient } from '../admin-client';
import { startEmbeddedServer, type EmbeddedServer } from '../server/index';
import { backup } from './backup';
import { restore, VerificationError } from './restore';
import { silentReporter } from './report';
import { CommandError } from './users';

const DOCS = Number(process.env.OUTPOST_BACKUP_TEST_DOCS ?? 2_000);
const SOURCE = 'ops-backup-source';
const SECURITY = { members: { names: [], roles: ['team:north'] }, admins: { names: [], roles: ['outpost-admin'] } };

let server: EmbeddedServer;
let client: AdminClient;
let dir: string;
let file: string;
const expected = { docs: 0, deleted: 0, conflicted: 0, attachments: 0 };

async function bulk(db: string, docs: unknown[], newEdits = true): Promise<Array<{ id: string; rev?: string; error?: string }>> {
  return client.ok('POST', `/${db}/_bulk_docs`, newEdits ? { docs } : { docs, new_edits: false });
}

/** Docs with a photo on every 10th, a second (conflicting) branch on every 25th, and every 50th deleted. */
async function fill(db: string, count: number): Promise<void> {
  await client.ok('PUT', `/${db}`);
  await client.ok('PUT', `/${db}/_security`, SECURITY);
  await client.ok('PUT', `/${db}/_design/ops-test`, { views: { by_n: { map: 'function (doc) { if (doc.n !== undefined) emit(doc.n, null); }' } } });
  const BATCH = 500;
  for (let start = 0; start < count; start += BATCH) {
    const docs = [];
    for (let n = start; n < Math.min(start + BATCH, count); n++) {
      const doc: Record<string, unknown> = { _id: `job:${String(n).padStart(6, '0')}`, type: 'job', n, title: `Job ${n}`, notes: 'x'.repeat(800) };
      if (n % 10 === 0) {
        doc._attachments = { [`photo-${n}.jpg`]: { content_type: 'image/jpeg', data: randomBytes(2048).toString('base64') } };
        expected.attachments += 1;
      }
      docs.push(doc);
    }
    const written = await bulk(db, docs);
    const branches = written
      .filter((r) => Number(r.id.slice(4)) % 25 === 0)
      .map((r) => ({ _id: r.id, _rev: `1-${randomBytes(16).toString('hex')}`, type: 'job', n: Number(r.id.slice(4)), title: 'the other device' }));
    await bulk(db, branches, false);
    const deletions = written.filter((r) => Number(r.id.slice(4)) % 50 === 1).map((r) => ({ _id: r.id, _rev: r.rev, _deleted: true }));
    await bulk(db, deletions);
    expected.conflicted += branches.length;
    expected.deleted += deletions.length;
    expected.docs += docs.length - deletions.length;
  }
  expected.docs += 1; // the design doc
}

beforeAll(async () => {
  server = await startEmbeddedServer({ storage: 'memory', port: 0, quiet: true });
  client = createAdminClient(server.url, server.admin);
  dir = mkdtempSync(path.join(tmpdir(), 'outpost-backup-'));
  file = path.join(dir, 'source.ndjson.gz');
  await fill(SOURCE, DOCS);
}, 300_000);

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
});

describe('couch backup and restore', () => {
  it(`round-trips ${DOCS} docs with attachments, conflicts, deletions, a design doc and _security`, async () => {
    const started = Date.now();
    const saved = await backup(client, { db: SOURCE, out: file, reporter: silentReporter });
    const backupSeconds = (Date.now() - started) / 1000;
    expect(saved.counts).toEqual({ docs: expected.docs, deleted: expected.deleted, leaves: expected.docs + expected.deleted + expected.conflicted, attachments: expected.attachments });

    const lines = gunzipSync(readFileSync(file)).toString('utf8').trimEnd().split('\n');
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ kind: 'header', format: 'outpost-backup', version: 1, db: SOURCE });
    expect(JSON.parse(lines.at(-1) ?? '{}')).toMatchObject({ kind: 'trailer', counts: saved.counts, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });

    const restored = await restore(client, { file, db: 'ops-backup-copy', force: false, reporter: silentReporter });
    console.log(`backup/restore of ${DOCS} docs: backup ${backupSeconds.toFixed(1)} s, restore + verify ${restored.seconds.toFixed(1)} s`);
    expect(restored.counts).toEqual(saved.counts);
    expect(restored.extra).toEqual([]);

    // The same revision tree: the conflict is still open with the same revisions, and the content survived.
    const id = 'job:000025';
    const [original, copy] = await Promise.all([SOURCE, 'ops-backup-copy'].map((db) => client.ok<{ _rev: string; _conflicts?: string[] }>('GET', `/${db}/${encodeURIComponent(id)}?conflicts=true`)));
    expect(copy?._conflicts).toHaveLength(1);
    expect(copy).toEqual(original);
    const photo = await fetch(`${server.url}/ops-backup-copy/job%3A000010/photo-10.jpg`, { headers: { authorization: `Basic ${Buffer.from(`${server.admin.user}:${server.admin.password}`).toString('base64')}` } });
    expect(photo.headers.get('content-type')).toBe('image/jpeg');
    expect((await photo.arrayBuffer()).byteLength).toBe(2048);
    expect(await client.ok('GET', '/ops-backup-copy/_security')).toEqual(SECURITY);
    expect((await client.ok<{ rows: unknown[] }>('GET', '/ops-backup-copy/_design/ops-test/_view/by_n?limit=3')).rows).toHaveLength(3);
    const deleted = await client.request<{ _deleted?: boolean }>('GET', '/ops-backup-copy/job%3A000001?rev=' + encodeURIComponent((await client.ok<{ results: Array<{ changes: Array<{ rev: string }> }> }>('GET', '/ops-backup-copy/_changes?doc_ids=%5B%22job%3A000001%22%5D&filter=_doc_ids')).results[0]?.changes[0]?.rev ?? ''));
    expect(deleted.body._deleted).toBe(true);
  }, 600_000);

  it('refuses a non-empty target unless --force, and then names the documents that differ', async () => {
    const small = path.join(dir, 'small.ndjson.gz');
    await client.ok('PUT', '/ops-small');
    await bulk('ops-small', [{ _id: 'a', v: 1 }, { _id: 'b', v: 2 }]);
    await backup(client, { db: 'ops-small', out: small, reporter: silentReporter });

    await client.ok('PUT', '/ops-busy');
    await client.ok('PUT', '/ops-busy/a', { v: 'something else' });
    await expect(restore(client, { file: small, db: 'ops-busy', force: false, reporter: silentReporter })).rejects.toThrow(/not empty.*--force/);

    const forced = restore(client, { file: small, db: 'ops-busy', force: true, reporter: silentReporter });
    await expect(forced).rejects.toBeInstanceOf(VerificationError);
    await expect(forced).rejects.toMatchObject({ different: ['a'], missing: [] });
  });

  it('refuses a damaged file: cut short, or changed after it was written', async () => {
    const small = path.join(dir, 'small.ndjson.gz');
    const text = gunzipSync(readFileSync(small)).toString('utf8');
    const cut = path.join(dir, 'cut.ndjson.gz');
    writeFileSync(cut, gzipSync(text.split('\n').slice(0, 3).join('\n') + '\n'));
    await expect(restore(client, { file: cut, db: 'ops-cut', force: false, reporter: silentReporter })).rejects.toThrow(/no trailer/);

    const edited = path.join(dir, 'edited.ndjson.gz');
    writeFileSync(edited, gzipSync(text.replace('"v":2', '"v":3')));
    await expect(restore(client, { file: edited, db: 'ops-edited', force: false, reporter: silentReporter })).rejects.toThrow(/does not match its own hash/);

    const truncatedGzip = path.join(dir, 'truncated.ndjson.gz');
    writeFileSync(truncatedGzip, readFileSync(small).subarray(0, 40));
    await expect(restore(client, { file: truncatedGzip, db: 'ops-truncated', force: false, reporter: silentReporter })).rejects.toBeInstanceOf(CommandError);
  });
});
