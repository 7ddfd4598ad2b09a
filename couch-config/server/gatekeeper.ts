/**
 * Access control, run right after express-pouchdb has authenticated the request and before any route
 * touches a database. It applies the rules in access.ts to *every* endpoint — including `_find`,
 * `_bulk_get`, `_index` and `_explain`, which stock express-pouchdb serves without checking `_security`.
 */
import type { NextFunction, Request, Response } from 'express';
import { refusal, requiredAccess, type SecurityObject, type User } from './access';
import { SECURITY_DOC_ID } from './db-fixes';
import { openExisting, openForRequest } from './db-lifecycle';
import type { CouchRequest, PouchApp, PouchLike, PouchStatic } from './internals';
import { sendJson } from './http';

/** The stored security object, or `null` when the database has none (CouchDB 3 then treats it as admin-only). */
async function securityOf(db: PouchLike): Promise<SecurityObject | null> {
  try {
    const doc = await db.get(SECURITY_DOC_ID);
    const security = doc.security as SecurityObject | undefined;
    return security && Object.keys(security).length > 0 ? security : null;
  } catch {
    return null;
  }
}

/** The stored security object of `dbName`, or `null` when it has none or is gone (the route then answers 404). */
export async function readSecurity(PouchDB: PouchStatic, dbName: string): Promise<SecurityObject | null> {
  const db = await openExisting(PouchDB, dbName);
  return db ? securityOf(db) : null;
}

function requireValidUser(app: PouchApp): boolean {
  const value = app.couchConfig.get('chttpd', 'require_valid_user') ?? app.couchConfig.get('couch_httpd_auth', 'require_valid_user');
  return value === true || value === 'true';
}

/** Paths a client must reach before it can authenticate, even with `require_valid_user`. */
function isLoginPath(pathname: string): boolean {
  return pathname === '/_session' || pathname === '/_up';
}

export function gatekeeper(app: PouchApp) {
  return async function gatekeep(request: Request, res: Response, next: NextFunction): Promise<void> {
    const req = request as CouchRequest;
    try {
      const userCtx = req.couchSession?.userCtx ?? { name: null, roles: [] };
      const user: User = { name: userCtx.name, roles: userCtx.roles };
      const anonymous = user.name === null && !user.roles.includes('_admin');
      if (anonymous && requireValidUser(app) && !isLoginPath(req.path)) {
        sendJson(res, 401, { error: 'unauthorized', reason: 'Authentication required.' });
        return;
      }
      const need = requiredAccess(req.method, req.path);
      let security: SecurityObject | null = null;
      if (need.kind === 'db') {
        // A missing database is reported by the routes as 404 not_found, as CouchDB does.
        const db = await openForRequest(req, need.db);
        if (!db) return next();
        security = await securityOf(db);
      }
      const refused = refusal(need, user, security);
      if (refused) {
        sendJson(res, refused.status, { error: refused.error, reason: refused.reason });
        return;
      }
      next();
    } catch (err) {
      next(err);
    }
  };
}
