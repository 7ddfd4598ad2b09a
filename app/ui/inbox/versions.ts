/**
 * The conflict inbox's view of competing versions: which fields differ, how a value reads, and which version wins
 * when the person changes nothing. Pure.
 */

export type Version = Readonly<Record<string, unknown>>;

/** Bookkeeping a person does not choose: revision data, the per-field clock, and the last-writer stamp. */
const NOT_CHOSEN = new Set(['clock', 'updatedAt', 'updatedBy']);

export function revOf(version: Version): string {
  return typeof version._rev === 'string' ? version._rev : '';
}

function revParts(rev: string): [number, string] {
  const dash = rev.indexOf('-');
  return [Number.parseInt(rev.slice(0, dash), 10) || 0, rev.slice(dash + 1)];
}

/** PouchDB's winner first (longest history, then the greatest revision hash), then the others in the same order. */
export function winnerFirst(versions: readonly Version[]): Version[] {
  return [...versions].sort((a, b) => {
    const [posA, hashA] = revParts(revOf(a));
    const [posB, hashB] = revParts(revOf(b));
    return posB - posA || (hashA < hashB ? 1 : hashA > hashB ? -1 : 0);
  });
}

/** JSON with object keys sorted, so `{a, b}` and `{b, a}` compare equal. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return value === undefined ? 'null' : JSON.stringify(value);
}

/** The fields whose values are not the same in every version, sorted. */
export function differingFields(versions: readonly Version[]): string[] {
  const fields = new Set<string>();
  for (const v of versions) for (const k of Object.keys(v)) if (!k.startsWith('_') && !NOT_CHOSEN.has(k)) fields.add(k);
  return [...fields].filter((f) => new Set(versions.map((v) => stableJson(v[f]))).size > 1).sort();
}

/** A field's value as a person reads it (always plain text). */
export function valueText(value: unknown): string {
  if (value === undefined || value === null || value === '') return '(empty)';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return '(none)';
    return value
      .map((item) => {
        if (item === null || typeof item !== 'object') return `• ${String(item)}`;
        const o = item as Record<string, unknown>;
        const label = o.label ?? o.text ?? o.caption ?? o.id;
        const done = typeof o.done === 'boolean' ? (o.done ? ' ✓' : ' ☐') : '';
        const reading = o.value !== undefined ? `: ${String(o.value)}${typeof o.unit === 'string' ? ` ${o.unit}` : ''}` : '';
        return `• ${String(label)}${reading}${done}`;
      })
      .join('\n');
  }
  return JSON.stringify(value, null, 2);
}

/** Every differing field → the winner's revision: what "Keep these" saves when the person changes nothing. */
export function defaultChoices(fields: readonly string[], ordered: readonly Version[]): Record<string, string> {
  const winner = ordered[0] ? revOf(ordered[0]) : '';
  return Object.fromEntries(fields.map((f) => [f, winner]));
}
