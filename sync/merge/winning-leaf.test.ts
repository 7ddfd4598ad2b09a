import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareRevs, winningLeaf } from './winning-leaf';

describe('winningLeaf', () => {
  it('picks the highest position (as a number), then the highest rev id', () => {
    expect(winningLeaf([{ _rev: '9-fff' }, { _rev: '10-000' }])._rev).toBe('10-000');
    expect(winningLeaf([{ _rev: '3-abc' }, { _rev: '3-abd' }, { _rev: '2-zzz' }])._rev).toBe('3-abd');
    expect(compareRevs('1-a', '1-a')).toBe(0);
  });

  it('does not depend on the order of the leaves, even for a duplicated revision', () => {
    const leaf = fc.record({ _rev: fc.tuple(fc.integer({ min: 1, max: 12 }), fc.constantFrom('0a', '0b', 'ff')).map(([p, id]) => `${p}-${id}`), x: fc.nat(3) });
    fc.assert(fc.property(fc.array(leaf, { minLength: 1, maxLength: 6 }).chain((ls) => fc.tuple(fc.constant(ls), fc.shuffledSubarray(ls, { minLength: ls.length }))), ([leaves, shuffled]) => {
      expect(winningLeaf(shuffled)).toEqual(winningLeaf(leaves));
    }));
  });

  it('throws on no leaves or a malformed revision', () => {
    expect(() => winningLeaf([])).toThrow(/no leaves/);
    expect(() => winningLeaf([{ _rev: '1-a' }, { _rev: 'abc' }])).toThrow(/not a revision/);
  });
});
