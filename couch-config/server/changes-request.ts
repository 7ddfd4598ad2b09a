/**
 * Turns a CouchDB `_changes` request (query string + optional POST body) into PouchDB 7 changes options,
 * or a CouchDB-shaped 400. Pure, so every malformed request is refused before a feed is opened.
 */
import type { CouchError } from './http';

export type Feed = 'normal' | 'longpoll' | 'continuous';

export interface ChangesRequest {
  feed: Feed;
  /** PouchDB changes options (never `live`; the route decides that). */
  options: Record<string, unknown>;
  heartbeatMs: number | null;
  timeoutMs: number | null;
  /** For `filter=ddoc/name`: the design doc and filter that must exist. */
  designFilter: { ddoc: string; name: string } | null;
}

const DEFAULT_HEARTBEAT_MS = 60_000;
const BOOLEAN_PARAMS = ['descending', 'include_docs', 'conflicts', 'attachments', 'att_encoding_info'] as const;

type Query = Record<string, unknown>;

function bad(reason: string): { error: CouchError } {
  return { error: { status: 400, error: 'bad_request', reason } };
}

function asBoolean(value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return undefined;
}

function asNonNegativeInt(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** Sequences are opaque to clients; this server's are integers, so anything else it cannot resume from. */
function parseSince(value: unknown): number | 'now' | undefined | { invalid: true } {
  if (value === undefined || value === '') return undefined;
  if (value === 'now') return 'now';
  const n = asNonNegativeInt(value);
  return n === undefined ? { invalid: true } : n;
}

export function parseChangesRequest(query: Query, body: unknown): ChangesRequest | { error: CouchError } {
  const bodyObj = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const options: Record<string, unknown> = {};

  const feed = query.feed ?? 'normal';
  if (feed !== 'normal' && feed !== 'longpoll' && feed !== 'continuous') {
    return bad(`feed must be one of normal, longpoll or continuous, not ${JSON.stringify(feed)}`);
  }

  const since = parseSince(query.since);
  if (typeof since === 'object') return bad(`since must be a sequence this server issued, or "now"; got ${JSON.stringify(query.since)}`);
  if (since !== undefined) options.since = since;

  if (query.limit !== undefined) {
    const limit = asNonNegativeInt(query.limit);
    if (limit === undefined) return bad(`limit must be a non-negative integer, got ${JSON.stringify(query.limit)}`);
    // CouchDB treats limit=0 as limit=1.
    options.limit = Math.max(limit, 1);
  }

  for (const param of BOOLEAN_PARAMS) {
    if (query[param] === undefined) continue;
    const value = asBoolean(query[param]);
    if (value === undefined) return bad(`${param} must be true or false`);
    options[param] = value;
  }

  if (query.style !== undefined) {
    if (query.style !== 'main_only' && query.style !== 'all_docs') return bad('style must be main_only or all_docs');
    options.style = query.style;
  }

  let heartbeatMs: number | null = null;
  if (query.heartbeat !== undefined) {
    const beat = query.heartbeat === true || query.heartbeat === 'true' ? DEFAULT_HEARTBEAT_MS : asNonNegativeInt(query.heartbeat);
    if (beat === undefined || beat === 0) return bad('heartbeat must be a positive number of milliseconds or true');
    heartbeatMs = beat;
  }
  let timeoutMs: number | null = null;
  if (query.timeout !== undefined) {
    const timeout = asNonNegativeInt(query.timeout);
    if (timeout === undefined) return bad('timeout must be a non-negative number of milliseconds');
    timeoutMs = timeout;
  }

  let designFilter: ChangesRequest['designFilter'] = null;
  const filter = query.filter;
  if (filter !== undefined && filter !== '') {
    if (typeof filter !== 'string') return bad('filter must be a string');
    if (filter === '_selector') {
      const selector = bodyObj.selector;
      if (typeof selector !== 'object' || selector === null || Array.isArray(selector)) {
        return bad('Selector must be specified in POST payload');
      }
      options.selector = selector;
    } else if (filter === '_doc_ids') {
      const docIds = bodyObj.doc_ids ?? query.doc_ids;
      if (!Array.isArray(docIds) || !docIds.every((id) => typeof id === 'string')) {
        return bad('filter=_doc_ids needs doc_ids: a JSON list of document ids');
      }
      options.doc_ids = docIds;
    } else if (filter === '_design') {
      options.filter = (doc: { _id: string }) => doc._id.startsWith('_design/');
    } else if (filter === '_view') {
      const view = query.view;
      if (typeof view !== 'string' || !/^[^/]+\/[^/]+$/.test(view)) return bad('filter=_view needs view=designname/viewname');
      options.filter = '_view';
      options.view = view;
    } else {
      const match = /^([^/]+)\/([^/]+)$/.exec(filter);
      if (!match || !match[1] || !match[2]) return bad('filter parameter must be of the form `designname/filtername`');
      designFilter = { ddoc: match[1], name: match[2] };
      options.filter = filter;
      const queryParams: Query = { ...query };
      options.query_params = queryParams;
    }
  }

  return { feed, options, heartbeatMs, timeoutMs, designFilter };
}
