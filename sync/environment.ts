/**
 * What the engine needs from its surroundings, swappable so tests (and other platforms) inject their own:
 * timers and a clock, and an online/offline signal. Tests use fake ones and never sleep.
 */

export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface OnlineSignal {
  isOnline(): boolean;
  /** Calls `listener` on every change; returns the unsubscribe. */
  subscribe(listener: (online: boolean) => void): () => void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** The browser's `online`/`offline` events; elsewhere (Node) always online. */
export function browserOnlineSignal(): OnlineSignal {
  const target = typeof window === 'undefined' ? null : window;
  return {
    isOnline: () => (typeof navigator === 'undefined' ? true : navigator.onLine !== false),
    subscribe(listener) {
      if (!target) return () => {};
      const on = () => listener(true);
      const off = () => listener(false);
      target.addEventListener('online', on);
      target.addEventListener('offline', off);
      return () => {
        target.removeEventListener('online', on);
        target.removeEventListener('offline', off);
      };
    },
  };
}

/** A signal the caller flips by hand: tests, or a platform with its own network API. */
export function manualOnlineSignal(initial = true): OnlineSignal & { set(online: boolean): void } {
  let online = initial;
  const listeners = new Set<(online: boolean) => void>();
  return {
    isOnline: () => online,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(next) {
      if (next === online) return;
      online = next;
      for (const l of [...listeners]) l(online);
    },
  };
}
