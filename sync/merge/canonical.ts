/**
 * Rule: `canonical(x)` is a deep copy of `x` with the keys of every plain object sorted (by UTF-16 code unit, as
 * Array#sort does) and `undefined`-valued keys dropped; arrays keep their order, and anything that is not a plain
 * object or array (numbers, strings, a Blob) is returned as is. So `JSON.stringify(canonical(x))` is the same text
 * for any two inputs that are equal as JSON, whatever order their keys were written in.
 */

export type JsonRecord = Readonly<Record<string, unknown>>;

export function isPlainObject(value: unknown): value is JsonRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function copy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copy);
  if (!isPlainObject(value)) return value;
  // fromEntries defines own properties, so even a "__proto__" key stays plain data.
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .filter((key) => value[key] !== undefined)
      .map((key) => [key, copy(value[key])]),
  );
}

export function canonical<T>(value: T): T {
  // Same structure, same types: only key order changes and undefined-valued keys (absent in JSON) go.
  return copy(value) as T;
}

/** Canonical JSON text; `undefined` (an absent value) becomes '' so it sorts before any JSON. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonical(value)) ?? '';
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
