/** Small response helpers shared by the embedded server's routes. Bodies are CouchDB-shaped JSON. */
import type { Response } from 'express';

export function sendJson(res: Response, status: number, body: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.status(status).type('application/json').send(Buffer.from(JSON.stringify(body) + '\n'));
}

export interface CouchError {
  status: number;
  error: string;
  reason: string;
}

/** Map anything a PouchDB call may throw onto CouchDB's `{error, reason}` shape. */
export function toCouchError(err: unknown): CouchError {
  if (typeof err === 'object' && err !== null) {
    const e = err as { status?: unknown; name?: unknown; error?: unknown; message?: unknown; reason?: unknown };
    const status = typeof e.status === 'number' && e.status >= 400 && e.status < 600 ? e.status : 500;
    const name = typeof e.error === 'string' ? e.error : typeof e.name === 'string' ? e.name : 'unknown_error';
    const reason = typeof e.reason === 'string' ? e.reason : typeof e.message === 'string' ? e.message : String(err);
    // Plain JS errors carry `Error`/`TypeError` as name; CouchDB would say bad_request for input it cannot handle.
    const error = name === 'Error' || name === 'TypeError' ? (status === 500 ? 'unknown_error' : 'bad_request') : name;
    return { status, error, reason };
  }
  return { status: 500, error: 'unknown_error', reason: String(err) };
}

export function sendError(res: Response, err: unknown): void {
  const { status, error, reason } = toCouchError(err);
  sendJson(res, status, { error, reason });
}
