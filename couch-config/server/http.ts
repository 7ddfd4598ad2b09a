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
export function toCouchError(err: unknown, fallbackStatus = 500): CouchError {
  if (typeof err === 'object' && err !== null) {
    const e = err as { status?: unknown; name?: unknown; error?: unknown; message?: unknown; reason?: unknown };
    const status = typeof e.status === 'number' && e.status >= 400 && e.status < 600 ? e.status : fallbackStatus;
    const name = typeof e.error === 'string' ? e.error : typeof e.name === 'string' ? e.name : 'unknown_error';
    const reason = typeof e.reason === 'string' ? e.reason : typeof e.message === 'string' ? e.message : String(err);
    // Plain JS errors carry `Error`/`TypeError` as name; CouchDB would say bad_request for input it cannot handle.
    let error = name === 'Error' || name === 'TypeError' ? (status === 500 ? 'unknown_error' : 'bad_request') : name;
    // pouchdb-find's words for "no index can serve this sort"; CouchDB names it no_usable_index.
    if (status === 400 && /^Cannot sort on field/.test(reason)) error = 'no_usable_index';
    return { status, error, reason };
  }
  return { status: fallbackStatus, error: fallbackStatus === 500 ? 'unknown_error' : 'bad_request', reason: String(err) };
}

export function sendError(res: Response, err: unknown): void {
  const { status, error, reason } = toCouchError(err);
  sendJson(res, status, { error, reason });
}

/**
 * express-pouchdb's routes answer errors through `utils.sendError`, which reports PouchDB's generic `message`
 * ("missing") where CouchDB gives the specific `reason` ("deleted"). Route them through toCouchError instead.
 */
export function installCouchErrors(utils: { sendError: (res: Response, err: unknown, baseStatus?: number) => void }): void {
  utils.sendError = (res, err, baseStatus) => {
    const e = toCouchError(err, baseStatus);
    sendJson(res, e.status, { error: e.error, reason: e.reason });
  };
}
