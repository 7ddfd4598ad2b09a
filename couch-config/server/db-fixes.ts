/**
 * Database-method fixes, installed as the *outermost* PouchDB wrapper of every database the server opens:
 * - `_bulk_docs` results come back in request order (the validation plugin puts rejected docs first), and the
 *   validate_doc_update functions see `userCtx.db`, as on CouchDB.
 */
import type { PouchApp, PouchLike, WrapperArgs } from './internals';
import { requireCjs } from './internals';

const wrappers = requireCjs('pouchdb-wrappers') as {
  installWrapperMethods(db: PouchLike, handlers: Record<string, (orig: () => Promise<unknown>, args: WrapperArgs) => Promise<unknown>>): void;
};

interface BulkResult {
  id?: string;
  [key: string]: unknown;
}

/** Put results back in the order of the docs they answer; results for the same id keep their relative order. */
export function inRequestOrder(docs: ReadonlyArray<{ _id?: unknown }>, results: readonly BulkResult[]): BulkResult[] {
  if (results.length !== docs.length) return [...results];
  const byId = new Map<string, BulkResult[]>();
  for (const result of results) {
    const key = String(result.id);
    const list = byId.get(key) ?? [];
    list.push(result);
    byId.set(key, list);
  }
  const ordered: BulkResult[] = [];
  for (const doc of docs) {
    const match = byId.get(String(doc._id))?.shift();
    if (!match) return [...results]; // ids the server generated: the original order is already right
    ordered.push(match);
  }
  return ordered;
}

export function installDbFixes(app: PouchApp): void {
  // First registered wrapper = outermost handler (pouchdb-wrappers chains handlers in install order).
  app.dbWrapper._wrappers.unshift((name, db, next) => {
    wrappers.installWrapperMethods(db, {
      bulkDocs: async (orig, args) => {
        if (args.options.userCtx) args.options.userCtx = { ...args.options.userCtx, db: decodeURIComponent(name) };
        const results = (await orig()) as BulkResult[];
        return Array.isArray(results) && args.docs ? inRequestOrder(args.docs, results) : results;
      },
    });
    return next();
  });
}
