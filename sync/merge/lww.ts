/**
 * Rule for scalar fields: per-field last-writer-wins by `clock[field]` (compareStamps: ms, counter, then device id;
 * a missing stamp is the lowest). Two leaves with the same stamp but different values (which a working clock never
 * produces) are separated by the greater canonical JSON, an absent value being the lowest. So each field's result is
 * the maximum of a total order: commutative, associative, idempotent.
 *
 * The merged `clock` is the per-field maximum, so every field's stamp still belongs to the value it kept.
 */
import { compareStamps, isStamp, type Stamp } from '../hlc';
import { canonicalJson, compareText, isPlainObject, type JsonRecord } from './canonical';

/** One leaf's version of a field: its value (undefined when absent) and the stamp of its last write. */
export interface FieldVersion {
  readonly value: unknown;
  readonly stamp: Stamp | undefined;
}

/** compareStamps, with a missing stamp lower than any stamp. */
export function compareOptionalStamps(a: Stamp | undefined, b: Stamp | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  return compareStamps(a, b);
}

/** A leaf's clock; a malformed clock entry is an error, not a silent "lowest". */
export function clockOf(leaf: JsonRecord): Readonly<Record<string, Stamp>> {
  const clock = leaf.clock;
  if (clock === undefined) return {};
  if (!isPlainObject(clock)) throw new Error('clock: must be an object of field stamps');
  for (const [field, stamp] of Object.entries(clock)) {
    if (!isStamp(stamp)) throw new Error(`clock.${field}: not a stamp: ${JSON.stringify(stamp)}`);
  }
  // Every value was just checked to be a stamp.
  return clock as Readonly<Record<string, Stamp>>;
}

export function versionOf(leaf: JsonRecord, field: string): FieldVersion {
  return { value: leaf[field], stamp: clockOf(leaf)[field] };
}

export function compareVersions(a: FieldVersion, b: FieldVersion): number {
  return compareOptionalStamps(a.stamp, b.stamp) || compareText(canonicalJson(a.value), canonicalJson(b.value));
}

/** The winning version of `field` across the leaves. */
export function latestVersion(leaves: readonly JsonRecord[], field: string): FieldVersion {
  return leaves
    .map((leaf) => versionOf(leaf, field))
    .reduce((best, version) => (compareVersions(version, best) > 0 ? version : best));
}

/** Per-field maximum of the leaves' clocks. */
export function mergeClocks(leaves: readonly JsonRecord[]): Record<string, Stamp> {
  const merged: Record<string, Stamp> = {};
  for (const leaf of leaves) {
    for (const [field, stamp] of Object.entries(clockOf(leaf))) {
      const seen = merged[field];
      if (seen === undefined || compareStamps(stamp, seen) > 0) merged[field] = stamp;
    }
  }
  return merged;
}
