import { describe, expect, it } from 'vitest';
import type { Outcome, SessionApi } from './api';
import type { UserCtx } from './identity';
import { MESSAGES } from './messages';
import { createIdentityMemory } from './memory';
import { createSessionStore } from './store';

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
}

function deferred<T>(): Deferred<T> {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** An api whose replies the test hands out one by one, in call order per method. */
function scriptedApi(script: {
  getSession?: Outcome<UserCtx>[];
  signIn?: Outcome<void>[];
  signOut?: Outcome<void>[];
}): SessionApi & { calls: string[] } {
  const calls: string[] = [];
  const next = <T>(list: Outcome<T>[] | undefined, method: string): Promise<Outcome<T>> => {
    calls.push(method);
    const reply = list?.shift();
    if (!reply) throw new Error(`unexpected ${method}`);
    return Promise.resolve(reply);
  };
  return {
    calls,
    getSession: () => next(script.getSession, 'getSession'),
    signIn: (name, password) => next(script.signIn, `signIn ${name}/${password}`),
    signOut: () => next(script.signOut, 'signOut'),
  };
}

const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
const anonymous = ok<UserCtx>({ name: null, roles: [] });
const ana = ok<UserCtx>({ name: 'ana', roles: ['team:north'] });

describe('session store', () => {
  it('starts checking, and a signed-in session on load shows who we are', async () => {
    const store = createSessionStore(scriptedApi({ getSession: [ana] }));
    expect(store.getState().session).toEqual({ status: 'checking' });
    await store.getState().check();
    expect(store.getState().session).toEqual({
      status: 'signed-in',
      identity: { name: 'ana', team: 'north', role: 'field' },
      notice: null,
      offline: false,
    });
  });

  it('is signed out without a notice when the server says anonymous', async () => {
    const store = createSessionStore(scriptedApi({ getSession: [anonymous] }));
    await store.getState().check();
    expect(store.getState().session).toEqual({ status: 'signed-out', notice: null });
  });

  it('is signed out with a notice when the check cannot reach the server', async () => {
    const store = createSessionStore(scriptedApi({ getSession: [{ ok: false, failure: { kind: 'unreachable' } }] }));
    await store.getState().check();
    expect(store.getState().session).toEqual({ status: 'signed-out', notice: MESSAGES.unreachable });
  });

  it('signs in (trimming the name), then reads the session', async () => {
    const api = scriptedApi({ getSession: [anonymous, ana], signIn: [ok(undefined)] });
    const store = createSessionStore(api);
    await store.getState().check();
    const signingIn = store.getState().signIn(' ana ', ' pw ');
    expect(store.getState().session).toEqual({ status: 'signing-in', name: 'ana' });
    await signingIn;
    expect(api.calls).toEqual(['getSession', 'signIn ana/ pw ', 'getSession']);
    expect(store.getState().session).toMatchObject({ status: 'signed-in', identity: { name: 'ana' } });
  });

  it('stays signed out with the wrong-password message on a 401', async () => {
    const store = createSessionStore(
      scriptedApi({ getSession: [anonymous], signIn: [{ ok: false, failure: { kind: 'unauthorized', reason: null } }] }),
    );
    await store.getState().check();
    await store.getState().signIn('ana', 'nope');
    expect(store.getState().session).toEqual({ status: 'signed-out', notice: MESSAGES.wrongPassword });
  });

  it('notices when the server accepted the password but the cookie was not kept', async () => {
    const store = createSessionStore(scriptedApi({ getSession: [anonymous, anonymous], signIn: [ok(undefined)] }));
    await store.getState().check();
    await store.getState().signIn('ana', 'pw');
    expect(store.getState().session).toEqual({ status: 'signed-out', notice: MESSAGES.cookieNotKept });
  });

  it('ignores sign-in unless signed out, and sign-out unless signed in', async () => {
    const api = scriptedApi({ getSession: [ana] });
    const store = createSessionStore(api);
    await store.getState().signOut(); // still checking
    await store.getState().check();
    await store.getState().signIn('bob', 'pw'); // already signed in
    expect(api.calls).toEqual(['getSession']);
  });

  it('signs out, and keeps the session with a notice when sign-out fails', async () => {
    const store = createSessionStore(
      scriptedApi({ getSession: [ana, anonymous], signOut: [{ ok: false, failure: { kind: 'http', status: 500, error: 'boom', reason: null } }, ok(undefined)] }),
    );
    await store.getState().check();
    const signingOut = store.getState().signOut();
    expect(store.getState().session.status).toBe('signing-out');
    await signingOut;
    expect(store.getState().session).toMatchObject({ status: 'signed-in', notice: expect.stringMatching(/still signed in/) });
    await store.getState().signOut();
    expect(store.getState().session).toEqual({ status: 'signed-out', notice: null });
  });

  it('drops a reply that arrives after the state it was for has gone', async () => {
    const late = deferred<Outcome<UserCtx>>();
    const api = scriptedApi({});
    api.getSession = () => late.promise;
    const store = createSessionStore(api);
    const checking = store.getState().check();
    store.setState({ session: { status: 'signed-out', notice: null } }); // something else moved on
    late.resolve(ana);
    await checking;
    expect(store.getState().session).toEqual({ status: 'signed-out', notice: null });
  });

  describe('the last person on this device, with no network', () => {
    const unreachable: Outcome<never> = { ok: false, failure: { kind: 'unreachable' } };
    const memory = () => createIdentityMemory(new MapStorage());

    it('re-enters offline on load after an online sign-in, and never keeps the password', async () => {
      const mem = memory();
      const online = createSessionStore(scriptedApi({ signIn: [ok(undefined)], getSession: [ana] }), {}, mem);
      online.setState({ session: { status: 'signed-out', notice: null } });
      await online.getState().signIn('ana', 'secret-pw');
      expect(JSON.stringify(mem.load())).not.toContain('secret-pw');

      const offline = createSessionStore(scriptedApi({ getSession: [unreachable] }), {}, mem);
      await offline.getState().check();
      expect(offline.getState().session).toEqual({ status: 'signed-in', identity: { name: 'ana', team: 'north', role: 'field' }, notice: null, offline: true });
    });

    it('enters at once as the remembered person, then takes the word of the server for the roles', async () => {
      const mem = memory();
      await mem.remember({ name: 'ana', team: 'north', role: 'field' }, null);
      const reply = deferred<Outcome<UserCtx>>();
      const api = scriptedApi({});
      api.getSession = () => reply.promise;
      const store = createSessionStore(api, {}, mem);
      const checking = store.getState().check();
      expect(store.getState().session).toMatchObject({ status: 'signed-in', offline: true, identity: { name: 'ana', role: 'field' } });
      reply.resolve(ok({ name: 'ana', roles: ['team:north', 'lead:north'] }));
      await checking;
      expect(store.getState().session).toEqual({ status: 'signed-in', identity: { name: 'ana', team: 'north', role: 'lead' }, notice: null, offline: false });
    });

    it('keeps working locally when the session expired; the sync asks for the password', async () => {
      const mem = memory();
      await mem.remember({ name: 'ana', team: 'north', role: 'field' }, null);
      const store = createSessionStore(scriptedApi({ getSession: [anonymous] }), {}, mem);
      await store.getState().check();
      expect(store.getState().session).toMatchObject({ status: 'signed-in', offline: true });
    });

    it('signs in offline only with the right password of the remembered person', async () => {
      const mem = memory();
      await mem.remember({ name: 'ana', team: 'north', role: 'field' }, 'secret-pw');
      const store = createSessionStore(scriptedApi({ signIn: [unreachable, unreachable, unreachable] }), {}, mem);
      store.setState({ session: { status: 'signed-out', notice: null } });
      await store.getState().signIn('ana', 'wrong-pw');
      expect(store.getState().session).toEqual({ status: 'signed-out', notice: MESSAGES.unreachable });
      await store.getState().signIn('ben', 'secret-pw');
      expect(store.getState().session).toEqual({ status: 'signed-out', notice: MESSAGES.firstSignInNeedsNetwork });
      await store.getState().signIn('ana', 'secret-pw');
      expect(store.getState().session).toMatchObject({ status: 'signed-in', offline: true, identity: { name: 'ana' } });
    });

    it('is signed out with advice when nobody signed in on this device before', async () => {
      const store = createSessionStore(scriptedApi({ getSession: [unreachable] }), {}, memory());
      await store.getState().check();
      expect(store.getState().session).toEqual({ status: 'signed-out', notice: MESSAGES.unreachable });
    });

    it('signing out forgets the person and wipes their data after the server ended the session', async () => {
      const mem = memory();
      const order: string[] = [];
      const api = scriptedApi({ getSession: [ana, anonymous], signOut: [ok(undefined)] });
      const store = createSessionStore(
        api,
        { beforeSignOut: async () => void order.push('stop sync'), afterSignOut: async (who) => void order.push(`wipe ${who.name}`) },
        mem,
      );
      await store.getState().check();
      expect(mem.load()?.identity.name).toBe('ana');
      await store.getState().signOut();
      expect(order).toEqual(['stop sync', 'wipe ana']);
      expect(mem.load()).toBeNull();
      expect(store.getState().session).toEqual({ status: 'signed-out', notice: null });
    });

    it('signs out with no network, and ends the server session before anyone is signed in by its cookie', async () => {
      const mem = memory();
      const wiped: string[] = [];
      const first = createSessionStore(scriptedApi({ getSession: [ana], signOut: [unreachable] }), { afterSignOut: async (who) => void wiped.push(who.name) }, mem);
      await first.getState().check();
      await first.getState().signOut();
      expect(first.getState().session).toEqual({ status: 'signed-out', notice: MESSAGES.signedOutOffline });
      expect(wiped).toEqual(['ana']);
      expect(mem.load()).toBeNull();

      // Next start, back online: the old cookie is dropped first, so nobody is signed in as ana.
      const api = scriptedApi({ signOut: [ok(undefined)], getSession: [anonymous] });
      const next = createSessionStore(api, {}, mem);
      await next.getState().check();
      expect(api.calls).toEqual(['signOut', 'getSession']);
      expect(next.getState().session).toEqual({ status: 'signed-out', notice: null });
      expect(mem.owesServerSignOut()).toBe(false);
    });

    it('ends a session that a late response renewed during the sign-out', async () => {
      const api = scriptedApi({ getSession: [ana, ana], signOut: [ok(undefined), ok(undefined)] });
      const store = createSessionStore(api, {}, memory());
      await store.getState().check();
      await store.getState().signOut();
      expect(api.calls).toEqual(['getSession', 'signOut', 'getSession', 'signOut']);
      expect(store.getState().session).toEqual({ status: 'signed-out', notice: null });
    });

    it('renews an expired session for the same person and says why when it cannot', async () => {
      const store = createSessionStore(scriptedApi({ getSession: [ana], signIn: [{ ok: false, failure: { kind: 'unauthorized', reason: null } }, ok(undefined)] }), {}, memory());
      await store.getState().check();
      expect(await store.getState().renew('nope')).toBe(MESSAGES.wrongPassword);
      expect(await store.getState().renew('right')).toBeNull();
    });
  });
});

/** localStorage's interface over a Map, for Node. */
class MapStorage implements Storage {
  private readonly map = new Map<string, string>();
  get length() {
    return this.map.size;
  }
  clear() {
    this.map.clear();
  }
  getItem(key: string) {
    return this.map.get(key) ?? null;
  }
  key(index: number) {
    return [...this.map.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.map.delete(key);
  }
  setItem(key: string, value: string) {
    this.map.set(key, value);
  }
}
