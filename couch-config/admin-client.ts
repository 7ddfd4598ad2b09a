/**
 * A small HTTP client for CouchDB as server admin, used by provisioning, the CLI and tests.
 * Works the same against the embedded server and a real CouchDB 3 cluster.
 */

export class CouchHttpError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly reason: string,
    readonly request: string,
  ) {
    super(`${request} → ${status} ${error}: ${reason}`);
    this.name = 'CouchHttpError';
  }
}

export interface CouchResponse<T = unknown> {
  status: number;
  body: T;
}

export interface AdminClient {
  readonly url: string;
  /** Resolves for any status; use `ok` for "2xx or throw". */
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<CouchResponse<T>>;
  ok<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
}

export interface Credentials {
  user: string;
  password: string;
}

export function basicAuth({ user, password }: Credentials): string {
  return 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
}

export function createAdminClient(url: string, admin: Credentials): AdminClient {
  const base = url.replace(/\/$/, '');
  const authorization = basicAuth(admin);
  async function request<T>(method: string, path: string, body?: unknown): Promise<CouchResponse<T>> {
    const init: RequestInit = {
      method,
      headers: { authorization, accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    };
    let res: Response;
    try {
      res = await fetch(base + path, init);
    } catch (err) {
      // A keep-alive socket left over from a restarted server fails once; a second try opens a new one.
      if ((err as { cause?: { code?: string } }).cause?.code !== 'UND_ERR_SOCKET') throw err;
      res = await fetch(base + path, init);
    }
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  }
  return {
    url: base,
    request,
    async ok<T>(method: string, path: string, body?: unknown): Promise<T> {
      const res = await request<T & { error?: string; reason?: string }>(method, path, body);
      if (res.status >= 400) {
        throw new CouchHttpError(res.status, res.body?.error ?? 'error', res.body?.reason ?? '', `${method} ${path}`);
      }
      return res.body;
    },
  };
}
