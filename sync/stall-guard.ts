/**
 * The watchdog for live feeds (pouchdb#9063: live sync can stop silently when a connection goes quiet).
 * It wraps the `fetch` the remote database uses: a response that delivers no bytes for `stallMs` — CouchDB
 * sends a heartbeat newline every few seconds on a live feed — is aborted, so PouchDB sees an error and the
 * controller retries, instead of waiting forever on a dead socket.
 */
import type { Timers } from './environment';

export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export class StalledError extends Error {
  constructor(readonly stallMs: number) {
    super(`no data from the server for ${stallMs} ms`);
    this.name = 'StalledError';
  }
}

export interface StallGuard {
  fetch: Fetch;
  /** Requests aborted for silence so far. */
  stalls(): number;
  /** Resolves once no request is in flight, or after `timeoutMs` (then with false). */
  idle(timeoutMs: number): Promise<boolean>;
  /** Aborts what is in flight and refuses new requests until `open()`: nothing reaches the server meanwhile. */
  close(): void;
  open(): void;
}

export function createStallGuard(inner: Fetch, timers: Timers, stallMs: number): StallGuard {
  let stalls = 0;
  let inFlight = 0;
  let closed = false;
  const controllers = new Set<AbortController>();
  let waiters: Array<() => void> = [];
  const settle = () => {
    inFlight--;
    if (inFlight === 0) {
      const ready = waiters;
      waiters = [];
      for (const wake of ready) wake();
    }
  };
  const guarded: Fetch = async (input, init = {}) => {
    if (closed) throw new DOMException('sync is stopped', 'AbortError');
    inFlight++;
    let settled = false;
    const done = () => {
      if (!settled) {
        settled = true;
        controllers.delete(controller);
        settle();
      }
    };
    const controller = new AbortController();
    controllers.add(controller);
    const outer = init.signal;
    if (outer) {
      if (outer.aborted) controller.abort(outer.reason);
      else outer.addEventListener('abort', () => controller.abort(outer.reason), { once: true });
    }
    let timer: unknown = null;
    const arm = () => {
      if (timer !== null) timers.clearTimeout(timer);
      timer = timers.setTimeout(() => {
        stalls++;
        controller.abort(new StalledError(stallMs));
      }, stallMs);
    };
    const disarm = () => {
      if (timer !== null) timers.clearTimeout(timer);
      timer = null;
    };
    arm();
    let response: Response;
    try {
      response = await inner(input, { ...init, signal: controller.signal });
    } catch (err) {
      disarm();
      done();
      throw err;
    }
    if (!response.body) {
      disarm();
      done();
      return response;
    }
    arm();
    const reader = response.body.getReader();
    const finished = done;
    const body = new ReadableStream<Uint8Array>({
      async pull(sink) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            disarm();
            finished();
            sink.close();
            return;
          }
          arm();
          sink.enqueue(value);
        } catch (err) {
          disarm();
          finished();
          sink.error(err);
        }
      },
      cancel(reason) {
        disarm();
        finished();
        return reader.cancel(reason);
      },
    });
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
  return {
    fetch: guarded,
    stalls: () => stalls,
    close() {
      closed = true;
      for (const controller of [...controllers]) controller.abort(new DOMException('sync is stopped', 'AbortError'));
    },
    open() {
      closed = false;
    },
    idle(timeoutMs) {
      if (inFlight === 0) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const timer = timers.setTimeout(() => resolve(false), timeoutMs);
        waiters.push(() => {
          timers.clearTimeout(timer);
          resolve(true);
        });
      });
    },
  };
}
