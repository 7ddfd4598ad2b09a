/**
 * `GET|PUT /{db}/_security` with CouchDB 3 semantics: a database whose security was never set reports (and
 * is enforced as) admin-only; a PUT must be well-formed. Who may call it is decided by the gatekeeper.
 */
import type { Request, Response } from 'express';
import { DEFAULT_SECURITY, normaliseSecurity } from './access';
import { SECURITY_DOC_ID, SECURITY_WRITE } from './db-fixes';
import { readSecurity } from './gatekeeper';
import type { CouchRequest, PouchApp, PouchLike } from './internals';
import { requireCjs } from './internals';
import { sendError, sendJson } from './http';

const { jsonParser } = requireCjs('express-pouchdb/lib/utils') as { jsonParser: import('express').RequestHandler };

type DbRequest = CouchRequest & { db: PouchLike };

export function securityRoutes(app: PouchApp): void {
  app.get('/:db/_security', async (request: Request, res: Response) => {
    const req = request as CouchRequest;
    try {
      sendJson(res, 200, (await readSecurity(req.PouchDB, req.params.db ?? '')) ?? DEFAULT_SECURITY);
    } catch (err) {
      sendError(res, err);
    }
  });
  app.put('/:db/_security', jsonParser, async (request: Request, res: Response) => {
    const req = request as CouchRequest;
    const security = normaliseSecurity(req.body);
    if ('invalid' in security) {
      sendJson(res, 400, { error: 'bad_request', reason: security.invalid });
      return;
    }
    try {
      const db = (req as DbRequest).db;
      const existing = await db.get(SECURITY_DOC_ID).catch(() => ({ _id: SECURITY_DOC_ID }));
      await db.put({ ...existing, security }, { [SECURITY_WRITE]: true });
      sendJson(res, 200, { ok: true });
    } catch (err) {
      sendError(res, err);
    }
  });
}
