/**
 * Hybrid logical clock (ARCHITECTURE §2): stamps `"<ms>-<counter>-<deviceId>"` that order every write of a field.
 *
 * Rules:
 * - `tick()` issues max(physical ms, last ms); when ms did not advance the counter is bumped, otherwise it is 0.
 *   So stamps from one clock strictly increase, whatever the wall clock does.
 * - `receive(remote)` merges a remote stamp into `last`, so the next `tick()` orders after everything seen.
 * - `load`/`save` let the caller persist `last`, which keeps the clock monotonic across restarts.
 * - Stamps are totally ordered by ms, then counter (both as numbers), then deviceId, then the raw text.
 *
 * The time source is injected (`now`), so tests never sleep and never read the real clock.
 */

export type Stamp = string;

export interface StampParts {
  readonly ms: number;
  readonly counter: number;
  readonly deviceId: string;
}

/** The same shape validate.js accepts (its STAMP regex), with the three parts captured. */
const STAMP = /^(\d{13,})-(\d+)-([A-Za-z0-9_.:-]{1,64})$/;
export const DEVICE_ID = /^[A-Za-z0-9_.:-]{1,64}$/;
export const DEFAULT_MAX_DRIFT_MS = 24 * 60 * 60 * 1000;

export function isStamp(value: unknown): value is Stamp {
  return typeof value === 'string' && STAMP.test(value);
}

/** Splits a stamp; throws on anything validate.js would reject or whose numbers are not exact in a double. */
export function parseStamp(stamp: Stamp): StampParts {
  const match = STAMP.exec(stamp);
  const [, ms, counter, deviceId] = match ?? [];
  if (ms === undefined || counter === undefined || deviceId === undefined) throw new Error(`not a stamp: ${JSON.stringify(stamp)}`);
  const parts = { ms: Number(ms), counter: Number(counter), deviceId };
  if (!Number.isSafeInteger(parts.ms) || !Number.isSafeInteger(parts.counter)) throw new Error(`stamp out of range: ${stamp}`);
  return parts;
}

/** Formats the parts, padding ms to the 13 digits validate.js requires. */
export function formatStamp(parts: StampParts): Stamp {
  const { ms, counter, deviceId } = parts;
  if (!Number.isSafeInteger(ms) || ms < 0) throw new Error(`stamp ms must be a non-negative integer: ${ms}`);
  if (!Number.isSafeInteger(counter) || counter < 0) throw new Error(`stamp counter must be a non-negative integer: ${counter}`);
  if (!DEVICE_ID.test(deviceId)) throw new Error(`device id must match ${DEVICE_ID}: ${JSON.stringify(deviceId)}`);
  return `${String(ms).padStart(13, '0')}-${counter}-${deviceId}`;
}

/** Compares two decimal digit strings by value, exactly (no precision limit). */
function compareDecimal(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Total order on stamps: ms, then counter (by value), then deviceId, then the raw text — the last step only
 * separates spellings of the same value (`0001767225600000-0-a` vs `1767225600000-0-a`), so that 0 means equal.
 * Throws on a malformed stamp.
 */
export function compareStamps(a: Stamp, b: Stamp): number {
  const x = STAMP.exec(a);
  const y = STAMP.exec(b);
  if (!x || !y) throw new Error(`not a stamp: ${JSON.stringify(x ? b : a)}`);
  for (const [i, compare] of [[1, compareDecimal], [2, compareDecimal], [3, compareText]] as const) {
    const order = compare(x[i] ?? '', y[i] ?? '');
    if (order !== 0) return order;
  }
  return compareText(a, b);
}

/** The latest of the given stamps; `null`/`undefined` count as lower than any stamp. */
export function maxStamp(...stamps: ReadonlyArray<Stamp | null | undefined>): Stamp | undefined {
  let max: Stamp | undefined;
  for (const stamp of stamps) {
    if (stamp !== null && stamp !== undefined && (max === undefined || compareStamps(stamp, max) > 0)) max = stamp;
  }
  return max;
}

export interface HlcOptions {
  readonly deviceId: string;
  /** Physical time in ms (Date.now in the app, a fake in tests). */
  readonly now: () => number;
  /** The last stamp saved by a previous run, or null. */
  readonly load?: () => Stamp | null;
  /** Called with every new `last`, so the caller can persist it. */
  readonly save?: (stamp: Stamp) => void;
  /** Remote stamps further than this ahead of our physical clock are not adopted. Default 24 h. */
  readonly maxDriftMs?: number;
}

export interface Hlc {
  /** A new stamp, later than every stamp this clock issued or received. */
  tick(): Stamp;
  /** Merges a stamp seen on a remote document. Malformed stamps and stamps beyond the drift cap are ignored. */
  receive(remote: Stamp): void;
  /** The latest stamp issued or received, or null before the first. */
  last(): Stamp | null;
}

export function createHlc(options: HlcOptions): Hlc {
  const { deviceId, now, save } = options;
  const maxDriftMs = options.maxDriftMs ?? DEFAULT_MAX_DRIFT_MS;
  if (!DEVICE_ID.test(deviceId)) throw new Error(`device id must match ${DEVICE_ID}: ${JSON.stringify(deviceId)}`);

  // A corrupt saved value cannot be trusted for anything; start from the physical clock instead of failing to start.
  const loaded = options.load?.() ?? null;
  let last: Stamp | null = loaded !== null && isStamp(loaded) && isParseable(loaded) ? loaded : null;

  const physical = (): number => Math.max(0, Math.floor(now()));
  const remember = (stamp: Stamp): void => {
    last = stamp;
    save?.(stamp);
  };

  return {
    tick() {
      const pt = physical();
      const prev = last === null ? null : parseStamp(last);
      const stamp = prev === null || pt > prev.ms
        ? formatStamp({ ms: pt, counter: 0, deviceId })
        : formatStamp({ ms: prev.ms, counter: prev.counter + 1, deviceId }); // wall clock stalled or went back
      remember(stamp);
      return stamp;
    },
    receive(remote) {
      if (!isStamp(remote) || !isParseable(remote)) return;
      // A stamp absurdly far ahead (a device whose clock is set to next year) is not adopted: taking it would pin
      // every later stamp of ours to that time, and spread it to every device we sync with. Our own stamps stay
      // monotonic by ms/counter as always; the cost is that an edit of ours to the same field orders before that
      // remote write until our clock catches up with it.
      if (parseStamp(remote).ms > physical() + maxDriftMs) return;
      if (last === null || compareStamps(remote, last) > 0) remember(remote);
    },
    last: () => last,
  };
}

function isParseable(stamp: Stamp): boolean {
  try {
    parseStamp(stamp);
    return true;
  } catch {
    return false;
  }
}
