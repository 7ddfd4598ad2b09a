/**
 * `couch backup --db <name> --out <file>`: one database, streamed page by page into a gzip-compressed NDJSON
 * file (format in backup-format.ts): its `_security`, every document with all leaf revisions and attachments,
 * design docs included. Only one page of documents is in memory at a time. The file is written under a
 * temporary name and renamed at the end, so an interrupted backup never leaves a file that looks complete.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import type { AdminClient } from '../admin-client';
import { BACKUP_FORMAT, BACKUP_VERSION, countDoc, documentHash, emptyCounts, type Counts, type Line } from './backup-format';
import { readLeaves } from './backup-source';
import type { Reporter } from './report';
import { CommandError } from './users';

export interface BackupResult {
  db: string;
  file: string;
  counts: Counts;
  bytes: number;
  seconds: number;
}

interface DbInfo {
  doc_count: number;
  doc_del_count?: number;
}

export async function backup(client: AdminClient, opts: { db: string; out: string; reporter: Reporter; now?: () => Date }): Promise<BackupResult> {
  const started = Date.now();
  const info = await client.request<DbInfo>('GET', `/${encodeURIComponent(opts.db)}`);
  if (info.status === 404) throw new CommandError(`database ${opts.db} does not exist`);
  if (info.status >= 400) await client.ok('GET', `/${encodeURIComponent(opts.db)}`);
  const security = await client.ok<Record<string, unknown>>('GET', `/${encodeURIComponent(opts.db)}/_security`);

  const partial = `${opts.out}.partial`;
  const gzip = createGzip();
  const file = createWriteStream(partial, { mode: 0o600 });
  gzip.pipe(file);
  const hash = createHash('sha256');
  let bytes = 0;
  file.on('finish', () => (bytes = file.bytesWritten));

  async function write(line: Line): Promise<void> {
    const text = JSON.stringify(line) + '\n';
    if (line.kind !== 'trailer') hash.update(text);
    if (!gzip.write(text)) await once(gzip, 'drain');
  }

  const counts = emptyCounts();
  try {
    await write({
      kind: 'header',
      format: BACKUP_FORMAT,
      version: BACKUP_VERSION,
      db: opts.db,
      createdAt: (opts.now?.() ?? new Date()).toISOString(),
      source: client.url,
      expected: { docs: info.body.doc_count, deleted: info.body.doc_del_count ?? null },
    });
    await write({ kind: 'security', security });
    // Deleted docs are backed up too; without doc_del_count (embedded server) the total is not known up front.
    const total = info.body.doc_del_count === undefined ? '' : `/${info.body.doc_count + info.body.doc_del_count}`;
    for await (const page of readLeaves(client, opts.db)) {
      for (const doc of page) {
        countDoc(counts, doc.leaves);
        await write({ kind: 'doc', id: doc.id, leaves: doc.leaves, hash: documentHash(doc.leaves) });
      }
      opts.reporter.progress(`Backing up ${opts.db}: ${counts.docs + counts.deleted}${total} docs`);
    }
    await write({ kind: 'trailer', counts, sha256: hash.digest('hex') });
    gzip.end();
    await once(file, 'close');
  } catch (err) {
    gzip.destroy();
    file.destroy();
    rmSync(partial, { force: true });
    throw err;
  }
  renameSync(partial, opts.out);
  return { db: opts.db, file: opts.out, counts, bytes, seconds: (Date.now() - started) / 1000 };
}

export function formatBackup(result: BackupResult): string {
  const c = result.counts;
  return (
    `Backed up ${result.db} to ${result.file}: ${c.docs} docs, ${c.deleted} deleted, ${c.leaves} leaf revisions ` +
    `(${c.leaves - c.docs - c.deleted} besides one per doc: conflicts and closed branches), ${c.attachments} attachments, security; ` +
    `${(result.bytes / 1024 / 1024).toFixed(1)} MB gzip in ${result.seconds.toFixed(1)} s.`
  );
}
