/**
 * Fixes at the database-method level, installed as the outermost wrapper of every database the server opens:
 * - validate_doc_update sees `userCtx.db` on every kind of write, as on CouchDB (express-pouchdb leaves it out);
 * - a replicated write (`new_edits: false`) keeps its own revision history. pouchdb-validation overwrites
 *   `newDoc._revisions` with the *stored* doc's history before it stores the doc, so PouchDB saw every replicated
 *   update of a validated database as already present and silently dropped it.
 * - a replicated write is validated against its *parent*: the nearest revision of its own history that this
 *   database holds, as CouchDB does. pouchdb-validation passes the current winner as `oldDoc`, so a legal merged
 *   revision written on one branch was judged against another branch's body — and refused ("updatedBy: must be
 *   your user name", "only a lead can reopen a cancelled job") while the tombstones written with it passed.
 * - a document nested deeper than MAX_DEPTH levels is refused with 400: PouchDB's recursive copies would overflow
 *   the stack on it and answer 500.
 * - inline attachments carry the `length` of their data, as CouchDB computes it, so validation never trusts a
 *   length the client made up.
 * - the stored security object (`_local/_security`, this stand-in's storage for `_security`) can be written only
 *   through `PUT /{db}/_security`. Local docs skip validation and their revisions are guessable ("0-1"), so
 *   without this a member could make themselves database admin through `_bulk_docs`, `POST /db` or `COPY`.
 */
import type { PouchApp, PouchLike, WrapperArgs } from './internals';
import { requireCjs } from './internals';

const wrappers = requireCjs('pouchdb-wrappers') as {
  installWrapperMethods(db: PouchLike, handlers: Record<string, (orig: () => Promise<unknown>, args: WrapperArgs) => Promise<unknown>>): void;
};

interface BulkResult {
  id?: unknown;
  [key: string]: unknown;
}

/** Put results back in the order of the docs they answer; results for the same id keep their relative order. */
export function inRequestOrder<R extends BulkResult>(docs: ReadonlyArray<{ _id?: unknown }>, results: readonly R[]): R[] {
  if (results.length !== docs.length) return [...results];
  const byId = new Map<string, R[]>();
  for (const result of results) {
    const key = String(result.id);
    const list = byId.get(key) ?? [];
    list.push(result);
    byId.set(key, list);
  }
  const ordered: R[] = [];
  for (const doc of docs) {
    const match = byId.get(String(doc._id))?.shift();
    if (!match) return [...results]; // ids the server generated: the original order is already right
    ordered.push(match);
  }
  return ordered;
}

const WRITE_METHODS = ['put', 'post', 'remove', 'bulkDocs', 'putAttachment', 'removeAttachment'];

export const SECURITY_DOC_ID = '_local/_security';
/** Set in the options of the one write allowed to touch SECURITY_DOC_ID (security-route.ts). */
export const SECURITY_WRITE = 'outpostSecurityWrite';

class ForbiddenError extends Error {
  readonly status = 403;
  override readonly name = 'forbidden';
}

type WritableDoc = Record<string, unknown> & { _revisions?: unknown; _attachments?: Record<string, { data?: unknown; length?: unknown }> };

/** Freezes a replicated doc's `_revisions` so later code can read it (validation does) but not replace it. */
export function pinRevisions(doc: WritableDoc): void {
  if (doc._revisions === undefined) return;
  const revisions = doc._revisions;
  Object.defineProperty(doc, '_revisions', { get: () => revisions, set: () => {}, enumerable: true, configurable: true });
}

/** The revision ids of a replicated doc's own history, newest first, parent first (the doc's own rev excluded). */
export function ancestorRevs(doc: WritableDoc): string[] {
  const history = doc._revisions as { start?: unknown; ids?: unknown } | undefined;
  if (!history || typeof history.start !== 'number' || !Array.isArray(history.ids)) return [];
  const start = history.start;
  return history.ids.slice(1).map((hash, i) => `${start - 1 - i}-${String(hash)}`);
}

/** Far deeper than any Outpost document; shallow enough that PouchDB's recursive copies never overflow. */
export const MAX_DEPTH = 500;

/** How deep `value` nests (iterative, so a hostile document cannot overflow this check itself). */
export function nestingDepth(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (typeof node !== 'object' || node === null) continue;
    if (depth > deepest) deepest = depth;
    if (deepest > MAX_DEPTH) return deepest;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

class BadRequestError extends Error {
  readonly status = 400;
  override readonly name = 'bad_request';
}

class NotFoundError extends Error {
  readonly status = 404;
  override readonly name = 'not_found';
}

/** Sets each inline attachment's `length` from its base64 data. */
export function measureAttachments(doc: WritableDoc): void {
  for (const att of Object.values(doc._attachments ?? {})) {
    if (typeof att.data === 'string') att.length = Buffer.byteLength(att.data, 'base64');
  }
}

export function installDbFixes(app: PouchApp): void {
  // First registered wrapper = outermost handler (pouchdb-wrappers chains handlers in install order).
  app.dbWrapper._wrappers.unshift((name, db, next) => {
    // Per doc id: the ancestor lists of replicated writes waiting to be validated, in the order of their docs.
    // pouchdb-validation asks for each doc's `oldDoc` in that order, by id only; one batch often holds several
    // revisions of one doc (a merged body and the tombstones of its losing branches), so each ask takes the next.
    const replicatedParents = new Map<string, string[][]>();
    const withParents = (docs: WritableDoc[]): (() => void) => {
      const added: Array<[string, string[]]> = [];
      for (const doc of docs) {
        if (typeof doc?._id !== 'string') continue;
        const revs = ancestorRevs(doc);
        const queue = replicatedParents.get(doc._id) ?? [];
        queue.push(revs);
        replicatedParents.set(doc._id, queue);
        added.push([doc._id, revs]);
      }
      return () => {
        for (const [id, revs] of added) {
          const queue = replicatedParents.get(id) ?? [];
          const left = queue.indexOf(revs);
          if (left !== -1) queue.splice(left, 1);
          if (queue.length === 0) replicatedParents.delete(id);
        }
      };
    };
    /** pouchdb-validation reads `oldDoc` with get(id, {revs: true}); for a replicated write, answer the parent. */
    const parentForValidation = async (orig: () => Promise<unknown>, args: WrapperArgs) => {
      const id = args.docId;
      const queue = id === undefined || args.options.revs !== true || args.options.rev !== undefined ? undefined : replicatedParents.get(id);
      const revs = queue?.shift();
      if (!id || !revs) return orig();
      for (const rev of revs) {
        try {
          return await args.base.get(id, { rev, revs: true });
        } catch {
          // not in this database (or compacted away): try the next older one
        }
      }
      // No revision of its history is here: a new branch, validated as a new document (as CouchDB does).
      throw new NotFoundError('missing');
    };
    const withDbName = async (orig: () => Promise<unknown>, args: WrapperArgs) => {
      if (args.options.userCtx) args.options.userCtx = { ...args.options.userCtx, db: decodeURIComponent(name) };
      const docs = (args.docs ?? (args.doc ? [args.doc] : [])) as WritableDoc[];
      const target = args.docId ?? null;
      if (args.options[SECURITY_WRITE] !== true && (target === SECURITY_DOC_ID || docs.some((d) => d?._id === SECURITY_DOC_ID))) {
        throw new ForbiddenError('_local/_security: the security object is changed with PUT /{db}/_security, by a database admin');
      }
      for (const doc of docs) {
        if (typeof doc !== 'object' || doc === null) continue;
        if (nestingDepth(doc) > MAX_DEPTH) throw new BadRequestError(`document is nested more than ${MAX_DEPTH} levels deep`);
        if (args.options.new_edits === false) pinRevisions(doc);
        measureAttachments(doc);
      }
      if (args.options.new_edits !== false) return orig();
      const done = withParents(docs.filter((d) => typeof d === 'object' && d !== null));
      try {
        return await orig();
      } finally {
        done();
      }
    };
    wrappers.installWrapperMethods(db, { ...Object.fromEntries(WRITE_METHODS.map((method) => [method, withDbName])), get: parentForValidation });
    return next();
  });
}
