/**
 * Retry delay: capped exponential backoff with full jitter. Pure: the random source is a parameter.
 * attempt 0 → up to base, 1 → up to 2×base, … never above max.
 */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 60_000 };

export function backoffDelay(attempt: number, random: () => number, opts: BackoffOptions = DEFAULT_BACKOFF): number {
  const ceiling = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, attempt));
  // Never zero, so a tight failure loop cannot spin.
  return Math.max(Math.round(opts.baseMs / 10), Math.round(random() * ceiling));
}
