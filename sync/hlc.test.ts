import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareStamps, createHlc, DEFAULT_MAX_DRIFT_MS, formatStamp, maxStamp, parseStamp, type Stamp } from './hlc';

/** validate.js's STAMP regex, copied so the test fails if either side drifts. */
const SERVER_STAMP = /^\d{13,}-\d+-[A-Za-z0-9_.:-]{1,64}$/;
const T0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

/** A clock whose time the test sets. */
function fakeTime(start = T0) {
  let t = start;
  return { now: () => t, set: (ms: number) => void (t = ms) };
}

const deviceId = fc.stringMatching(/^[A-Za-z0-9_.:-]{1,64}$/);
const parts = fc.record({ ms: fc.integer({ min: 0, max: 2 ** 45 }), counter: fc.nat({ max: 1000 }), deviceId });
/** Stamps from a small space so that equal ms/counter/device collide often; some with leading zeros. */
const stamp = fc
  .tuple(fc.constantFrom('', '0', '000'), fc.constantFrom(T0, T0 + 1, 10 ** 13), fc.nat({ max: 11 }), fc.constantFrom('a', 'b', 'dev-1', 'B'))
  .map(([zeros, ms, counter, device]) => `${zeros}${ms}-${counter}-${device}`);

describe('stamps', () => {
  it('format and parse round-trip, and every formatted stamp passes the server regex', () => {
    fc.assert(fc.property(parts, (p) => {
      const s = formatStamp(p);
      expect(s).toMatch(SERVER_STAMP);
      expect(parseStamp(s)).toEqual(p);
    }));
  });

  it('pads ms to 13 digits and keeps dashes in device ids', () => {
    expect(formatStamp({ ms: 5, counter: 2, deviceId: 'phone-7' })).toBe('0000000000005-2-phone-7');
    expect(parseStamp('1767225600000-12-phone-7')).toEqual({ ms: T0, counter: 12, deviceId: 'phone-7' });
  });

  it('rejects malformed stamps and parts', () => {
    for (const bad of ['', '176722560000-0-a', '1767225600000--a', '1767225600000-0-', '1767225600000-0-a b', `1767225600000-0-${'x'.repeat(65)}`]) {
      expect(() => parseStamp(bad)).toThrow(/not a stamp/);
    }
    expect(() => parseStamp('99999999999999999999-0-a')).toThrow(/out of range/);
    expect(() => formatStamp({ ms: -1, counter: 0, deviceId: 'a' })).toThrow();
    expect(() => formatStamp({ ms: 1.5, counter: 0, deviceId: 'a' })).toThrow();
    expect(() => formatStamp({ ms: 1, counter: 0, deviceId: 'a/b' })).toThrow();
  });

  it('compares by ms, then counter as numbers, then device id', () => {
    expect(compareStamps('1767225600000-9-z', '1767225600001-0-a')).toBeLessThan(0);
    expect(compareStamps('1767225600000-10-a', '1767225600000-9-z')).toBeGreaterThan(0);
    expect(compareStamps('1767225600000-1-a', '1767225600000-1-b')).toBeLessThan(0);
    expect(compareStamps('10000000000000-0-a', '9999999999999-0-a')).toBeGreaterThan(0);
    expect(compareStamps('01767225600000-0-a', '1767225600000-0-b')).toBeLessThan(0);
  });

  it('compareStamps is a total order (reflexive, antisymmetric, transitive, 0 only for the same stamp)', () => {
    fc.assert(fc.property(stamp, stamp, stamp, (a, b, c) => {
      expect(compareStamps(a, a)).toBe(0);
      expect(Math.sign(compareStamps(a, b)) + Math.sign(compareStamps(b, a))).toBe(0);
      expect(compareStamps(a, b) === 0).toBe(a === b);
      if (compareStamps(a, b) <= 0 && compareStamps(b, c) <= 0) expect(compareStamps(a, c)).toBeLessThanOrEqual(0);
    }), { numRuns: 2000 });
  });

  it('compareStamps agrees with the parsed (ms, counter, deviceId) order', () => {
    fc.assert(fc.property(parts, parts, (p, q) => {
      const expected = p.ms - q.ms || p.counter - q.counter || (p.deviceId < q.deviceId ? -1 : p.deviceId > q.deviceId ? 1 : 0);
      expect(Math.sign(compareStamps(formatStamp(p), formatStamp(q)))).toBe(Math.sign(expected));
    }));
  });

  it('maxStamp picks the greatest and treats missing as lowest', () => {
    expect(maxStamp()).toBeUndefined();
    expect(maxStamp(null, undefined)).toBeUndefined();
    expect(maxStamp('1767225600000-2-a', undefined, '1767225600000-10-a', null)).toBe('1767225600000-10-a');
    fc.assert(fc.property(fc.array(stamp, { minLength: 1 }), (all) => {
      const max = maxStamp(...all) as Stamp;
      for (const s of all) expect(compareStamps(s, max)).toBeLessThanOrEqual(0);
    }));
  });
});

describe('createHlc', () => {
  it('starts the counter at 0 and bumps it while ms does not advance', () => {
    const time = fakeTime();
    const hlc = createHlc({ deviceId: 'd1', now: time.now });
    expect(hlc.last()).toBeNull();
    expect([hlc.tick(), hlc.tick(), hlc.tick()]).toEqual([`${T0}-0-d1`, `${T0}-1-d1`, `${T0}-2-d1`]);
    time.set(T0 + 5);
    expect(hlc.tick()).toBe(`${T0 + 5}-0-d1`);
    expect(hlc.last()).toBe(`${T0 + 5}-0-d1`);
  });

  it('never goes back when the wall clock does', () => {
    const time = fakeTime(T0 + 1000);
    const hlc = createHlc({ deviceId: 'd1', now: time.now });
    hlc.tick();
    time.set(T0);
    expect(hlc.tick()).toBe(`${T0 + 1000}-1-d1`);
  });

  it('issues strictly increasing stamps for any sequence of wall-clock readings', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: T0 - 10_000, max: T0 + 10_000 }), { minLength: 1, maxLength: 50 }), (readings) => {
      const time = fakeTime();
      const hlc = createHlc({ deviceId: 'd1', now: time.now });
      let prev: Stamp | null = null;
      for (const ms of readings) {
        time.set(ms);
        const next = hlc.tick();
        if (prev !== null) expect(compareStamps(next, prev)).toBeGreaterThan(0);
        expect(parseStamp(next).ms).toBeGreaterThanOrEqual(ms);
        prev = next;
      }
    }));
  });

  it('stays monotonic across a restart through load/save, even with an earlier wall clock', () => {
    let saved: Stamp | null = null;
    const time = fakeTime(T0 + 60_000);
    const first = createHlc({ deviceId: 'd1', now: time.now, load: () => saved, save: (s) => void (saved = s) });
    first.tick();
    const lastIssued = first.tick();
    expect(saved).toBe(lastIssued);
    time.set(T0); // the device rebooted with its clock a minute behind
    const second = createHlc({ deviceId: 'd1', now: time.now, load: () => saved, save: (s) => void (saved = s) });
    expect(second.last()).toBe(lastIssued);
    expect(compareStamps(second.tick(), lastIssued)).toBeGreaterThan(0);
  });

  it('starts fresh when the saved stamp is corrupt', () => {
    const hlc = createHlc({ deviceId: 'd1', now: () => T0, load: () => 'garbage' });
    expect(hlc.last()).toBeNull();
    expect(hlc.tick()).toBe(`${T0}-0-d1`);
  });

  it('orders a local write after a received remote stamp', () => {
    const saves: Stamp[] = [];
    const hlc = createHlc({ deviceId: 'd1', now: () => T0, save: (s) => void saves.push(s) });
    hlc.tick();
    const remote = `${T0 + 3000}-4-d2`;
    hlc.receive(remote);
    expect(hlc.last()).toBe(remote);
    expect(saves.at(-1)).toBe(remote);
    const next = hlc.tick();
    expect(next).toBe(`${T0 + 3000}-5-d1`);
    expect(compareStamps(next, remote)).toBeGreaterThan(0);
  });

  it('ignores remote stamps older than what it has, and malformed ones', () => {
    const hlc = createHlc({ deviceId: 'd1', now: () => T0 });
    const mine = hlc.tick();
    hlc.receive(`${T0 - 1}-9-d2`);
    hlc.receive('not-a-stamp');
    expect(hlc.last()).toBe(mine);
    expect(hlc.tick()).toBe(`${T0}-1-d1`);
  });

  it('breaks an exact ms/counter tie with a remote by the counter, whatever the device ids', () => {
    const hlc = createHlc({ deviceId: 'a', now: () => T0 });
    hlc.receive(`${T0}-0-z`);
    expect(compareStamps(hlc.tick(), `${T0}-0-z`)).toBeGreaterThan(0);
  });

  it('does not adopt a remote stamp beyond the drift cap (default 24 h)', () => {
    const hlc = createHlc({ deviceId: 'd1', now: () => T0 });
    hlc.receive(`${T0 + DEFAULT_MAX_DRIFT_MS + 1}-0-d2`);
    expect(hlc.last()).toBeNull();
    expect(hlc.tick()).toBe(`${T0}-0-d1`);
    hlc.receive(`${T0 + DEFAULT_MAX_DRIFT_MS}-0-d2`); // exactly at the cap: adopted
    expect(hlc.tick()).toBe(`${T0 + DEFAULT_MAX_DRIFT_MS}-1-d1`);
  });

  it('honours a custom maxDriftMs', () => {
    const hlc = createHlc({ deviceId: 'd1', now: () => T0, maxDriftMs: 1000 });
    hlc.receive(`${T0 + 1001}-0-d2`);
    expect(hlc.tick()).toBe(`${T0}-0-d1`);
    hlc.receive(`${T0 + 1000}-0-d2`);
    expect(hlc.tick()).toBe(`${T0 + 1000}-1-d1`);
  });

  it('rejects a device id the stamp format cannot carry', () => {
    expect(() => createHlc({ deviceId: 'my phone', now: () => T0 })).toThrow(/device id/);
    expect(() => createHlc({ deviceId: '', now: () => T0 })).toThrow(/device id/);
  });
});
