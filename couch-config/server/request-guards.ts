/**
 * Input checks CouchDB makes before it touches a database, and express-pouchdb does not (it answered these with
 * a 500, a crash, or a silent 200). Each problem becomes the 4xx CouchDB sends, naming the parameter and why.
 * Runs right after the gatekeeper, so it only ever sees requests the user was allowed to make.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { splitPath } from './access';
import { sendJson } from './http';
import type { PouchApp } from './internals';

export interface Problem {
  status: 400 | 415;
  error: string;
  reason: string;
}

/** POST endpoints whose body must be a JSON object. */
const JSON_OBJECT_ENDPOINTS = new Set(['_bulk_docs', '_bulk_get', '_revs_diff', '_missing_revs', '_find', '_explain', '_index', '_all_docs', '_purge']);
const BOOLEAN_QUERY = ['descending', 'include_docs', 'conflicts', 'inclusive_end', 'update_seq', 'attachments', 'att_encoding_info', 'sorted'];
const JSON_QUERY = ['key', 'keys', 'startkey', 'endkey', 'start_key', 'end_key'];
const REV = /^\d+-[0-9a-zA-Z]+$/;
/** Database endpoints written with PUT, which are not document ids. */
const PUT_ENDPOINTS = new Set(['_security', '_revs_limit', '_purged_infos_limit']);

const bad = (reason: string, error = 'bad_request'): Problem => ({ status: 400, error, reason });

function isJsonType(req: Request): boolean {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || type.endsWith('+json');
}

function parseJson(raw: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch {
    return { ok: false };
  }
}

/** `_all_docs` (and the keys of any query) parameters, checked on the raw query string. */
export function allDocsQueryProblem(query: URLSearchParams): Problem | null {
  for (const name of ['limit', 'skip']) {
    const raw = query.get(name);
    if (raw === null) continue;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n)) {
      return bad(Number.isSafeInteger(n) || !/^\d+$/.test(raw) ? `Invalid value for ${name}: "${raw}" must be a non-negative integer` : `${name} is too large: "${raw}"`, 'query_parse_error');
    }
  }
  for (const name of BOOLEAN_QUERY) {
    const raw = query.get(name);
    if (raw !== null && raw !== 'true' && raw !== 'false') return bad(`Invalid boolean parameter: "${name}=${raw}"`, 'query_parse_error');
  }
  for (const name of JSON_QUERY) {
    const raw = query.get(name);
    if (raw !== null && !parseJson(raw).ok) return bad(`${name} must be JSON, e.g. ${name}="${raw}"`);
  }
  return null;
}

/** `GET /db/doc` parameters. */
export function docQueryProblem(query: URLSearchParams): Problem | null {
  const rev = query.get('rev');
  if (rev !== null && !REV.test(rev)) return bad('Invalid rev format');
  const openRevs = query.get('open_revs');
  if (openRevs !== null && openRevs !== 'all') {
    const parsed = parseJson(openRevs);
    if (!parsed.ok || !Array.isArray(parsed.value) || !parsed.value.every((r) => typeof r === 'string' && REV.test(r))) {
      return bad('open_revs must be "all" or a JSON list of revisions');
    }
  }
  return null;
}

export function docIdProblem(id: string): Problem | null {
  if (id.startsWith('_') && !id.startsWith('_design/') && !id.startsWith('_local/')) {
    return bad('Only reserved document ids may start with underscore.', 'illegal_docid');
  }
  return null;
}

function nonNegative(body: Record<string, unknown>, field: string): Problem | null {
  const value = body[field];
  if (value === undefined) return null;
  return typeof value === 'number' && Number.isInteger(value) && value >= 0
    ? null
    : bad(`${field} must be a non-negative integer`, 'invalid_non_neg_integer');
}

/** Checks on a JSON body already known to be an object. */
export function bodyProblem(endpoint: string | undefined, body: Record<string, unknown>): Problem | null {
  if (endpoint === '_find' || endpoint === '_explain') return nonNegative(body, 'limit') ?? nonNegative(body, 'skip');
  if (endpoint === undefined && typeof body._id === 'string') return docIdProblem(body._id);
  return null;
}

export function requestGuards(app: PouchApp) {
  const readJson = express.text({
    type: () => true,
    limit: Number(app.couchConfig.get('couchdb', 'max_document_size')) || 8_000_000,
  });
  return function guard(req: Request, res: Response, next: NextFunction): void {
    const refuse = (p: Problem) => sendJson(res, p.status, { error: p.error, reason: p.reason });
    const segments = splitPath(req.path);
    const db = segments[0];
    if (db === undefined || db.startsWith('_')) return next();
    const rest = segments.slice(1).map((s) => decodeURIComponent(s));
    const query = new URLSearchParams(req.originalUrl.split('?')[1] ?? '');
    const endpoint = rest[0];

    if (endpoint === '_all_docs' || endpoint === '_design_docs' || endpoint === '_local_docs') {
      const problem = allDocsQueryProblem(query);
      if (problem) return refuse(problem);
    }
    const isDocPath = endpoint !== undefined && (!endpoint.startsWith('_') || ((endpoint === '_design' || endpoint === '_local') && rest.length === 2));
    const docId = endpoint?.startsWith('_') && endpoint !== '_design' && endpoint !== '_local' ? endpoint : rest.slice(0, endpoint === '_design' || endpoint === '_local' ? 2 : 1).join('/');
    if ((req.method === 'GET' || req.method === 'HEAD') && isDocPath) {
      const problem = docQueryProblem(query);
      if (problem) return refuse(problem);
    }
    if ((req.method === 'PUT' || req.method === 'COPY') && rest.length === 1 && endpoint !== undefined && !PUT_ENDPOINTS.has(endpoint)) {
      const problem = docIdProblem(docId);
      if (problem) return refuse(problem);
    }

    const needsObject = req.method === 'POST' && (rest.length === 0 || (rest.length === 1 && endpoint !== undefined && JSON_OBJECT_ENDPOINTS.has(endpoint)));
    if (!needsObject) return next();
    if (!isJsonType(req)) {
      if (rest.length === 0) return next(); // POST /db also takes form uploads
      return refuse({ status: 415, error: 'bad_content_type', reason: 'Content-Type must be application/json' });
    }
    readJson(req, res, (err?: unknown) => {
      if (err) return next(err);
      const raw = typeof req.body === 'string' ? req.body : '';
      const parsed = parseJson(raw);
      if (!parsed.ok) return refuse(bad('invalid_json'));
      const body = parsed.value;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) return refuse(bad('Request body must be a JSON object'));
      const problem = bodyProblem(rest.length === 0 ? undefined : endpoint, body as Record<string, unknown>);
      if (problem) return refuse(problem);
      // Hand the parsed body on; express-pouchdb's parser sees it is already read.
      req.body = body;
      next();
    });
  };
}
