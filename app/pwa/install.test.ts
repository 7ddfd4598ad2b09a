import { describe, expect, it } from 'vitest';
import { createInstallStore } from './install';

/** A `beforeinstallprompt` as Chromium sends it: cancelable, with a one-shot prompt and the person's choice. */
function promptEvent(outcome: 'accepted' | 'dismissed') {
  const event = new Event('beforeinstallprompt', { cancelable: true });
  const calls = { prompts: 0 };
  return Object.assign(event, {
    calls,
    prompt() {
      calls.prompts++;
      return Promise.resolve();
    },
    userChoice: Promise.resolve({ outcome, platform: 'web' }),
  });
}

describe('install store', () => {
  it('offers nothing until the browser fires beforeinstallprompt', async () => {
    const store = createInstallStore();
    store.start(new EventTarget());
    expect(store.getState().canInstall).toBe(false);
    expect(await store.getState().install()).toBe('unavailable');
  });

  it('keeps the event (stopping the browser infobar), prompts once when asked, and reports the choice', async () => {
    const target = new EventTarget();
    const store = createInstallStore();
    store.start(target);
    const event = promptEvent('accepted');
    target.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(true);
    expect(store.getState().canInstall).toBe(true);

    const [first, second] = await Promise.all([store.getState().install(), store.getState().install()]);
    expect([first, second]).toEqual(['accepted', 'unavailable']);
    expect(event.calls.prompts).toBe(1);
    expect(store.getState().canInstall).toBe(false);
  });

  it('forgets the prompt after appinstalled (e.g. installed from the browser menu)', async () => {
    const target = new EventTarget();
    const store = createInstallStore();
    store.start(target);
    const event = promptEvent('dismissed');
    target.dispatchEvent(event);
    target.dispatchEvent(new Event('appinstalled'));
    expect(store.getState()).toMatchObject({ canInstall: false, installed: true });
    expect(await store.getState().install()).toBe('unavailable');
    expect(event.calls.prompts).toBe(0);
  });

  it('listens once however often it is started, and not after stop', () => {
    const target = new EventTarget();
    const store = createInstallStore();
    store.start(target);
    store.start(target);
    store.stop();
    target.dispatchEvent(promptEvent('accepted'));
    expect(store.getState().canInstall).toBe(false);
  });

  it('ignores an event without a prompt (not an install offer)', () => {
    const target = new EventTarget();
    const store = createInstallStore();
    store.start(target);
    const plain = new Event('beforeinstallprompt', { cancelable: true });
    target.dispatchEvent(plain);
    expect(plain.defaultPrevented).toBe(false);
    expect(store.getState().canInstall).toBe(false);
  });
});
