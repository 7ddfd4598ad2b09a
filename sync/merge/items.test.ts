import { describe, expect, it } from 'vitest';
import { compareItemVersions, sortItems, unionItems } from './items';

const item = (id: string, at: string, by = 'fiona') => ({ id, at, by });

describe('items', () => {
  it('compares at as a time, not as text', () => {
    // As text '…00Z' > '…00.500Z', but 00.500 is later.
    expect(compareItemVersions(item('a', '2026-01-01T09:00:00.500Z'), item('a', '2026-01-01T09:00:00Z'))).toBeGreaterThan(0);
    expect(sortItems([item('b', '2026-01-01T09:00:00.500Z'), item('a', '2026-01-01T09:00:00Z')]).map((i) => i.id)).toEqual(['a', 'b']);
  });

  it('treats an unparseable at as the earliest', () => {
    expect(compareItemVersions(item('a', 'yesterday'), item('a', '2000-01-01T00:00:00Z'))).toBeLessThan(0);
  });

  it('unions by id without mutating the lists', () => {
    const a = Object.freeze([item('x', '2026-01-01T09:00:00Z')]);
    const b = Object.freeze([item('x', '2026-01-01T10:00:00Z', 'liam'), item('y', '2026-01-01T08:00:00Z')]);
    expect(unionItems([a, b])).toEqual([item('y', '2026-01-01T08:00:00Z'), item('x', '2026-01-01T10:00:00Z', 'liam')]);
  });
});
