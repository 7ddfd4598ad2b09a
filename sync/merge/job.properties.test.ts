/**
 * Property tests for mergeJob (ARCHITECTURE §5): commutative, associative, idempotent, lossless, and the field rules.
 *
 * Feeding a merged body back as a leaf needs a `_rev`. The body stands in for its winning leaf — it carries that
 * leaf's `updatedAt`/`updatedBy` — so it is fed back with that leaf's `_rev`. Then winningLeaf is a maximum over
 * revisions (associative), and so the whole body is associative. With any other rev, `updatedAt`/`updatedBy` follow
 * whichever rev wins the comparison with the third leaf, which need not be the winner of all three; every other field
 * ignores `_rev` and stays associative, which the second associativity test checks.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JobDoc } from '../docs';
import { maxStamp } from '../hlc';
import { canonical } from './canonical';
import { JOB_ITEM_LISTS, mergeJob } from './job';
import { jobLeavesArb } from './testing/arbitraries';
import { deepFreeze, loadValidate, rejection, USERS } from './testing/validate';
import type { Leaf, Merged } from './types';
import { winningLeaf } from './winning-leaf';

const RUNS = { numRuns: 500 };
const text = (merged: Merged<JobDoc>): string => JSON.stringify(merged.body);
const asLeaf = (merged: Merged<JobDoc>, rev: string): Leaf<JobDoc> => ({ ...merged.body, _rev: rev });
/** A merged body as the leaf it stands in for: the winning leaf's revision. */
const fedBack = (leaves: readonly Leaf<JobDoc>[]): Leaf<JobDoc> => asLeaf(mergeJob(leaves), winningLeaf(leaves)._rev);
const withoutUpdated = (merged: Merged<JobDoc>): unknown => ({ ...merged.body, updatedAt: null, updatedBy: null });
const threeLeaves = jobLeavesArb(3, 3).map((leaves) => deepFreeze(leaves));
const SCALARS = ['title', 'priority', 'assignee', 'due', 'description', 'location'] as const;

describe('mergeJob properties', () => {
  it('is commutative: any order of the leaves gives the same body, byte for byte, and the same decided fields', () => {
    const arb = jobLeavesArb(1, 4).chain((leaves) => fc.tuple(fc.constant(leaves), fc.shuffledSubarray([...leaves], { minLength: leaves.length })));
    fc.assert(fc.property(arb, ([leaves, shuffled]) => {
      const a = mergeJob(deepFreeze(leaves));
      const b = mergeJob(shuffled);
      expect(text(b)).toBe(text(a));
      expect(b.decidedFields).toEqual(a.decidedFields);
    }), RUNS);
  });

  it('is associative when a merged body is fed back with its winning leaf\'s revision (every field)', () => {
    fc.assert(fc.property(threeLeaves, ([a, b, c]) => {
      if (!a || !b || !c) throw new Error('three leaves expected');
      const all = text(mergeJob([a, b, c]));
      expect(text(mergeJob([fedBack([a, b]), c]))).toBe(all);
      expect(text(mergeJob([a, fedBack([b, c])]))).toBe(all);
      expect(text(mergeJob([fedBack([a, c]), b]))).toBe(all);
    }), RUNS);
  });

  it('is associative on every field but updatedAt/updatedBy whatever revision a merged body is given', () => {
    fc.assert(fc.property(threeLeaves, fc.constantFrom('1-0000', '9-ffff', '3-5555'), ([a, b, c], rev) => {
      if (!a || !b || !c) throw new Error('three leaves expected');
      const all = withoutUpdated(mergeJob([a, b, c]));
      expect(withoutUpdated(mergeJob([asLeaf(mergeJob([a, b]), rev), c]))).toEqual(all);
      expect(withoutUpdated(mergeJob([a, asLeaf(mergeJob([b, c]), rev)]))).toEqual(all);
    }), RUNS);
  });

  it('is idempotent: a leaf with a copy of itself gives its own content, and a merge merged with itself is unchanged', () => {
    fc.assert(fc.property(jobLeavesArb(1, 4), ([first, ...rest]) => {
      if (!first) throw new Error('a leaf expected');
      const { _rev, ...content } = first;
      const twin = mergeJob([first, { ...first, _rev: '99-copy' }]);
      expect(JSON.stringify(twin.body)).toBe(JSON.stringify(canonical(content)));
      expect(twin.decidedFields).toEqual([]);
      const merged = mergeJob([first, ...rest]);
      const again = mergeJob([asLeaf(merged, _rev), asLeaf(merged, '99-copy')]);
      expect(text(again)).toBe(text(merged));
    }), RUNS);
  });

  it('is lossless: every item id and attachment name of every leaf is in the result', () => {
    fc.assert(fc.property(jobLeavesArb(1, 4), (leaves) => {
      const { body } = mergeJob(leaves);
      for (const field of JOB_ITEM_LISTS) {
        const ids = new Set(body[field].map((item) => item.id));
        for (const leaf of leaves) for (const item of leaf[field]) expect(ids.has(item.id)).toBe(true);
        expect(ids.size).toBe(body[field].length);
      }
      for (const leaf of leaves) for (const name of Object.keys(leaf._attachments ?? {})) expect(body._attachments).toHaveProperty([name]);
    }), RUNS);
  });

  it('keeps, per item id, the version with the latest at (then by), listed by at then id', () => {
    fc.assert(fc.property(jobLeavesArb(1, 4), (leaves) => {
      const { body } = mergeJob(leaves);
      for (const field of JOB_ITEM_LISTS) {
        const list: ReadonlyArray<{ id: string; by: string; at: string }> = body[field];
        for (const item of list) {
          for (const leaf of leaves) {
            const other = leaf[field].find((i) => i.id === item.id);
            if (other) expect(other.at < item.at || (other.at === item.at && other.by <= item.by)).toBe(true);
          }
        }
        const order = list.map((i) => `${i.at} ${i.id}`);
        expect(order).toEqual([...order].sort());
      }
    }), RUNS);
  });

  it('takes each scalar field from the leaf with the latest clock stamp, and clock is the per-field max', () => {
    fc.assert(fc.property(jobLeavesArb(1, 4), (leaves) => {
      const { body } = mergeJob(leaves);
      for (const field of SCALARS) {
        const max = maxStamp(...leaves.map((l) => l.clock[field]));
        expect(body.clock[field]).toBe(max);
        const writers = leaves.filter((l) => l.clock[field] === max).map((l) => JSON.stringify(canonical(l[field])));
        expect(writers).toContain(JSON.stringify(body[field]));
      }
      for (const field of JOB_ITEM_LISTS) expect(body.clock[field]).toBe(maxStamp(...leaves.map((l) => l.clock[field])));
    }), RUNS);
  });

  it('applies the status rule: a lead/HQ cancel wins, else done wins, else the latest stamp; role and stamp travel with it', () => {
    fc.assert(fc.property(jobLeavesArb(1, 4), (leaves) => {
      const { body } = mergeJob(leaves);
      const cancels = leaves.filter((l) => l.status === 'cancelled' && (l.statusRole === 'lead' || l.statusRole === 'hq'));
      const dones = leaves.filter((l) => l.status === 'done');
      const pool = cancels.length > 0 ? cancels : dones.length > 0 ? dones : leaves;
      const stamp = maxStamp(...pool.map((l) => l.clock.status));
      expect(body.clock.status).toBe(stamp);
      const triple = (d: JobDoc) => JSON.stringify([d.status, d.statusRole ?? null, d.clock.status]);
      expect(pool.filter((l) => l.clock.status === stamp).map(triple)).toContain(triple(body));
      if (dones.length > 0 && cancels.length === 0) expect(body.status).toBe('done');
    }), RUNS);
  });

  it('takes updatedAt/updatedBy from the winning leaf, and its body passes validate.js', () => {
    const validate = loadValidate('north');
    fc.assert(fc.property(jobLeavesArb(1, 4), (leaves) => {
      const { body } = mergeJob(leaves);
      const winner = winningLeaf(leaves);
      expect([body.updatedAt, body.updatedBy]).toEqual([winner.updatedAt, winner.updatedBy]);
      // Shape checks as a replicated write; the per-user checks of a device's write are the engine's side.
      expect(rejection(validate, body, winner, USERS.replicator)).toBeUndefined();
    }), RUNS);
  });
});
