/**
 * Which handler resolves a conflict, in layers like TanStack Query's defaults (queryClient: global → per key →
 * per call): a per-call override, else the handler for the doc's `type`, else the global default, else none —
 * `undefined`, which sends the conflict to the inbox for a person to pick. A `null` override forces the inbox.
 *
 * Handlers are typed per document type; the engine only knows `doc.type` at run time. `forType` is the one
 * place that gap is crossed: it checks every leaf's `type` before calling the typed handler, and throws (→ inbox)
 * on a mismatch instead of casting.
 */
import type { ConflictDoc, JobDoc, SiteDoc } from '../docs';
import { mergeConflictAudit } from './conflict-audit';
import { mergeJob } from './job';
import { mergeSite } from './site';
import type { AnyMergeHandler, Leaf, MergeHandler, StoredDoc } from './types';

export interface DocTypes {
  readonly job: JobDoc;
  readonly site: SiteDoc;
  readonly conflict: ConflictDoc;
}

/** A typed handler, usable for any stored document: leaves of another type make it throw. */
export function forType<K extends keyof DocTypes>(type: K, handler: MergeHandler<DocTypes[K]>): AnyMergeHandler {
  const isOfType = (leaf: Leaf<StoredDoc>): leaf is Leaf<DocTypes[K]> => leaf.type === type;
  return (leaves) => {
    if (!leaves.every(isOfType)) throw new Error(`the ${type} handler was given a leaf of another type`);
    return handler(leaves);
  };
}

/** Outpost's handlers for its own document types. */
export const domainHandlers: Readonly<Record<string, AnyMergeHandler>> = {
  job: forType('job', mergeJob),
  site: forType('site', mergeSite),
  conflict: forType('conflict', mergeConflictAudit),
};

export interface HandlerRegistryOptions {
  /** Global default for types without a handler; none (the default) means the inbox. */
  readonly defaultHandler?: AnyMergeHandler;
  /** Per doc type. */
  readonly byType?: Readonly<Record<string, AnyMergeHandler>>;
}

export interface HandlerRegistry {
  setDefault(handler: AnyMergeHandler | undefined): void;
  /** Sets (or, with undefined, removes) the handler for one doc type. */
  setHandler(type: string, handler: AnyMergeHandler | undefined): void;
  /** Override first, then the doc type, then the default; undefined means the inbox. */
  resolve(type: string, override?: AnyMergeHandler | null): AnyMergeHandler | undefined;
}

export function createHandlerRegistry(options: HandlerRegistryOptions = {}): HandlerRegistry {
  let fallback = options.defaultHandler;
  const byType = new Map(Object.entries(options.byType ?? {}));
  return {
    setDefault(handler) {
      fallback = handler;
    },
    setHandler(type, handler) {
      if (handler) byType.set(type, handler);
      else byType.delete(type);
    },
    resolve(type, override) {
      if (override !== undefined) return override ?? undefined;
      return byType.get(type) ?? fallback;
    },
  };
}
