/**
 * Rule for a job's `status` (ARCHITECTURE §5), as one total order over the leaves' (status, statusRole, clock.status)
 * versions; the maximum wins and brings its `statusRole` and `clock.status` along:
 *   1. `cancelled` set by a lead or HQ (statusRole 'lead' | 'hq') beats everything;
 *   2. then `done`, whoever set it — so a concurrent field worker's later edit never undoes it;
 *   3. then anything else;
 * and within a class the later `clock.status` wins (missing lowest), then the greater canonical JSON.
 *
 * Deviation, on purpose: a lead's/HQ's concurrent *non-cancel* change that is later than a `done` also loses to
 * `done` (the lead can reopen the job right after the merge). The literal rule — "done beats a later field edit, but
 * a later lead edit beats done, and otherwise the later stamp wins" — is cyclic: with done@1, field on_site@3 and
 * lead open@2, done > on_site (done rule), on_site > open (later), open > done (later lead edit). A merge that picks
 * one of its inputs and is commutative, associative and idempotent must be the maximum of a total order, so the
 * literal rule cannot be associative: merge(merge(done, on_site), open) = open but merge(done, merge(on_site, open))
 * = done. Ranking `done` above every non-cancel edit is the nearest total order, and it never loses a completion.
 */
import { canonicalJson, compareText, type JsonRecord } from './canonical';
import { clockOf, compareOptionalStamps } from './lww';
import type { Stamp } from '../hlc';

export interface StatusVersion {
  readonly status: unknown;
  readonly statusRole: unknown;
  readonly stamp: Stamp | undefined;
}

export function statusVersionOf(leaf: JsonRecord): StatusVersion {
  return { status: leaf.status, statusRole: leaf.statusRole, stamp: clockOf(leaf).status };
}

function rank(version: StatusVersion): number {
  if (version.status === 'cancelled' && (version.statusRole === 'lead' || version.statusRole === 'hq')) return 2;
  return version.status === 'done' ? 1 : 0;
}

export function compareStatusVersions(a: StatusVersion, b: StatusVersion): number {
  return (
    rank(a) - rank(b) ||
    compareOptionalStamps(a.stamp, b.stamp) ||
    compareText(canonicalJson([a.status, a.statusRole]), canonicalJson([b.status, b.statusRole]))
  );
}

export function latestStatus(leaves: readonly JsonRecord[]): StatusVersion {
  return leaves.map(statusVersionOf).reduce((best, version) => (compareStatusVersions(version, best) > 0 ? version : best));
}
