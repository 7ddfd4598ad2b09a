import { describe, expect, it } from 'vitest';
import { createUpdateStore, type RegisterOptions } from './updates';

function fakeRegister() {
  const fake = { options: null as RegisterOptions | null, registrations: 0, activations: [] as (boolean | undefined)[] };
  const register = (options: RegisterOptions) => {
    fake.options = options;
    fake.registrations++;
    return (reloadPage?: boolean) => {
      fake.activations.push(reloadPage);
      return Promise.resolve();
    };
  };
  return { fake, register };
}

describe('update store', () => {
  it('registers once, however often it is started', () => {
    const { fake, register } = fakeRegister();
    const store = createUpdateStore(register);
    store.start();
    store.start();
    expect(fake.registrations).toBe(1);
  });

  it('shows offline-ready, then a waiting update that the person can apply', async () => {
    const { fake, register } = fakeRegister();
    const store = createUpdateStore(register);
    store.start();
    fake.options?.onOfflineReady();
    expect(store.getState()).toMatchObject({ offlineReady: true, needRefresh: false });
    fake.options?.onNeedRefresh();
    expect(store.getState()).toMatchObject({ offlineReady: false, needRefresh: true });
    await store.getState().update();
    expect(fake.activations).toEqual([true]);
    expect(store.getState().needRefresh).toBe(false);
  });

  it('can be dismissed, and logs registration errors instead of throwing', () => {
    const { fake, register } = fakeRegister();
    const logged: string[] = [];
    const store = createUpdateStore(register, (m) => logged.push(m));
    store.start();
    fake.options?.onNeedRefresh();
    store.getState().dismiss();
    expect(store.getState()).toMatchObject({ offlineReady: false, needRefresh: false });
    fake.options?.onRegisterError(new Error('SecurityError'));
    expect(logged).toEqual(['Outpost could not install its offline worker: Error: SecurityError']);
  });
});
