/** The shapes every merge handler shares (ARCHITECTURE §5). */

/** A non-deleted leaf revision of one document, as PouchDB returns it with `open_revs`. */
export type Leaf<T> = Readonly<T & { _id: string; _rev: string }>;

/** A handler's answer: the body to write (no `_rev`, `_conflicts` or `_revisions`) and the fields the leaves disagreed on. */
export interface Merged<T> {
  readonly body: T;
  readonly decidedFields: readonly string[];
}

/** Must be a pure function of the set of leaves: independent of their order, of time and of who runs it. */
export type MergeHandler<T> = (leaves: readonly Leaf<T>[]) => Merged<T>;

/** Any stored document, as the engine sees it before dispatching on `type`. */
export type StoredDoc = Readonly<{ _id: string; type: string; [field: string]: unknown }>;

export type AnyMergeHandler = MergeHandler<StoredDoc>;
