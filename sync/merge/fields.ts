/**
 * The merge every domain handler is built from: a pure function of the set of leaves.
 *
 * Rules, field by field (each file named here states its own rule at its top):
 * - `_id`, `type`, `team`, `schema`, `createdAt`, `createdBy` never change, and `updatedAt`/`updatedBy` are taken
 *   from the current winning leaf (winning-leaf.ts), so whoever resolves — any user, any device — writes the same body.
 * - `clock`: per-field maximum (lww.ts), except `clock.status`, which follows the chosen status (status.ts).
 * - `_attachments`: union by name (attachments.ts). Other `_`-fields (`_rev`, `_conflicts`, `_revisions`...) are dropped.
 * - `spec.itemLists`: union by item id (items.ts). `spec.stringSets`: sorted union of strings.
 * - `spec.status`: `status` + `statusRole` by the status rule (status.ts).
 * - every other field, including ones this version does not know: per-field last-writer-wins (lww.ts).
 * - `decidedFields`: the fields, bookkeeping aside (`clock`, `updatedAt`, `updatedBy`), on which the leaves'
 *   canonical JSON differs, sorted. It describes this conflict, so unlike the body it is not associative.
 * The body goes through canonical(). Nothing here reads the time, the order of the leaves, or mutates them.
 */
import { canonical, canonicalJson, compareText, isPlainObject, type JsonRecord } from './canonical';
import { mergeAttachments } from './attachments';
import { isItem, unionItems, type ItemBase } from './items';
import { latestVersion, mergeClocks } from './lww';
import { latestStatus } from './status';
import type { Leaf, Merged, StoredDoc } from './types';
import { winningLeaf } from './winning-leaf';

export interface MergeSpec {
  /** Every leaf must be of this `type`; anything else throws (and the conflict goes to the inbox). */
  readonly type: string;
  readonly itemLists?: readonly string[];
  readonly stringSets?: readonly string[];
  readonly status?: boolean;
}

const FROM_WINNER = ['_id', 'type', 'team', 'schema', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy'];
const BOOKKEEPING = ['clock', 'updatedAt', 'updatedBy'];

function itemsOf(leaf: JsonRecord, field: string): readonly ItemBase[] {
  const value: unknown = leaf[field];
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every(isItem)) throw new Error(`${field}: must be a list of items with id, by and at`);
  return value;
}

function stringsOf(leaf: JsonRecord, field: string): readonly string[] {
  const value: unknown = leaf[field];
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) throw new Error(`${field}: must be a list of strings`);
  return value;
}

function checkLeaves(leaves: readonly JsonRecord[], type: string): void {
  const [first] = leaves;
  if (first === undefined) throw new Error('merge: no leaves');
  for (const leaf of leaves) {
    if (!isPlainObject(leaf) || leaf._id !== first._id) throw new Error(`merge: leaves of different documents (${String(first._id)})`);
    if (leaf.type !== type) throw new Error(`merge: ${String(leaf._id)} is a ${String(leaf.type)}, not a ${type}`);
    if (leaf._deleted === true) throw new Error(`merge: ${String(leaf._id)} ${String(leaf._rev)} is deleted`);
  }
}

export function mergeFields<T extends StoredDoc>(leaves: readonly Leaf<T>[], spec: MergeSpec): Merged<T> {
  const records: readonly JsonRecord[] = leaves;
  checkLeaves(records, spec.type);
  const winner: JsonRecord = winningLeaf(leaves);
  const names = [...new Set(records.flatMap((leaf) => Object.keys(leaf)))].sort();
  const body: Record<string, unknown> = {};
  const clock = mergeClocks(records);

  for (const field of names) {
    if (FROM_WINNER.includes(field)) body[field] = winner[field];
    else if (field === '_attachments') body[field] = mergeAttachments(records);
    else if (field.startsWith('_') || field === 'clock') continue;
    else if (spec.itemLists?.includes(field)) body[field] = unionItems(records.map((leaf) => itemsOf(leaf, field)));
    else if (spec.stringSets?.includes(field)) body[field] = [...new Set(records.flatMap((leaf) => stringsOf(leaf, field)))].sort(compareText);
    else if (spec.status && (field === 'status' || field === 'statusRole')) continue;
    else body[field] = latestVersion(records, field).value;
  }
  if (spec.status) {
    const status = latestStatus(records);
    body.status = status.status;
    body.statusRole = status.statusRole;
    if (status.stamp === undefined) delete clock.status;
    else clock.status = status.stamp;
  }
  body.clock = clock;

  const decidedFields = names.filter(
    (field) => !BOOKKEEPING.includes(field) && !['_rev', '_conflicts', '_revisions'].includes(field) &&
      new Set(records.map((leaf) => canonicalJson(leaf[field]))).size > 1,
  );
  // Each field of `body` is one leaf's value of that field (or a union of them), so it has the type T gives it.
  return { body: canonical(body) as T, decidedFields };
}
