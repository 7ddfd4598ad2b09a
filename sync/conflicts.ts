/**
 * Conflict resolution on the device (ARCHITECTURE §5).
 *
 * For a doc with `_conflicts`: read every non-deleted leaf, ask the handler registered for its `type` for the
 * merged body, write that body as this user's edit on top of the winning revision, then a tombstone for every
 * other leaf, then a `conflict` audit doc. Devices resolving the same conflict write merges that differ only in
 * author; the next round finds nothing left to merge and closes the extra branch with tombstones alone.
 *
 * Docs are resolved in batches: one read of the winners, one of the other leaves, and one write each for the
 * merged bodies, the tombstones and the audit docs per batch, instead of five round trips per doc.
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

/**
 * Docs per batch. Large enough that a thousand conflicts cost a handful of IndexedDB transactions, small enough
 * that a batch's leaves stay a few MB and other writes interleave between batches.
 */
const BATCH = 250;

type ConflictedDoc = { id: string; type: string | null; leaves: Leaf<StoredDoc>[] };

/** One merge to write: its body on `parent`, a tombstone on each loser, and the audit entry's details. */
interface Resolution {
  id: string;
  leaves: readonly Leaf<StoredDoc>[];
  /** Absent when the merge only confirms the winner: nothing new is written on it. */
  merged?: Doc;
  losers: readonly Leaf<StoredDoc>[];
  handler: string;
  decidedFields: readonly string[];
}

/** The non-deleted leaves of each still-conflicted doc among `ids`: two reads for the whole batch. */
async function readConflicted(local: LocalDb, ids: readonly string[]): Promise<ConflictedDoc[]> {
  const rows = (await local.allDocs({ keys: [...ids], include_docs: true, conflicts: true })).rows;
  const conflicted = rows.flatMap((r) => (r.doc && r.doc._conflicts?.length ? [r.doc] : []));
  // `_conflicts` lists the non-deleted losing leaves; the winner came with the row.
  return Promise.all(
    conflicted.map(async (doc) => {
      const { _conflicts: conflicts = [], ...winner } = doc;
      const others = (await local.get(doc._id, { open_revs: conflicts })) as Array<{ ok?: Doc }>;
      const leaves = [winner, ...others.flatMap((r) => (r.ok && !r.ok._deleted ? [r.ok] : []))] as unknown as Leaf<StoredDoc>[];
      return { id: doc._id, type: typeof doc.type === 'string' ? doc.type : null, leaves };
    }),
  );
}

/**
 * A losing leaf's tombstone. It keeps `team` (the hub → team replication selects on it) and says it closes a
 * conflict branch, which the server's validation lets any team member write (a plain delete needs a lead).
 */
export function loserTombstone(leaf: Leaf<StoredDoc>): Doc {
  return { _id: leaf._id, _rev: leaf._rev, _deleted: true, team: leaf.team as string, conflictResolution: true };
}

function failureReason(result: BulkResult): string {
  return result.reason ?? result.message ?? String(result.error);
}

export function createResolver(opts: ResolverOptions) {
  const { local, registry } = opts;

  /** What writing `body` as the resolution of `leaves` takes. Pure: no reads, no writes. */
  function plan(id: string, leaves: readonly Leaf<StoredDoc>[], body: Readonly<Record<string, unknown>>, handler: string, decidedFields: readonly string[]): Resolution {
    const winner = winningLeaf(leaves);
    // Whose edit the merge is: this user's. The server judges a merge against the nearest ancestor *it* holds,
    // which need not be this device's winner (a merge not pushed yet, a branch it never saw), so only the writer's
    // own name is sure to pass.
    const authored = body.updatedBy === opts.context.user ? body : { ...body, updatedBy: opts.context.user, updatedAt: new Date(opts.context.now()).toISOString() };
    // A field worker may not set `cancelled`. Carrying a lead's or HQ's cancellation, the merge goes on top of that
    // cancelled leaf instead of the winner: the server then sees a cancelled job stay cancelled.
    const carried = opts.context.role === 'field' && body.status === 'cancelled' && winner.status !== 'cancelled'
      ? leaves.find((l) => l.status === 'cancelled' && (l.statusRole === 'lead' || l.statusRole === 'hq'))
      : undefined;
    const parent = carried ?? winner;
    const losers = leaves.filter((l) => l._rev !== parent._rev);
    // When the merge only confirms the winner (the losers add nothing), no new revision is written on it: every
    // device that resolves then writes the same tombstones whatever else it has seen, where a new revision on the
    // winner would differ with each device's winner and start another conflict between identical bodies.
    // Judged before authorship: a merge that only confirms the winner writes nothing new, whoever resolves it.
    const { _rev: _winnerRev, _conflicts: _c, _revisions: _r, ...winnerBody } = winner as Leaf<StoredDoc> & { _conflicts?: unknown; _revisions?: unknown };
    const confirmsWinner = parent === winner && canonicalJson(winnerBody) === canonicalJson({ ...(canonical(body) as Record<string, unknown>), _id: id });
    const merged = confirmsWinner ? undefined : { ...(canonical(authored) as Record<string, unknown>), _id: id, _rev: parent._rev };
    return { id, leaves, merged, losers, handler, decidedFields };
  }

  /**
   * Writes resolutions in three steps, each one `bulkDocs` for the whole batch. Returns, per id, why it failed.
   *
   * The merged bodies go first, on their own: if a local edit moved a winner meanwhile, that merge fails (409)
   * and nothing more is written for it. A body never shares a `bulkDocs` with tombstones of its own id: PouchDB
   * merges a refused revision into the revision tree it then stores for the next doc of the same id in that call,
   * leaving a winning leaf with no body. Tombstones only after their merged body is stored, so a loser is never
   * closed before its content is in the winner.
   */
  async function writeResolutions(resolutions: readonly Resolution[]): Promise<Map<string, string>> {
    const failed = new Map<string, string>();
    const withBody = resolutions.filter((r) => r.merged);
    const mergedResults = withBody.length ? await local.bulkDocs(withBody.map((r) => r.merged as Doc)) : [];
    mergedResults.forEach((result, i) => {
      if (result.error) failed.set(withBody[i]!.id, failureReason(result));
    });
    const toClose = resolutions.filter((r) => !failed.has(r.id) && r.losers.length > 0);
    const tombstones = toClose.flatMap((r) => r.losers.map(loserTombstone));
    const closed = tombstones.length ? await local.bulkDocs(tombstones) : [];
    const closedSome = new Set<string>();
    closed.forEach((result, i) => {
      const id = tombstones[i]!._id;
      if (result.error) failed.set(id, failureReason(result));
      else closedSome.add(id);
    });
    // Whatever was written is on record, also when a branch moved meanwhile and its tombstone was refused (the
    // next round resolves the rest).
    const recorded = resolutions.filter((r) => (r.merged && !mergedResults[withBody.indexOf(r)]?.error) || closedSome.has(r.id));
    if (recorded.length) {
      const audits = await local.bulkDocs(recorded.map((r) => auditEntry(r) as unknown as Doc));
      audits.forEach((result, i) => {
        if (result.error) failed.set(recorded[i]!.id, `its audit entry was not written: ${failureReason(result)}`);
      });
    }
    return failed;
  }

  function auditEntry(r: Resolution) {
    return createConflictEntry(
      {
        team: opts.team,
        docId: r.id,
        revisions: r.leaves.map((l) => l._rev).sort(),
        handler: r.handler,
        device: opts.deviceId,
        decidedFields: [...r.decidedFields],
      },
      opts.context,
    );
  }

  const mergeFailed = (why: string) => `The automatic merge failed (${why}): choose a version for each field.`;

  async function resolveBatch(ids: readonly string[], report: ResolveReport): Promise<void> {
    const planned: Resolution[] = [];
    const inboxEntry = (doc: ConflictedDoc, why: string): InboxEntry => ({ id: doc.id, type: doc.type, versions: doc.leaves, why });
    const conflicted = (await readConflicted(local, ids)).filter((doc) => doc.leaves.length >= 2);
    for (const doc of conflicted) {
      const handler = doc.type ? registry.resolve(doc.type) : undefined;
      if (!handler) {
        report.inbox.push(inboxEntry(doc, `No automatic merge for ${doc.type ?? 'untyped'} documents: choose a version for each field.`));
        continue;
      }
      try {
        const merged = handler(doc.leaves);
        planned.push(plan(doc.id, doc.leaves, merged.body, doc.type ?? 'unknown', merged.decidedFields));
      } catch (err) {
        report.inbox.push(inboxEntry(doc, mergeFailed(err instanceof Error ? err.message : String(err))));
      }
    }
    const failed = await writeResolutions(planned);
    for (const doc of conflicted) {
      const why = failed.get(doc.id);
      if (why !== undefined) report.inbox.push(inboxEntry(doc, mergeFailed(`writing the resolution of ${doc.id} failed: ${why}`)));
      else if (planned.some((p) => p.id === doc.id)) report.resolved.push(doc.id);
    }
  }

  /** Resolves what the handlers can among `ids` (or every conflicted doc); the rest is the inbox. */
  async function resolve(ids?: readonly string[]): Promise<ResolveReport> {
    const candidates = [...new Set(ids ?? (await conflictedIds(local)))];
    const report: ResolveReport = { resolved: [], inbox: [] };
    for (let i = 0; i < candidates.length; i += BATCH) await resolveBatch(candidates.slice(i, i + BATCH), report);
    return report;
  }

  /**
   * A person's choice for an inbox entry: for each field, the revision whose value wins. Fields not named keep
   * the winning revision's value. The result is written as this user's edit.
   */
  async function resolveManually(id: string, choices: Readonly<Record<string, string>>): Promise<void> {
    const [doc] = await readConflicted(local, [id]);
    const leaves = doc?.leaves ?? [];
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
    const failed = await writeResolutions([plan(id, leaves, body, 'manual', Object.keys(choices).sort())]);
    const why = failed.get(id);
    if (why !== undefined) throw new Error(`writing the resolution of ${id} failed: ${why}`);
  }

  return { resolve, resolveManually };
}

/** Every doc with conflicting leaves, found with one scan of the local database. */
export async function conflictedIds(local: LocalDb): Promise<string[]> {
  const rows = (await local.allDocs({ conflicts: true, include_docs: true })).rows;
  return rows.filter((r) => (r.doc?._conflicts?.length ?? 0) > 0).map((r) => r.id);
}
