/**
 * A scriptable TCP proxy on 127.0.0.1 for sync tests: devices talk to the server through it, and a test turns
 * faults on and off while requests are under way.
 *
 *   latency(ms)   every forwarded chunk waits this long (order kept per direction)
 *   dropNew(on)   new connections are accepted and reset at once (the client sees ECONNRESET)
 *   resetAll()    every open connection is reset (RST), mid-request or mid-response
 *   blackhole()   nothing moves in either direction, on open and new connections alike; sockets stay open,
 *                 so a client only notices through its own timeout (what the stall guard is for)
 *   heal()        no faults: held data flows again, as after a network partition heals
 *
 * Bounded on purpose: it only ever connects to the one loopback port it was started for, and `close()`
 * destroys every socket it holds.
 */
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

const HOST = '127.0.0.1';

export interface FaultProxy {
  /** e.g. http://127.0.0.1:40123 — use as a device's `serverUrl`. */
  readonly url: string;
  readonly port: number;
  latency(ms: number): void;
  dropNew(on: boolean): void;
  resetAll(): void;
  blackhole(): void;
  heal(): void;
  /** Connections open right now. */
  connections(): number;
  close(): Promise<void>;
}

interface Pipe {
  readonly client: Socket;
  readonly upstream: Socket;
  /** Starts or stops reading on both sides; held chunks wait in the queues. */
  hold(on: boolean): void;
}

/** One direction of a connection: each chunk waits `delay()` ms, order is kept, and nothing moves while held. */
function channel(from: Socket, to: Socket, delay: () => number, held: () => boolean) {
  const queue: Array<{ due: number; chunk: Uint8Array }> = [];
  let timer: NodeJS.Timeout | null = null;
  let ended = false;

  const endIfDrained = () => {
    if (ended && queue.length === 0 && !held() && !to.destroyed && !to.writableEnded) to.end();
  };
  const flush = () => {
    timer = null;
    if (held()) return;
    const now = Date.now();
    for (let head = queue[0]; head && head.due <= now; head = queue[0]) {
      queue.shift();
      if (!to.destroyed && !to.write(head.chunk)) from.pause();
    }
    schedule();
    endIfDrained();
  };
  const schedule = () => {
    const head = queue[0];
    if (timer !== null || !head || held()) return;
    timer = setTimeout(flush, Math.max(0, head.due - Date.now()));
  };

  from.on('data', (chunk: Uint8Array) => {
    queue.push({ due: Date.now() + delay(), chunk });
    schedule();
  });
  from.on('end', () => {
    ended = true;
    endIfDrained();
  });
  to.on('drain', () => {
    if (!held()) from.resume();
  });
  return {
    /** After a hold: send what waited, then the end if it came. */
    release() {
      schedule();
      endIfDrained();
    },
    stop() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}

export async function startFaultProxy(targetPort: number): Promise<FaultProxy> {
  if (!Number.isInteger(targetPort) || targetPort <= 0 || targetPort > 65535) throw new Error(`not a port: ${targetPort}`);
  const pipes = new Set<Pipe>();
  let delayMs = 0;
  let dropping = false;
  let blackholed = false;

  const server = createServer({ allowHalfOpen: true }, (client) => {
    client.on('error', () => {});
    if (dropping) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect({ host: HOST, port: targetPort, allowHalfOpen: true });
    upstream.on('error', () => {});
    const isHeld = () => blackholed;
    const up = channel(client, upstream, () => delayMs, isHeld);
    const down = channel(upstream, client, () => delayMs, isHeld);
    const pipe: Pipe = {
      client,
      upstream,
      hold(on) {
        for (const socket of [client, upstream]) {
          if (on) socket.pause();
          else socket.resume();
        }
        if (!on) {
          up.release();
          down.release();
        }
      },
    };
    pipes.add(pipe);
    client.on('close', () => {
      up.stop();
      down.stop();
      upstream.destroy();
      pipes.delete(pipe);
    });
    // The server reset the connection (or could not be reached): the client sees a reset too. A clean close
    // arrives as 'end' first and is passed on after the data still queued.
    upstream.on('close', (hadError) => {
      if (hadError && !client.destroyed) client.resetAndDestroy();
    });
    if (blackholed) pipe.hold(true);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://${HOST}:${port}`,
    port,
    latency(ms) {
      if (!(ms >= 0)) throw new Error(`latency must be ≥ 0 ms, got ${ms}`);
      delayMs = ms;
    },
    dropNew(on) {
      dropping = on;
    },
    resetAll() {
      for (const pipe of [...pipes]) {
        if (!pipe.client.destroyed) pipe.client.resetAndDestroy();
        pipe.upstream.destroy();
      }
    },
    blackhole() {
      blackholed = true;
      for (const pipe of pipes) pipe.hold(true);
    },
    heal() {
      dropping = false;
      delayMs = 0;
      if (!blackholed) return;
      blackholed = false;
      for (const pipe of pipes) pipe.hold(false);
    },
    connections: () => pipes.size,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const pipe of [...pipes]) {
        pipe.client.destroy();
        pipe.upstream.destroy();
      }
      await closed;
    },
  };
}
