/**
 * Conflict resolution on the device (ARCHITECTURE §5).
 *
 * For a doc with `_conflicts`: read every non-deleted leaf, ask the handler registered for its `type` for the
 * merged body, and write — in one `bulkDocs` — the merged body on top of the current winning revision plus a
 * tombstone for every losing leaf. PouchDB's revision ids are deterministic (an md5 of parent and body), and
 * the handlers are pure functions of the leaves with a canonical key order, so two devices resolving the same
 * conflict write the same revisions: no new conflict. Each resolution also writes a `conflict` audit doc.
 *
 * No handler for the type, or a handler that throws: the doc goes to the inbox, for a person to choose per field.
 */
import type { BulkResult, Doc, LocalDb } from './db';
import { createConflictEntry, type WriteContext } from './docs';
import { canonical, canonicalJson, winningLeaf, type HandlerRegistry, type Leaf, type StoredDoc } from './merge';
import type { InboxEntry } from './status';

export interface ResolverOptions {
  local: LocalDb;
  registry: HandlerRegistry;
  /** Who resolves: the audit doc is written as this user, from this device. */
  context: WriteContext;
  deviceId: string;
  team: string;
}

export interface ResolveReport {
  resolved: string[];
  inbox: InboxEntry[];
}

async function leavesOf(local: LocalDb, id: string): Promise<Leaf<StoredDoc>[]> {
  const results = (await local.get(id, { open_revs: 'all' })) as Array<{ ok?: Doc }>;
  return results
    .map((r) => r.ok)
    .filter((d): d is Doc => d !== undefined && !d._deleted)
    .map((d) => d as unknown as Leaf<StoredDoc>);
}

/**
 * A losing leaf's tombstone. It keeps `team` (the hub → team replication selects on it) and says it closes a
 * conflict branch, which the server's validation lets any team member write (a plain delete needs a lead).
 */
export function loserTombstone(leaf: Leaf<StoredDoc>): Doc {
  return { _id: leaf._id, _rev: leaf._rev, _deleted: true, team: leaf.team as string, conflictResolution: true };
}

export function createResolver(opts: ResolverOptions) {
  const { local, registry } = opts;

  async function writeResolution(id: string, leaves: readonly Leaf<StoredDoc>[], body: Readonly<Record<string, unknown>>, handler: string, decidedFields: readonly string[]): Promise<void> {
    const winner = winningLeaf(leaves);
    // Whose edit the merge is: this user's. The server judges a merge against the nearest ancestor *it* holds,
    // which need not be this device's winner (a merge not pushed yet, a branch it never saw), so only the writer's
    // own name is sure to pass. Devices resolving the same conflict then write bodies that differ only in that
    // name; the next round sees nothing to merge and closes the extra branches with tombstones alone.
    const authored = body.updatedBy === opts.context.user ? body : { ...body, updatedBy: opts.context.user, updatedAt: new Date(opts.context.now()).toISOString() };
    // A field worker may not set `cancelled`. Carrying a lead's or HQ's cancellation, the merge goes on top of that
    // cancelled leaf instead of the winner: the server then sees a cancelled job stay cancelled.
    const carried = opts.context.role === 'field' && body.status === 'cancelled' && winner.status !== 'cancelled'
      ? leaves.find((l) => l.status === 'cancelled' && (l.statusRole === 'lead' || l.statusRole === 'hq'))
      : undefined;
    const parent = carried ?? winner;
    const losers = leaves.filter((l) => l._rev !== parent._rev);
    const merged: Doc = { ...(canonical(authored) as Record<string, unknown>), _id: id, _rev: parent._rev };
    // The merged body first, on its own: if a local edit moved the winner meanwhile, it fails (409) and nothing is
    // written. It must not share a bulkDocs with the tombstones: PouchDB merges a refused revision into the
    // revision tree it then stores for the next doc of the same id in that call, leaving a winning leaf with no
    // body (every read of the doc then fails). Tombstones only after the merged body is stored, so a loser is
    // never closed before its content is in the winner.
    // When the merge only confirms the winner (the losers add nothing), no new revision is written on it: every
    // device that resolves then writes the same tombstones whatever else it has seen, where a new revision on the
    // winner would differ with each device's winner and start another conflict between identical bodies.
    const { _rev: _winnerRev, _conflicts: _c, _revisions: _r, ...winnerBody } = winner as Leaf<StoredDoc> & { _conflicts?: unknown; _revisions?: unknown };
    // Judged before authorship: a merge that only confirms the winner writes nothing new, whoever resolves it.
    const confirmsWinner = parent === winner && canonicalJson(winnerBody) === canonicalJson({ ...(canonical(body) as Record<string, unknown>), _id: id });
    const failure = (results: readonly BulkResult[]) => results.find((r) => r.error);
    const problem = (failed: BulkResult) => new Error(`writing the resolution of ${id} failed: ${failed.reason ?? failed.message ?? String(failed.error)}`);
    const mergedResults = confirmsWinner ? [] : await local.bulkDocs([merged]);
    const mergeFailed = failure(mergedResults);
    if (mergeFailed) throw problem(mergeFailed);
    const closed = losers.length ? await local.bulkDocs(losers.map(loserTombstone)) : [];
    // Whatever was written is on record, also when a branch moved meanwhile and its tombstone was refused (the
    // next round resolves the rest).
    if (mergedResults.length > 0 || closed.some((r) => !r.error)) await local.put(auditEntry(id, leaves, handler, decidedFields) as unknown as Doc);
    const closeFailed = failure(closed);
    if (closeFailed) throw problem(closeFailed);
  }

  function auditEntry(id: string, leaves: readonly Leaf<StoredDoc>[], handler: string, decidedFields: readonly string[]) {
    return createConflictEntry(
      {
        team: opts.team,
        docId: id,
        revisions: leaves.map((l) => l._rev).sort(),
        handler,
        device: opts.deviceId,
        decidedFields: [...decidedFields],
      },
      opts.context,
    );
  }

  /** Resolves what the handlers can among `ids` (or every conflicted doc); the rest is the inbox. */
  async function resolve(ids?: readonly string[]): Promise<ResolveReport> {
    const candidates = ids ?? (await conflictedIds(local));
    const report: ResolveReport = { resolved: [], inbox: [] };
    for (const id of candidates) {
      const current = (await local.get(id, { conflicts: true }).catch(() => null)) as (Doc & { _conflicts?: string[] }) | null;
      if (!current || !current._conflicts?.length) continue;
      const leaves = await leavesOf(local, id);
      if (leaves.length < 2) continue;
      const type = typeof current.type === 'string' ? current.type : null;
      const handler = type ? registry.resolve(type) : undefined;
      if (!handler) {
        report.inbox.push({ id, type, versions: leaves, why: `No automatic merge for ${type ?? 'untyped'} documents: choose a version for each field.` });
        continue;
      }
      try {
        const merged = handler(leaves);
        await writeResolution(id, leaves, merged.body, type ?? 'unknown', merged.decidedFields);
        report.resolved.push(id);
      } catch (err) {
        report.inbox.push({ id, type, versions: leaves, why: `The automatic merge failed (${err instanceof Error ? err.message : String(err)}): choose a version for each field.` });
      }
    }
    return report;
  }

  /**
   * A person's choice for an inbox entry: for each field, the revision whose value wins. Fields not named keep
   * the winning revision's value. The result is written as this user's edit.
   */
  async function resolveManually(id: string, choices: Readonly<Record<string, string>>): Promise<void> {
    const leaves = await leavesOf(local, id);
    if (leaves.length < 2) return;
    const winner = winningLeaf(leaves);
    const body: Record<string, unknown> = { ...winner };
    const clock: Record<string, unknown> = { ...((winner.clock as Record<string, unknown> | undefined) ?? {}) };
    const stamp = opts.context.hlc.tick();
    for (const [field, rev] of Object.entries(choices)) {
      const leaf = leaves.find((l) => l._rev === rev);
      if (!leaf) throw new Error(`${id}: revision ${rev} is not a leaf any more`);
      body[field] = leaf[field];
      clock[field] = stamp;
    }
    delete body._rev;
    body.clock = clock;
    body.updatedBy = opts.context.user;
    body.updatedAt = new Date(opts.context.now()).toISOString();
    await writeResolution(id, leaves, body, 'manual', Object.keys(choices).sort());
  }

  return { resolve, resolveManually };
}

/** Every doc with conflicting leaves, found with one scan of the local database. */
export async function conflictedIds(local: LocalDb): Promise<string[]> {
  const rows = (await local.allDocs({ conflicts: true, include_docs: true })).rows;
  return rows.filter((r) => (r.doc?._conflicts?.length ?? 0) > 0).map((r) => r.id);
}
