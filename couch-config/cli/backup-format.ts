/**
 * Outpost's backup file: gzip-compressed NDJSON, one JSON object per line.
 *
 *   {"kind":"header","format":"outpost-backup","version":1,"db":…,"createdAt":…,"source":…,"expected":{docs,deleted}}
 *   {"kind":"security","security":{…}}
 *   {"kind":"doc","id":…,"leaves":[…],"hash":…}        one line per document, every leaf revision
 *   {"kind":"trailer","counts":{docs,deleted,leaves,attachments},"sha256":…}
 *
 * A doc line holds every leaf revision (the winner, open conflicts and deleted leaves) with `_revisions` and
 * attachments inline as base64, which is exactly what `_bulk_docs` with `new_edits: false` needs to rebuild the
 * same revision tree. `hash` is documentHash() of those leaves; the restore compares it with what the target
 * database holds afterwards. The trailer's sha256 covers every line before it (text plus "\n"), so a truncated
 * or edited file is detected.
 */
import { createHash } from 'node:crypto';
import { CommandError } from './users';
// The engine's canonical form (keys sorted at every level): equal content always gives equal text.
import { canonicalJson } from '../../sync/merge/canonical';

export const BACKUP_FORMAT = 'outpost-backup';
export const BACKUP_VERSION = 1;

export type Leaf = Record<string, unknown> & {
  _id: string;
  _rev: string;
  _deleted?: boolean;
  _revisions?: { start: number; ids: string[] };
  _attachments?: Record<string, { content_type?: string; data?: string; digest?: string; revpos?: number }>;
};

export interface Header {
  kind: 'header';
  format: typeof BACKUP_FORMAT;
  version: number;
  db: string;
  createdAt: string;
  source: string;
  /** The database's counts when the backup started (it may change while it runs; the trailer has what was written). */
  expected: { docs: number; deleted: number | null };
}

export interface SecurityLine {
  kind: 'security';
  security: Record<string, unknown>;
}

export interface DocLine {
  kind: 'doc';
  id: string;
  leaves: Leaf[];
  hash: string;
}

export interface Counts {
  /** Documents with at least one live leaf. */
  docs: number;
  /** Documents whose every leaf is deleted (tombstones). */
  deleted: number;
  leaves: number;
  attachments: number;
}

export interface Trailer {
  kind: 'trailer';
  counts: Counts;
  sha256: string;
}

export type Line = Header | SecurityLine | DocLine | Trailer;

export function emptyCounts(): Counts {
  return { docs: 0, deleted: 0, leaves: 0, attachments: 0 };
}

export function countDoc(counts: Counts, leaves: readonly Leaf[]): void {
  if (leaves.every((leaf) => leaf._deleted === true)) counts.deleted += 1;
  else counts.docs += 1;
  counts.leaves += leaves.length;
  for (const leaf of leaves) counts.attachments += Object.keys(leaf._attachments ?? {}).length;
}

/**
 * What must survive a restore: every leaf's revision, history and body, and each attachment's type and bytes.
 * Attachment metadata the server derives (digest, revpos, length, stub) is left out: it describes the bytes.
 */
export function documentHash(leaves: readonly Leaf[]): string {
  const normalised = [...leaves]
    .sort((a, b) => (a._rev < b._rev ? -1 : a._rev > b._rev ? 1 : 0))
    .map((leaf) => {
      const attachments = Object.fromEntries(
        Object.entries(leaf._attachments ?? {}).map(([name, att]) => [
          name,
          { content_type: att.content_type ?? null, sha256: createHash('sha256').update(Buffer.from(att.data ?? '', 'base64')).digest('hex') },
        ]),
      );
      const body: Record<string, unknown> = { ...leaf, _attachments: attachments, _deleted: leaf._deleted === true };
      return body;
    });
  return createHash('sha256').update(canonicalJson(normalised)).digest('hex');
}

export class BackupFileError extends CommandError {
  constructor(message: string) {
    super(message);
    this.name = 'BackupFileError';
  }
}

/** Parses one line of a backup file, checking the fields the restore relies on. */
export function parseLine(text: string, lineNumber: number): Line {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BackupFileError(`line ${lineNumber} is not JSON: the file is damaged`);
  }
  const kind = (value as { kind?: unknown } | null)?.kind;
  if (kind === 'header' || kind === 'security' || kind === 'trailer') return value as Line;
  if (kind === 'doc') {
    const doc = value as Partial<DocLine>;
    if (typeof doc.id !== 'string' || !Array.isArray(doc.leaves) || doc.leaves.length === 0 || typeof doc.hash !== 'string') {
      throw new BackupFileError(`line ${lineNumber}: a doc line needs id, leaves and hash`);
    }
    return value as DocLine;
  }
  throw new BackupFileError(`line ${lineNumber}: unknown kind ${JSON.stringify(kind)}`);
}
