/**
 * The fault proxy against a small HTTP server of its own. Requests use node:http with a fresh connection each
 * (no keep-alive pool), so every request really meets the proxy's current rules.
 */
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from './fault-proxy';
import { eventually } from './harness';

let target: Server;
let targetPort: number;
let proxy: FaultProxy;
/** Requests the target saw, and ticks it wrote on /ticks streams. */
const seen: string[] = [];
let ticksWritten = 0;

beforeAll(async () => {
  target = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (req.url === '/ticks') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const tick = setInterval(() => {
        ticksWritten++;
        res.write('tick\n');
      }, 20);
      res.on('close', () => clearInterval(tick));
      return;
    }
    const chunks: Uint8Array[] = [];
    req.on('data', (c: Uint8Array) => chunks.push(c));
    req.on('end', () => res.end(Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  targetPort = (target.address() as AddressInfo).port;
});

afterAll(async () => {
  target.closeAllConnections();
  await new Promise((resolve) => target.close(resolve));
});

afterEach(async () => {
  await proxy.close();
});

async function freshProxy(): Promise<FaultProxy> {
  proxy = await startFaultProxy(targetPort);
  return proxy;
}

function echo(body: string | Buffer, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(`${proxy.url}/echo`, { method: 'POST', agent: false, signal }, (res) => {
      const chunks: Uint8Array[] = [];
      res.on('data', (c: Uint8Array) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString()));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface TickStream {
  received(): number;
  /** Settles when the response ends: 'end' when complete, else the error that cut it. */
  outcome: Promise<'end' | Error>;
  abort(): void;
}

async function ticks(): Promise<TickStream> {
  const controller = new AbortController();
  let text = '';
  let settle: (v: 'end' | Error) => void = () => {};
  const outcome = new Promise<'end' | Error>((resolve) => (settle = resolve));
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(`${proxy.url}/ticks`, { agent: false, signal: controller.signal }, resolve);
    req.on('error', (err) => {
      settle(err);
      reject(err);
    });
    req.end();
  });
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => (text += chunk));
  res.on('end', () => settle('end'));
  res.on('error', (err) => settle(err));
  res.on('close', () => settle(res.complete ? 'end' : new Error('closed before the end')));
  return { received: () => text.split('\n').length - 1, outcome, abort: () => controller.abort() };
}

/** Lets the target write `n` more ticks: time passes in the server's own steps, not in a sleep of ours. */
async function afterTicks(n: number): Promise<void> {
  const goal = ticksWritten + n;
  await eventually(`${n} more ticks`, () => (ticksWritten >= goal ? true : undefined));
}

function settled<T>(p: Promise<T>): () => boolean {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  return () => done;
}

describe('fault proxy', () => {
  it('passes data both ways, large bodies included, and adds latency', async () => {
    await freshProxy();
    const big = Buffer.alloc(2 * 1024 * 1024, 'outpost-');
    expect(await echo(big)).toBe(big.toString());
    expect(await echo('hello')).toBe('hello');

    proxy.latency(80);
    const t0 = performance.now();
    expect(await echo('slow')).toBe('slow');
    // The request waits once on the way in, the response once on the way out.
    expect(performance.now() - t0).toBeGreaterThanOrEqual(150);
  });

  it('blackhole: open and new connections go silent until a request is aborted; heal lets data flow again', async () => {
    await freshProxy();
    const stream = await ticks();
    await eventually('first ticks', () => (stream.received() >= 2 ? true : undefined));

    proxy.blackhole();
    const before = stream.received();
    const openBefore = proxy.connections();
    const requestsBefore = seen.length;
    const aborter = new AbortController();
    const hanging = echo('into the void', aborter.signal);
    const hangingDone = settled(hanging);
    // The new connection is accepted and held open.
    await eventually('accepted', () => (proxy.connections() === openBefore + 1 ? true : undefined));
    await afterTicks(10);
    expect(stream.received()).toBeLessThanOrEqual(before + 1); // at most a chunk already on its way
    expect(seen.length).toBe(requestsBefore);
    expect(hangingDone()).toBe(false);

    aborter.abort();
    await expect(hanging).rejects.toThrow(/abort/i);

    proxy.heal();
    // What the server wrote meanwhile was held, not lost: it arrives now, and more follows.
    await eventually('ticks again', () => (stream.received() > before + 10 ? true : undefined));
    expect(await echo('back')).toBe('back');
    stream.abort();
  });

  it('resetAll cuts a response mid-way; dropNew refuses new connections; heal restores', async () => {
    await freshProxy();
    const stream = await ticks();
    await eventually('first ticks', () => (stream.received() >= 2 ? true : undefined));
    proxy.resetAll();
    const outcome = await stream.outcome;
    expect(outcome).toBeInstanceOf(Error);
    expect(String(outcome)).toMatch(/ECONNRESET|closed before the end|aborted/);

    proxy.dropNew(true);
    await expect(echo('refused')).rejects.toThrow(/ECONNRESET|socket hang up/);
    proxy.heal();
    expect(await echo('again')).toBe('again');
  });

  it('close destroys every socket and stops listening', async () => {
    await freshProxy();
    const stream = await ticks();
    await eventually('first ticks', () => (stream.received() >= 1 ? true : undefined));
    await proxy.close();
    expect(await stream.outcome).toBeInstanceOf(Error);
    await expect(echo('nobody')).rejects.toThrow(/ECONNREFUSED/);
    proxy = await startFaultProxy(targetPort); // for afterEach
  });
});
