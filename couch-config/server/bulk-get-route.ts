/**
 * `POST /{db}/_bulk_get`. Replaces express-pouchdb's route, which flattened every per-doc error to `{}`;
 * CouchDB answers a missing doc with `{"error": {"id", "rev", "error": "not_found", "reason": "missing"}}`.
 */
import type { Request, Response } from 'express';
import type { CouchRequest, PouchApp } from './internals';
import { requireCjs } from './internals';
import { sendError, sendJson } from './http';

const { jsonParser } = requireCjs('express-pouchdb/lib/utils') as { jsonParser: import('express').RequestHandler };

interface Requested {
  id?: unknown;
  rev?: unknown;
}
interface PouchBulkGetDoc {
  ok?: unknown;
  error?: { name?: string; error?: unknown; message?: string; reason?: string } | string;
}
interface PouchBulkGetEntry {
  id: string;
  docs: PouchBulkGetDoc[];
}

export function toCouchBulkGet(requested: readonly Requested[], results: readonly PouchBulkGetEntry[]) {
  return {
    results: results.map((entry, i) => ({
      id: entry.id,
      docs: entry.docs.map((doc) => {
        if (doc.ok !== undefined) return { ok: doc.ok };
        const e = typeof doc.error === 'object' && doc.error !== null ? doc.error : {};
        return {
          error: {
            id: entry.id,
            rev: typeof requested[i]?.rev === 'string' ? requested[i]?.rev : 'undefined',
            error: typeof e.error === 'string' ? e.error : (e.name ?? 'not_found'),
            reason: e.reason ?? e.message ?? 'missing',
          },
        };
      }),
    })),
  };
}

export function bulkGetRoutes(app: PouchApp): void {
  app.post('/:db/_bulk_get', jsonParser, async (request: Request, res: Response) => {
    const req = request as CouchRequest;
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      sendJson(res, 400, { error: 'bad_request', reason: 'Request body must be a JSON object' });
      return;
    }
    const docs = (body as { docs?: unknown }).docs;
    if (!Array.isArray(docs) || !docs.every((d) => typeof d === 'object' && d !== null && typeof (d as Requested).id === 'string')) {
      sendJson(res, 400, { error: 'bad_request', reason: "docs must be a JSON list of {id, rev} objects" });
      return;
    }
    const options: Record<string, unknown> = { docs };
    for (const param of ['revs', 'attachments', 'latest'] as const) {
      const value = req.query[param] as unknown;
      if (value !== undefined) options[param] = value === true || value === 'true';
    }
    try {
      const db = (req as CouchRequest & { db: { bulkGet(o: unknown): Promise<{ results: PouchBulkGetEntry[] }> } }).db;
      const response = await db.bulkGet(options);
      sendJson(res, 200, toCouchBulkGet(docs as Requested[], response.results));
    } catch (err) {
      sendError(res, err);
    }
  });
}
