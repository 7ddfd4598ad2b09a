/**
 * Reads a database page by page as every document with all its leaf revisions, through the plain CouchDB API:
 * `_changes?style=all_docs` names each document once with its leaf revisions (deleted ones too, which
 * `_all_docs` would hide), and `_bulk_get?revs=true&attachments=true` fetches those leaves with their history
 * and attachment data. Sequences are treated as opaque. Used by the backup and by the restore's verification.
 */
import type { AdminClient } from '../admin-client';
import type { Leaf } from './backup-format';

export const PAGE_SIZE = 200;

interface ChangesPage {
  results: Array<{ id: string; changes: Array<{ rev: string }> }>;
  last_seq: string | number;
}

interface BulkGetResult {
  results: Array<{ id: string; docs: Array<{ ok?: Leaf; error?: { id: string; rev: string; error: string; reason: string } }> }>;
}

export interface SourceDoc {
  id: string;
  leaves: Leaf[];
}

const enc = encodeURIComponent;

/**
 * Yields pages of documents. A document written again while the read runs shows up again further on; `seen`
 * keeps it to its first appearance (one id per document is all the memory this holds), and a leaf removed in
 * between (compaction of a resolved conflict) is skipped.
 */
export async function* readLeaves(client: AdminClient, db: string, pageSize = PAGE_SIZE): AsyncGenerator<SourceDoc[]> {
  const seen = new Set<string>();
  let since: string | number = 0;
  for (;;) {
    const page: ChangesPage = await client.ok<ChangesPage>('GET', `/${enc(db)}/_changes?style=all_docs&limit=${pageSize}&since=${enc(String(since))}`);
    if (page.results.length === 0) return;
    since = page.last_seq;
    const fresh = page.results.filter((row) => !seen.has(row.id) && !row.id.startsWith('_local/'));
    for (const row of fresh) seen.add(row.id);
    if (fresh.length === 0) continue;
    const requested = fresh.flatMap((row) => row.changes.map((c) => ({ id: row.id, rev: c.rev })));
    const got = await client.ok<BulkGetResult>('POST', `/${enc(db)}/_bulk_get?revs=true&attachments=true`, { docs: requested });
    const byId = new Map<string, Leaf[]>();
    for (const result of got.results) {
      for (const entry of result.docs) {
        if (!entry.ok) continue;
        const leaves = byId.get(entry.ok._id) ?? [];
        leaves.push(entry.ok);
        byId.set(entry.ok._id, leaves);
      }
    }
    yield fresh.map((row) => ({ id: row.id, leaves: byId.get(row.id) ?? [] })).filter((doc) => doc.leaves.length > 0);
  }
}
