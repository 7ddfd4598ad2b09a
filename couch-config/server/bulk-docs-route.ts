/**
 * `POST /{db}/_bulk_docs`, replacing express-pouchdb's route: it refuses malformed bodies with CouchDB's 400
 * instead of a 500, gives validate_doc_update a `userCtx.db`, and answers in request order (the validation
 * plugin puts rejected docs first; clients match results to docs by position).
 */
import type { Request, Response } from 'express';
import { inRequestOrder } from './db-fixes';
import type { CouchRequest, PouchApp } from './internals';
import { requireCjs } from './internals';
import { sendError, sendJson, toCouchError } from './http';

const utils = requireCjs('express-pouchdb/lib/utils') as {
  jsonParser: import('express').RequestHandler;
  makeOpts(req: Request, opts: Record<string, unknown>): Record<string, unknown> & { userCtx?: { db?: string } };
};

interface BulkDb {
  bulkDocs(body: { docs: unknown[]; new_edits?: boolean }, opts: Record<string, unknown>): Promise<Array<Record<string, unknown>>>;
}

export function bulkDocsProblem(body: unknown): string | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'Request body must be a JSON object';
  const { docs, new_edits } = body as { docs?: unknown; new_edits?: unknown };
  if (docs === undefined) return "Missing JSON list of 'docs'";
  if (!Array.isArray(docs)) return '`docs` parameter must be an array.';
  if (!docs.every((d) => typeof d === 'object' && d !== null && !Array.isArray(d))) return 'Each document in `docs` must be a JSON object.';
  if (new_edits !== undefined && typeof new_edits !== 'boolean') return '`new_edits` parameter must be a boolean.';
  return null;
}

export function bulkDocsRoutes(app: PouchApp): void {
  app.post('/:db/_bulk_docs', utils.jsonParser, async (request: Request, res: Response) => {
    const req = request as CouchRequest;
    const problem = bulkDocsProblem(req.body);
    if (problem) {
      sendJson(res, 400, { error: 'bad_request', reason: problem });
      return;
    }
    const body = req.body as { docs: Array<{ _id?: unknown }>; new_edits?: boolean };
    const opts = utils.makeOpts(request, body.new_edits === undefined ? {} : { new_edits: body.new_edits });
    if (opts.userCtx) opts.userCtx = { ...opts.userCtx, db: req.params.db };
    try {
      const db = (req as CouchRequest & { db: BulkDb }).db;
      const results = await db.bulkDocs({ docs: body.docs, new_edits: body.new_edits }, opts);
      const shaped = results.map((r) => {
        if (!r.error) return r;
        const e = toCouchError(r);
        return { id: r.id, error: e.error, reason: e.reason };
      });
      sendJson(res, 201, inRequestOrder(body.docs, shaped));
    } catch (err) {
      sendError(res, err);
    }
  });
}
