import { describe, expect, it } from 'vitest';
import { classifyReply, createSessionApi, parseUserCtx, type FetchFn } from './api';

interface Call {
  readonly url: string;
  readonly init: RequestInit;
}

/** A fetch that answers every call with `reply` (or throws it), recording what it was asked. */
function fakeFetch(reply: Response | Error): { fetch: FetchFn; calls: Call[] } {
  const calls: Call[] = [];
  const fetch: FetchFn = (url, init) => {
    calls.push({ url, init });
    return reply instanceof Error ? Promise.reject(reply) : Promise.resolve(reply.clone());
  };
  return { fetch, calls };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

describe('classifyReply', () => {
  it('is null for 2xx', () => {
    expect(classifyReply(200, {})).toBeNull();
    expect(classifyReply(201, undefined)).toBeNull();
  });

  it('treats the proxy’s gateway errors as unreachable', () => {
    for (const status of [502, 503, 504]) expect(classifyReply(status, undefined)).toEqual({ kind: 'unreachable' });
  });

  it('reads 401 as unauthorized, with the reason', () => {
    expect(classifyReply(401, { error: 'unauthorized', reason: 'Name or password is incorrect.' })).toEqual({
      kind: 'unauthorized',
      reason: 'Name or password is incorrect.',
    });
  });

  it("keeps CouchDB's error and reason for other statuses, and copes with non-JSON bodies", () => {
    expect(classifyReply(500, { error: 'unknown_error', reason: 'badarg' })).toEqual({
      kind: 'http',
      status: 500,
      error: 'unknown_error',
      reason: 'badarg',
    });
    expect(classifyReply(404, undefined)).toEqual({ kind: 'http', status: 404, error: null, reason: null });
    expect(classifyReply(403, ['not', 'an', 'object'])).toEqual({ kind: 'http', status: 403, error: null, reason: null });
  });
});

describe('parseUserCtx', () => {
  it('reads name and roles', () => {
    expect(parseUserCtx({ ok: true, userCtx: { name: 'ana', roles: ['team:north'] } })).toEqual({ name: 'ana', roles: ['team:north'] });
    expect(parseUserCtx({ ok: true, userCtx: { name: null, roles: [] } })).toEqual({ name: null, roles: [] });
  });

  it('rejects bodies that are not a session', () => {
    expect(parseUserCtx(undefined)).toBeNull();
    expect(parseUserCtx('<!doctype html>')).toBeNull();
    expect(parseUserCtx({ ok: true })).toBeNull();
    expect(parseUserCtx({ userCtx: { name: 3, roles: [] } })).toBeNull();
    expect(parseUserCtx({ userCtx: { name: 'a', roles: [1] } })).toBeNull();
  });
});

describe('createSessionApi', () => {
  it('posts JSON credentials to /couch/_session with same-origin cookies', async () => {
    const { fetch, calls } = fakeFetch(json(200, { ok: true, name: 'ana', roles: ['team:north'] }));
    const api = createSessionApi({ fetch });
    expect(await api.signIn('ana', 's3cret')).toEqual({ ok: true, value: undefined });
    const [call] = calls;
    expect(call?.url).toBe('/couch/_session');
    expect(call?.init.method).toBe('POST');
    expect(call?.init.credentials).toBe('same-origin');
    expect(new Headers(call?.init.headers).get('Content-Type')).toBe('application/json');
    expect(JSON.parse(String(call?.init.body))).toEqual({ name: 'ana', password: 's3cret' });
  });

  it('reports a wrong password as unauthorized', async () => {
    const { fetch } = fakeFetch(json(401, { error: 'unauthorized', reason: 'Name or password is incorrect.' }));
    expect(await createSessionApi({ fetch }).signIn('ana', 'nope')).toEqual({
      ok: false,
      failure: { kind: 'unauthorized', reason: 'Name or password is incorrect.' },
    });
  });

  it('reports a thrown fetch as unreachable', async () => {
    const { fetch } = fakeFetch(new TypeError('Failed to fetch'));
    const api = createSessionApi({ fetch });
    const unreachable = { ok: false, failure: { kind: 'unreachable' } };
    expect(await api.signIn('ana', 'x')).toEqual(unreachable);
    expect(await api.getSession()).toEqual(unreachable);
    expect(await api.signOut()).toEqual(unreachable);
  });

  it('reports a 2xx that is not CouchDB (an HTML page) as a bad reply', async () => {
    const { fetch } = fakeFetch(new Response('<!doctype html><title>Outpost</title>', { status: 200 }));
    const api = createSessionApi({ fetch });
    expect(await api.getSession()).toEqual({ ok: false, failure: { kind: 'bad-reply', status: 200 } });
    expect(await api.signIn('ana', 'x')).toEqual({ ok: false, failure: { kind: 'bad-reply', status: 200 } });
  });

  it('reads the userCtx on GET', async () => {
    const { fetch, calls } = fakeFetch(json(200, { ok: true, userCtx: { name: 'leo', roles: ['lead:north', 'team:north'] } }));
    expect(await createSessionApi({ fetch, baseUrl: '/db' }).getSession()).toEqual({
      ok: true,
      value: { name: 'leo', roles: ['lead:north', 'team:north'] },
    });
    expect(calls[0]?.url).toBe('/db/_session');
    expect(calls[0]?.init.method).toBe('GET');
  });

  it('treats an anonymous 401 on GET (require_valid_user) as signed out, not an error', async () => {
    const { fetch } = fakeFetch(json(401, { error: 'unauthorized', reason: 'Authentication required.' }));
    expect(await createSessionApi({ fetch }).getSession()).toEqual({ ok: true, value: { name: null, roles: [] } });
  });

  it('sends DELETE to sign out, and counts a 401 as already signed out', async () => {
    const ok = fakeFetch(json(200, { ok: true }));
    expect(await createSessionApi({ fetch: ok.fetch }).signOut()).toEqual({ ok: true, value: undefined });
    expect(ok.calls[0]?.init.method).toBe('DELETE');
    const gone = fakeFetch(json(401, { error: 'unauthorized', reason: 'Authentication required.' }));
    expect(await createSessionApi({ fetch: gone.fetch }).signOut()).toEqual({ ok: true, value: undefined });
  });

  it('passes an abort signal so a hung request ends as unreachable', async () => {
    const calls: RequestInit[] = [];
    const fetch: FetchFn = (_url, init) =>
      new Promise((_resolve, reject) => {
        calls.push(init);
        init.signal?.addEventListener('abort', () => reject(new DOMException('timed out', 'TimeoutError')));
      });
    expect(await createSessionApi({ fetch, timeoutMs: 5 }).getSession()).toEqual({ ok: false, failure: { kind: 'unreachable' } });
    expect(calls[0]?.signal?.aborted).toBe(true);
  });
});
