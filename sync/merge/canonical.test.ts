import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonical, canonicalJson } from './canonical';
import { deepFreeze } from './testing/validate';

/** The same JSON value with every object's keys in a different (random) insertion order. */
function reorder(value: unknown, rand: () => number): unknown {
  if (Array.isArray(value)) return value.map((v) => reorder(v, rand));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).map(([k, v]) => [k, reorder(v, rand)] as const);
  for (let i = entries.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [entries[i], entries[j]] = [entries[j] as (typeof entries)[number], entries[i] as (typeof entries)[number]];
  }
  return Object.fromEntries(entries);
}

describe('canonical', () => {
  it('gives the same JSON text for differently ordered inputs', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.integer(), (value, seed) => {
      let state = seed >>> 0;
      const rand = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
      expect(JSON.stringify(canonical(reorder(value, rand)))).toBe(JSON.stringify(canonical(value)));
      expect(JSON.parse(JSON.stringify(canonical(value)))).toEqual(JSON.parse(JSON.stringify(value)));
    }), { numRuns: 500 });
  });

  it('sorts keys at every depth, keeps array order, and is idempotent', () => {
    const value = deepFreeze({ b: 1, a: { d: [{ z: 1, y: 2 }, 3], c: null } });
    expect(JSON.stringify(canonical(value))).toBe('{"a":{"c":null,"d":[{"y":2,"z":1},3]},"b":1}');
    expect(canonical(canonical(value))).toEqual(canonical(value));
  });

  it('drops undefined-valued keys, leaves non-plain objects alone, and keeps a "__proto__" key as data', () => {
    const blob = new Blob(['x']);
    const parsed: unknown = JSON.parse('{"__proto__":{"polluted":true},"a":1}');
    expect(canonical({ a: undefined, b: blob })).toEqual({ b: blob });
    expect(canonical({ b: blob }).b).toBe(blob);
    const copy = canonical(parsed);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy as object)).toEqual(['__proto__', 'a']);
  });

  it('canonicalJson maps an absent value to the empty string, below any JSON text', () => {
    expect(canonicalJson(undefined)).toBe('');
    expect(canonicalJson({ b: 2, a: 1 })).toBe('{"a":1,"b":2}');
  });
});
