/**
 * `POST /{db}/_bulk_get`, replacing express-pouchdb's route. CouchDB answers one result per requested entry,
 * in request order — PouchDB asks for each missing leaf of a conflicted doc as its own entry with the same id,
 * so grouping entries by id (as PouchDB 7's bulkGet does) would lose branches — and reports a missing doc as
 * `{"error": {"id", "rev", "error": "not_found", "reason"}}` instead of `{}`.
 */
import type { Request, Response } from 'express';
import type { CouchRequest, PouchApp } from './internals';
import { requireCjs } from './internals';
import { sendError, sendJson, toCouchError } from './http';

const { jsonParser } = requireCjs('express-pouchdb/lib/utils') as { jsonParser: import('express').RequestHandler };

export interface Requested {
  id: string;
  rev?: string;
}

interface GetDb {
  get(id: string, opts: Record<string, unknown>): Promise<unknown>;
}

type Entry = { id: string; docs: Array<{ ok: unknown } | { error: { id: string; rev: string; error: string; reason: string } }> };

function notFound(entry: Requested, err: unknown) {
  const e = toCouchError(err);
  return { error: { id: entry.id, rev: entry.rev ?? 'undefined', error: e.error, reason: e.reason } };
}

export async function bulkGetEntry(db: GetDb, entry: Requested, opts: { revs: boolean; attachments: boolean }): Promise<Entry> {
  try {
    if (entry.rev === undefined) return { id: entry.id, docs: [{ ok: await db.get(entry.id, opts) }] };
    const leaves = (await db.get(entry.id, { ...opts, open_revs: [entry.rev] })) as Array<{ ok?: unknown; missing?: string }>;
    return {
      id: entry.id,
      docs: leaves.map((leaf) => (leaf.ok !== undefined ? { ok: leaf.ok } : notFound(entry, { status: 404, name: 'not_found', message: 'missing' }))),
    };
  } catch (err) {
    return { id: entry.id, docs: [notFound(entry, err)] };
  }
}

export function bulkGetProblem(body: unknown): string | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'Request body must be a JSON object';
  const docs = (body as { docs?: unknown }).docs;
  if (!Array.isArray(docs)) return "Missing JSON list of 'docs'";
  const ok = docs.every((d) => {
    if (typeof d !== 'object' || d === null) return false;
    const { id, rev } = d as { id?: unknown; rev?: unknown };
    return typeof id === 'string' && (rev === undefined || typeof rev === 'string');
  });
  return ok ? null : 'docs must be a JSON list of {id, rev} objects';
}

export function bulkGetRoutes(app: PouchApp): void {
  app.post('/:db/_bulk_get', jsonParser, async (request: Request, res: Response) => {
    const req = request as CouchRequest;
    const problem = bulkGetProblem(req.body);
    if (problem) {
      sendJson(res, 400, { error: 'bad_request', reason: problem });
      return;
    }
    const flag = (name: string) => {
      const value = req.query[name] as unknown;
      return value === true || value === 'true';
    };
    const opts = { revs: flag('revs'), attachments: flag('attachments') };
    try {
      const db = (req as CouchRequest & { db: GetDb }).db;
      const docs = (req.body as { docs: Requested[] }).docs;
      const results = await Promise.all(docs.map((entry) => bulkGetEntry(db, entry, opts)));
      sendJson(res, 200, { results });
    } catch (err) {
      sendError(res, err);
    }
  });
}
