/**
 * CouchDB's cookie session (`/_session`) over `fetch`, with no framework in it.
 *
 * Every call resolves to an `Outcome`; nothing throws. HTTP results are classified once, here:
 *   network error, timeout, 502/503/504 → `unreachable`   (the proxy could not reach CouchDB)
 *   401                                 → `unauthorized`
 *   2xx without CouchDB's JSON          → `bad-reply`     (e.g. /couch/ answered by a static server)
 *   any other status                    → `http` with CouchDB's `error` and `reason`
 * `fetch` is injected so tests drive it without a network.
 */
import type { UserCtx } from './identity';

export type Failure =
  | { readonly kind: 'unreachable' }
  | { readonly kind: 'unauthorized'; readonly reason: string | null }
  | { readonly kind: 'bad-reply'; readonly status: number }
  | { readonly kind: 'http'; readonly status: number; readonly error: string | null; readonly reason: string | null };

export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: Failure };

export interface SessionApi {
  /** The current `userCtx`. An anonymous 401 (CouchDB's `require_valid_user`) counts as signed out. */
  getSession(): Promise<Outcome<UserCtx>>;
  /** Asks CouchDB for an `AuthSession` cookie. */
  signIn(name: string, password: string): Promise<Outcome<void>>;
  /** Drops the `AuthSession` cookie. A 401 means there was no session left to end, which is success. */
  signOut(): Promise<Outcome<void>>;
}

export type FetchFn = (input: string, init: RequestInit) => Promise<Response>;

export interface SessionApiOptions {
  /** Where CouchDB is mounted on this origin. */
  readonly baseUrl?: string;
  readonly fetch?: FetchFn;
  /** A request that takes longer than this counts as `unreachable`. */
  readonly timeoutMs?: number;
}

const ANONYMOUS: UserCtx = { name: null, roles: [] };
const GATEWAY_STATUSES = new Set([502, 503, 504]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** `userCtx` from a `GET /_session` body, or null if the body is not one. */
export function parseUserCtx(body: unknown): UserCtx | null {
  if (!isRecord(body) || !isRecord(body.userCtx)) return null;
  const { name, roles } = body.userCtx;
  if (name !== null && typeof name !== 'string') return null;
  if (!Array.isArray(roles) || !roles.every((r): r is string => typeof r === 'string')) return null;
  return { name: name === '' ? null : name, roles };
}

/** The failure a reply stands for, or null for a 2xx. `body` is the parsed JSON, or undefined. */
export function classifyReply(status: number, body: unknown): Failure | null {
  if (status >= 200 && status < 300) return null;
  if (GATEWAY_STATUSES.has(status)) return { kind: 'unreachable' };
  const error = isRecord(body) ? stringOrNull(body.error) : null;
  const reason = isRecord(body) ? stringOrNull(body.reason) : null;
  if (status === 401) return { kind: 'unauthorized', reason };
  return { kind: 'http', status, error, reason };
}

interface Reply {
  readonly status: number;
  /** Parsed JSON, or undefined when the body is not JSON. */
  readonly body: unknown;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function createSessionApi(options: SessionApiOptions = {}): SessionApi {
  const url = `${options.baseUrl ?? '/couch'}/_session`;
  const doFetch: FetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const timeoutMs = options.timeoutMs ?? 15_000;

  async function request(method: string, body?: unknown): Promise<Reply | null> {
    const init: RequestInit = {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    };
    if (body !== undefined) init.body = JSON.stringify(body);
    try {
      const res = await doFetch(url, init);
      return { status: res.status, body: parseJson(await res.text()) };
    } catch {
      return null; // network error, abort or timeout: all mean the server is out of reach
    }
  }

  return {
    async getSession() {
      const reply = await request('GET');
      if (!reply) return { ok: false, failure: { kind: 'unreachable' } };
      if (reply.status === 401) return { ok: true, value: ANONYMOUS };
      const failure = classifyReply(reply.status, reply.body);
      if (failure) return { ok: false, failure };
      const ctx = parseUserCtx(reply.body);
      return ctx ? { ok: true, value: ctx } : { ok: false, failure: { kind: 'bad-reply', status: reply.status } };
    },

    async signIn(name, password) {
      const reply = await request('POST', { name, password });
      if (!reply) return { ok: false, failure: { kind: 'unreachable' } };
      const failure = classifyReply(reply.status, reply.body);
      if (failure) return { ok: false, failure };
      if (!isRecord(reply.body) || reply.body.ok !== true) {
        return { ok: false, failure: { kind: 'bad-reply', status: reply.status } };
      }
      return { ok: true, value: undefined };
    },

    async signOut() {
      const reply = await request('DELETE');
      if (!reply) return { ok: false, failure: { kind: 'unreachable' } };
      if (reply.status === 401) return { ok: true, value: undefined };
      const failure = classifyReply(reply.status, reply.body);
      return failure ? { ok: false, failure } : { ok: true, value: undefined };
    },
  };
}
