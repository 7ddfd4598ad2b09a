/** Deterministic conflict handlers (ARCHITECTURE §5). Each module states its rule at its top. */
export type { Leaf, Merged, MergeHandler, StoredDoc, AnyMergeHandler } from './types';
export { canonical, canonicalJson } from './canonical';
export { winningLeaf, compareRevs } from './winning-leaf';
export { compareItemVersions, compareItemOrder, sortItems, unionItems, type ItemBase } from './items';
export { mergeFields, type MergeSpec } from './fields';
export { mergeJob } from './job';
export { mergeSite } from './site';
export { mergeConflictAudit } from './conflict-audit';
export { createHandlerRegistry, domainHandlers, forType, type DocTypes, type HandlerRegistry, type HandlerRegistryOptions } from './registry';
