/**
 * Rule: the winner among non-deleted leaves is the one CouchDB and PouchDB would show — the highest revision
 * position, then the greater revision id compared as a string (PouchDB `winningRev.js`; CouchDB compares the ids as
 * binaries, which orders its lowercase hex ids the same way). Two leaves with the same `_rev` cannot both exist in
 * one document; if a caller passes such a pair anyway, the greater canonical JSON wins so the answer still does not
 * depend on the order of the leaves.
 */
import { canonicalJson, compareText } from './canonical';

const REV = /^(\d+)-(.+)$/;

function parseRev(rev: string): readonly [number, string] {
  const [, pos, id] = REV.exec(rev) ?? [];
  if (pos === undefined || id === undefined) throw new Error(`not a revision: ${JSON.stringify(rev)}`);
  return [Number(pos), id];
}

/** Orders revisions as CouchDB picks a winner: position, then id. */
export function compareRevs(a: string, b: string): number {
  const [posA, idA] = parseRev(a);
  const [posB, idB] = parseRev(b);
  return posA !== posB ? (posA < posB ? -1 : 1) : compareText(idA, idB);
}

export function winningLeaf<L extends { readonly _rev: string }>(leaves: readonly L[]): L {
  const [first, ...rest] = leaves;
  if (first === undefined) throw new Error('winningLeaf: no leaves');
  return rest.reduce((best, leaf) => {
    const order = compareRevs(leaf._rev, best._rev) || compareText(canonicalJson(leaf), canonicalJson(best));
    return order > 0 ? leaf : best;
  }, first);
}
