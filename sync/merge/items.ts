/**
 * Rule for the item lists (`checklist`, `notes`, `readings`, `photos`): the union by item `id` — no item from any
 * leaf is lost. An id present in several leaves with different content takes the later version: later `at` (as a
 * time), then the greater `by`, then the greater canonical JSON. That is a total order, so picking the maximum is
 * commutative, associative and idempotent. The list comes out sorted by `at` (as a time), then `id`.
 *
 * A union cannot express removal: an item deleted on one side comes back from the other. Outpost never deletes
 * items (a checklist item is unticked, not removed), so nothing relies on removal.
 */
import { canonicalJson, compareText, isPlainObject } from './canonical';

export type ItemBase = Readonly<{ id: string; by: string; at: string }>;

/** `at` as ms; an unparseable time counts as the earliest. */
function atMs(item: ItemBase): number {
  const ms = Date.parse(item.at);
  return Number.isNaN(ms) ? -Infinity : ms;
}

function compareNumbers(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Which of two versions of one item is later (> 0: `a`). */
export function compareItemVersions(a: ItemBase, b: ItemBase): number {
  return compareNumbers(atMs(a), atMs(b)) || compareText(a.by, b.by) || compareText(canonicalJson(a), canonicalJson(b));
}

/** List order: `at`, then `id` (ids are unique in a list, so this is total). */
export function compareItemOrder(a: ItemBase, b: ItemBase): number {
  return compareNumbers(atMs(a), atMs(b)) || compareText(a.at, b.at) || compareText(a.id, b.id);
}

export function sortItems<I extends ItemBase>(items: readonly I[]): readonly I[] {
  return [...items].sort(compareItemOrder);
}

export function isItem(value: unknown): value is ItemBase {
  return isPlainObject(value) && typeof value.id === 'string' && typeof value.by === 'string' && typeof value.at === 'string';
}

/** Union by id, later version of each id, in list order. */
export function unionItems<I extends ItemBase>(lists: readonly (readonly I[])[]): readonly I[] {
  const byId = new Map<string, I>();
  for (const item of lists.flat()) {
    const seen = byId.get(item.id);
    if (seen === undefined || compareItemVersions(item, seen) > 0) byId.set(item.id, item);
  }
  return sortItems([...byId.values()]);
}
