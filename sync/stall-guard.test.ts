/** The watchdog with fake timers: no test sleeps. */
import { describe, expect, it } from 'vitest';
import { fakeTimers } from './testing/fake-timers';
import { createStallGuard, StalledError } from './stall-guard';


/** A response whose body sends the given chunks only when told to. */
function controllableResponse() {
  let push!: (text: string) => void;
  let end!: () => void;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      push = (text) => controller.enqueue(new TextEncoder().encode(text));
      end = () => controller.close();
    },
  });
  return { response: new Response(body), push: (t: string) => push(t), end: () => end() };
}

describe('stall guard', () => {
  it('aborts a response that stays silent for stallMs, and counts it', async () => {
    const clock = fakeTimers();
    const served = controllableResponse();
    const guard = createStallGuard(async () => served.response, clock.timers, 1000);
    const res = await guard.fetch('http://x/db/_changes');
    const reader = res.body!.getReader();
    served.push('\n');
    await reader.read();
    clock.advance(999);
    served.push('{"results":[]}');
    expect((await reader.read()).done).toBe(false); // data arrived in time: re-armed
    clock.advance(1000);
    expect(guard.stalls()).toBe(1);
  });

  it('aborts a request whose answer never starts', async () => {
    const clock = fakeTimers();
    const guard = createStallGuard(
      (_input, init) =>
        new Promise<Response>((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
        }),
      clock.timers,
      500,
    );
    const pending = guard.fetch('http://x/db');
    clock.advance(500);
    await expect(pending).rejects.toBeInstanceOf(StalledError);
  });

  it('leaves no timer behind once a response is read to the end', async () => {
    const clock = fakeTimers();
    const served = controllableResponse();
    const guard = createStallGuard(async () => served.response, clock.timers, 1000);
    const res = await guard.fetch('http://x/db');
    served.push('ok');
    served.end();
    expect(await res.text()).toBe('ok');
    expect(clock.pending()).toBe(0);
  });

  it('reports idle only once every response has been read to the end', async () => {
    const clock = fakeTimers();
    const served = controllableResponse();
    const guard = createStallGuard(async () => served.response, clock.timers, 1000);
    const res = await guard.fetch('http://x/db/_changes');
    let idle: boolean | null = null;
    void guard.idle(5000).then((value) => (idle = value));
    await Promise.resolve();
    expect(idle).toBeNull();
    served.push('[]');
    served.end();
    await res.text();
    await guard.idle(5000);
    expect(idle).toBe(true);
  });
});
