/**
 * `couch restore --in <file> --db <name> [--force]`: rebuilds a database from a `couch backup` file, then
 * verifies it.
 *
 * Each document's leaf revisions go in through `_bulk_docs` with `new_edits: false`, so the target gets the same
 * revision ids, histories and conflicts as the source (devices that synced with the old database recognise every
 * revision and push only what the server lacks). `_security` and design docs are restored too.
 *
 * Verification reads the restored database back the way the backup read it and compares, per document, the
 * content hash of all leaves with the one in the file; counts are compared too. Any difference is an error that
 * names the documents. Only the id → hash map of the file is kept in memory, never the documents.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { AdminClient } from '../admin-client';
import { BACKUP_FORMAT, BACKUP_VERSION, BackupFileError, countDoc, documentHash, emptyCounts, parseLine, type Counts, type Header, type Leaf } from './backup-format';
import { readLeaves } from './backup-source';
import type { Reporter } from './report';
import { CommandError } from './users';

/** Leaves per `_bulk_docs` request; attachments make a leaf large, so the batch also closes at BATCH_BYTES. */
const BATCH_LEAVES = 500;
const BATCH_BYTES = 8 * 1024 * 1024;
const MAX_NAMED = 20;

export interface RestoreResult {
  db: string;
  header: Header;
  counts: Counts;
  /** Documents in the target that the backup does not have (only possible with --force). */
  extra: string[];
  seconds: number;
}

export class VerificationError extends CommandError {
  constructor(
    readonly db: string,
    readonly missing: string[],
    readonly different: string[],
    readonly countProblem: string | null,
  ) {
    const named = (ids: string[]) => `${ids.slice(0, MAX_NAMED).join(', ')}${ids.length > MAX_NAMED ? ` and ${ids.length - MAX_NAMED} more` : ''}`;
    const parts = [
      missing.length ? `${missing.length} document(s) missing: ${named(missing)}` : '',
      different.length ? `${different.length} document(s) differ from the backup (revisions or content): ${named(different)}` : '',
      countProblem ?? '',
    ].filter(Boolean);
    super(`restore of ${db} did NOT verify. ${parts.join('; ')}.`);
    this.name = 'VerificationError';
  }
}

const enc = encodeURIComponent;

async function* lines(file: string): AsyncGenerator<{ text: string; number: number }> {
  if (!existsSync(file)) throw new CommandError(`${file} does not exist`);
  const gunzip = createGunzip();
  const source = createReadStream(file);
  source.on('error', (err) => gunzip.destroy(err));
  const reader = createInterface({ input: source.pipe(gunzip), crlfDelay: Infinity });
  let number = 0;
  try {
    for await (const text of reader) {
      number += 1;
      if (text !== '') yield { text, number };
    }
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code?.startsWith('Z_')) throw new BackupFileError(`${file} is not a complete gzip file (${(err as Error).message}); nothing after line ${number} was read`);
    throw err;
  } finally {
    source.destroy();
  }
}

async function prepareTarget(client: AdminClient, db: string, force: boolean): Promise<void> {
  const info = await client.request<{ doc_count: number; doc_del_count?: number }>('GET', `/${enc(db)}`);
  if (info.status === 404) {
    await client.ok('PUT', `/${enc(db)}`);
    return;
  }
  if (info.status >= 400) await client.ok('GET', `/${enc(db)}`);
  if (force) return;
  // Design docs that `couch setup` installed are fine to restore over; any other document means data.
  const designDocs = await client.ok<{ rows: unknown[] }>('GET', `/${enc(db)}/_all_docs?startkey=${enc('"_design/"')}&endkey=${enc('"_design0"')}`);
  const dataDocs = info.body.doc_count - designDocs.rows.length;
  if (dataDocs > 0 || (info.body.doc_del_count ?? 0) > 0) {
    throw new CommandError(`database ${db} is not empty (${dataDocs} docs, ${info.body.doc_del_count ?? 0} deleted). Restore into a new database, or add --force to merge the backup into it.`);
  }
}

async function writeBatch(client: AdminClient, db: string, batch: Leaf[]): Promise<void> {
  if (batch.length === 0) return;
  const results = await client.ok<Array<{ id: string; error?: string; reason?: string }>>('POST', `/${enc(db)}/_bulk_docs`, { docs: batch, new_edits: false });
  const failed = results.filter((r) => r.error);
  if (failed.length) {
    throw new CommandError(`${db} refused ${failed.length} revision(s) while restoring, first: ${failed[0]?.id}: ${failed[0]?.error} ${failed[0]?.reason ?? ''}`);
  }
}

export async function restore(client: AdminClient, opts: { file: string; db: string; force: boolean; reporter: Reporter }): Promise<RestoreResult> {
  const started = Date.now();
  const expected = new Map<string, string>();
  const counts = emptyCounts();
  const hash = createHash('sha256');
  let header: Header | null = null;
  let trailer: { counts: Counts; sha256: string } | null = null;
  let batch: Leaf[] = [];
  let batchBytes = 0;
  let targetReady = false;

  for await (const { text, number } of lines(opts.file)) {
    if (trailer) throw new BackupFileError(`line ${number} comes after the trailer: the file is damaged`);
    const line = parseLine(text, number);
    if (line.kind !== 'trailer') hash.update(text + '\n');
    if (number === 1) {
      if (line.kind !== 'header' || line.format !== BACKUP_FORMAT) throw new BackupFileError(`${opts.file} is not an Outpost backup (no header line)`);
      if (line.version > BACKUP_VERSION) throw new BackupFileError(`${opts.file} is format version ${line.version}; this CLI reads up to ${BACKUP_VERSION}`);
      header = line;
      await prepareTarget(client, opts.db, opts.force);
      targetReady = true;
      continue;
    }
    if (!header || !targetReady) throw new BackupFileError(`${opts.file} does not start with a header line`);
    if (line.kind === 'header') throw new BackupFileError(`line ${number}: a second header`);
    if (line.kind === 'security') {
      await client.ok('PUT', `/${enc(opts.db)}/_security`, line.security);
    } else if (line.kind === 'doc') {
      if (documentHash(line.leaves) !== line.hash) throw new BackupFileError(`line ${number}: document ${line.id} does not match its own hash; the file was changed`);
      expected.set(line.id, line.hash);
      countDoc(counts, line.leaves);
      for (const leaf of line.leaves) {
        batch.push(leaf);
        batchBytes += text.length / line.leaves.length;
      }
      if (batch.length >= BATCH_LEAVES || batchBytes >= BATCH_BYTES) {
        await writeBatch(client, opts.db, batch);
        batch = [];
        batchBytes = 0;
        opts.reporter.progress(`Restoring ${opts.db}: ${counts.docs + counts.deleted} docs`);
      }
    } else {
      trailer = line;
    }
  }
  if (!header) throw new BackupFileError(`${opts.file} is empty`);
  if (!trailer) throw new BackupFileError(`${opts.file} has no trailer: the backup was cut short. Nothing after the last complete line was restored.`);
  if (trailer.sha256 !== hash.digest('hex')) throw new BackupFileError(`${opts.file}: the checksum in the trailer does not match the content; the file was changed`);
  await writeBatch(client, opts.db, batch);
  opts.reporter.progress(`Restored ${counts.docs + counts.deleted} docs into ${opts.db}; verifying…`);

  const extra = await verify(client, opts.db, expected, counts, trailer.counts, opts.reporter);
  return { db: opts.db, header, counts, extra, seconds: (Date.now() - started) / 1000 };
}

function sameCounts(a: Counts, b: Counts): boolean {
  return a.docs === b.docs && a.deleted === b.deleted && a.leaves === b.leaves && a.attachments === b.attachments;
}

/** Reads the target back and compares each document with the backup; throws VerificationError on a difference. */
async function verify(client: AdminClient, db: string, expected: Map<string, string>, read: Counts, trailer: Counts, reporter: Reporter): Promise<string[]> {
  const missing = new Set(expected.keys());
  const different: string[] = [];
  const extra: string[] = [];
  let checked = 0;
  for await (const page of readLeaves(client, db)) {
    for (const doc of page) {
      const want = expected.get(doc.id);
      if (want === undefined) {
        extra.push(doc.id);
        continue;
      }
      missing.delete(doc.id);
      if (documentHash(doc.leaves) !== want) different.push(doc.id);
    }
    checked += page.length;
    reporter.progress(`Verifying ${db}: ${checked}/${expected.size} docs`);
  }
  const countProblem = sameCounts(read, trailer)
    ? null
    : `the file's trailer counts ${JSON.stringify(trailer)} but its lines hold ${JSON.stringify(read)}`;
  if (missing.size || different.length || countProblem) throw new VerificationError(db, [...missing], different, countProblem);
  return extra;
}

export function formatRestore(result: RestoreResult): string {
  const c = result.counts;
  const extra = result.extra.length ? ` ${result.extra.length} document(s) in ${result.db} are not in the backup (kept, --force).` : '';
  return (
    `Restored ${result.header.db} (backup of ${result.header.createdAt}) into ${result.db}: ${c.docs} docs, ${c.deleted} deleted, ` +
    `${c.leaves} leaf revisions, ${c.attachments} attachments, security. Verified: every document has the backup's ` +
    `revisions and content hash.${extra} ${result.seconds.toFixed(1)} s.`
  );
}
