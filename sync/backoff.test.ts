import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';
import { canTransition } from './status';

describe('backoffDelay', () => {
  const opts = { baseMs: 1000, maxMs: 60_000 };

  it('grows exponentially up to the cap, with full jitter', () => {
    expect(backoffDelay(0, () => 1, opts)).toBe(1000);
    expect(backoffDelay(3, () => 1, opts)).toBe(8000);
    expect(backoffDelay(30, () => 1, opts)).toBe(60_000);
    expect(backoffDelay(3, () => 0.5, opts)).toBe(4000);
  });

  it('is never zero and never above the cap', () => {
    fc.assert(
      fc.property(fc.nat(100), fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), (attempt, r) => {
        const delay = backoffDelay(attempt, () => r, opts);
        return delay >= 100 && delay <= 60_000;
      }),
    );
  });
});

describe('status transitions', () => {
  it('refuses moves the state machine does not allow', () => {
    expect(canTransition('needs-login', 'live')).toBe(false);
    expect(canTransition('paused', 'live')).toBe(false);
    expect(canTransition('needs-login', 'offline')).toBe(false);
    expect(canTransition('connecting', 'initial')).toBe(true);
    expect(canTransition('error', 'connecting')).toBe(true);
    expect(canTransition('live', 'needs-login')).toBe(true);
  });
});
