/**
 * The `_replicator` daemon of the embedded server: each document in `_replicator` describes a replication
 * (CouchDB 3 form: `source`/`target` as URLs or `{url, headers, auth: {basic: {username, password}}}`,
 * optional `selector`, `doc_ids`, `filter`, `query_params`, `continuous`), which runs inside the server over
 * HTTP with the document's credentials — so `_security` applies to it as to any client.
 *
 * Like CouchDB 3, running state is not written back into continuous replication documents; it is kept here
 * (see `status()`). One-shot replications get `_replication_state: "completed"` or `"failed"`.
 */
import type { ChangeRow, ChangesFeed, PouchLike, PouchStatic, ReplicationHandle } from './internals';

export const REPLICATOR_DB = '_replicator';
export const USERS_DB = '_users';

export type ReplicationState = 'running' | 'completed' | 'failed' | 'crashing';

export interface ReplicationStatus {
  docId: string;
  state: ReplicationState;
  source: string;
  target: string;
  docsRead: number;
  docsWritten: number;
  docWriteFailures: number;
  lastError: string | null;
  lastUpdated: string;
}

export interface Replicator {
  status(): ReplicationStatus[];
  stop(): Promise<void>;
}

interface Endpoint {
  url: string;
  headers: Record<string, string>;
}

type ParsedDoc = { ok: true; source: Endpoint; target: Endpoint; options: Record<string, unknown>; continuous: boolean } | { ok: false; reason: string };

const STATE_FIELDS = ['_replication_state', '_replication_state_time', '_replication_state_reason', '_replication_stats', '_replication_id'];

/** A replication endpoint: a URL (credentials in its user-info allowed) or `{url, headers, auth}`. */
export function parseEndpoint(value: unknown, field: string): Endpoint | { invalid: string } {
  const raw = typeof value === 'string' ? { url: value } : value;
  if (typeof raw !== 'object' || raw === null || typeof (raw as { url?: unknown }).url !== 'string') {
    return { invalid: `${field} must be a URL or an object with a url` };
  }
  const obj = raw as { url: string; headers?: unknown; auth?: { basic?: { username?: unknown; password?: unknown } } };
  let url: URL;
  try {
    url = new URL(obj.url);
  } catch {
    return { invalid: `${field}.url must be an absolute http(s) URL; local database names are not supported` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { invalid: `${field}.url must use http or https` };
  const headers: Record<string, string> = {};
  if (obj.headers !== undefined) {
    if (typeof obj.headers !== 'object' || obj.headers === null) return { invalid: `${field}.headers must be an object` };
    for (const [k, v] of Object.entries(obj.headers)) if (typeof v === 'string') headers[k] = v;
  }
  let username = decodeURIComponent(url.username);
  let password = decodeURIComponent(url.password);
  const basic = obj.auth?.basic;
  if (basic !== undefined) {
    if (typeof basic.username !== 'string' || typeof basic.password !== 'string') {
      return { invalid: `${field}.auth.basic needs a username and a password` };
    }
    username = basic.username;
    password = basic.password;
  }
  if (username) headers.Authorization = 'Basic ' + Buffer.from(`${username}:${password}`).toString('base64');
  url.username = '';
  url.password = '';
  return { url: url.toString().replace(/\/$/, ''), headers };
}

export function parseReplicationDoc(doc: Record<string, unknown>): ParsedDoc {
  const source = parseEndpoint(doc.source, 'source');
  if ('invalid' in source) return { ok: false, reason: source.invalid };
  const target = parseEndpoint(doc.target, 'target');
  if ('invalid' in target) return { ok: false, reason: target.invalid };
  const options: Record<string, unknown> = {};
  if (doc.selector !== undefined) {
    if (typeof doc.selector !== 'object' || doc.selector === null || Array.isArray(doc.selector)) return { ok: false, reason: 'selector must be an object' };
    options.selector = doc.selector;
  }
  if (doc.doc_ids !== undefined) {
    if (!Array.isArray(doc.doc_ids) || !doc.doc_ids.every((id) => typeof id === 'string')) return { ok: false, reason: 'doc_ids must be a list of strings' };
    options.doc_ids = doc.doc_ids;
  }
  if (doc.filter !== undefined) {
    if (typeof doc.filter !== 'string') return { ok: false, reason: 'filter must be a string' };
    options.filter = doc.filter;
    if (doc.query_params !== undefined) options.query_params = doc.query_params;
  }
  if (typeof doc.batch_size === 'number') options.batch_size = doc.batch_size;
  return { ok: true, source, target, options, continuous: doc.continuous === true };
}

/** What identifies a replication: the doc without the fields the daemon itself writes. */
function signature(doc: Record<string, unknown>): string {
  const copy: Record<string, unknown> = { ...doc };
  delete copy._rev;
  for (const field of STATE_FIELDS) delete copy[field];
  return JSON.stringify(copy);
}

interface Running {
  signature: string;
  handle: ReplicationHandle | null;
  status: ReplicationStatus;
}

function describe(endpoint: Endpoint): string {
  const url = new URL(endpoint.url);
  return `${url.origin}${url.pathname}`;
}

export async function ensureSystemDatabases(PouchDB: PouchStatic): Promise<void> {
  for (const name of [USERS_DB, REPLICATOR_DB]) await new PouchDB(name).info();
}

export async function startReplicator(PouchDB: PouchStatic, HttpPouch: PouchStatic): Promise<Replicator> {
  await ensureSystemDatabases(PouchDB);
  const db: PouchLike = new PouchDB(REPLICATOR_DB);
  const running = new Map<string, Running>();
  let stopped = false;

  const remote = (endpoint: Endpoint) => new HttpPouch(endpoint.url, { skip_setup: true, headers: endpoint.headers });

  async function recordOutcome(docId: string, fields: Record<string, unknown>): Promise<void> {
    for (let attempt = 0; attempt < 5 && !stopped; attempt++) {
      try {
        const current = await db.get(docId);
        await db.put({ ...current, ...fields, _replication_state_time: new Date().toISOString() });
        return;
      } catch (err) {
        if ((err as { status?: number }).status !== 409) return;
      }
    }
  }

  function stopOne(docId: string): void {
    running.get(docId)?.handle?.cancel();
    running.delete(docId);
  }

  function onDoc(doc: Record<string, unknown>): void {
    const docId = String(doc._id);
    if (docId.startsWith('_design/')) return;
    if (doc._deleted) return stopOne(docId);
    const sig = signature(doc);
    if (running.get(docId)?.signature === sig) return; // our own state write, or no real change
    stopOne(docId);
    if (doc._replication_state === 'completed' || doc._replication_state === 'failed') {
      running.set(docId, { signature: sig, handle: null, status: statusFrom(docId, doc._replication_state, '', '', null) });
      return;
    }
    const parsed = parseReplicationDoc(doc);
    if (!parsed.ok) {
      running.set(docId, { signature: sig, handle: null, status: statusFrom(docId, 'failed', '', '', parsed.reason) });
      void recordOutcome(docId, { _replication_state: 'failed', _replication_state_reason: parsed.reason });
      return;
    }
    const status = statusFrom(docId, 'running', describe(parsed.source), describe(parsed.target), null);
    const handle = HttpPouch.replicate(remote(parsed.source), remote(parsed.target), {
      ...parsed.options,
      live: parsed.continuous,
      retry: parsed.continuous,
    });
    running.set(docId, { signature: sig, handle, status });
    const touch = () => (status.lastUpdated = new Date().toISOString());
    handle.on('change', (info) => {
      const i = info as { docs_read?: number; docs_written?: number; doc_write_failures?: number };
      status.docsRead = i.docs_read ?? status.docsRead;
      status.docsWritten = i.docs_written ?? status.docsWritten;
      status.docWriteFailures = i.doc_write_failures ?? status.docWriteFailures;
      status.state = 'running';
      touch();
    });
    handle.on('paused', (err) => {
      status.state = err ? 'crashing' : 'running';
      status.lastError = err ? errorText(err) : null;
      touch();
    });
    handle.on('active', () => {
      status.state = 'running';
      touch();
    });
    handle.on('complete', (info) => {
      if (stopped || running.get(docId)?.handle !== handle || parsed.continuous) return;
      status.state = 'completed';
      touch();
      void recordOutcome(docId, { _replication_state: 'completed', _replication_stats: info });
    });
    handle.on('error', (err) => {
      if (stopped || running.get(docId)?.handle !== handle) return;
      status.state = 'failed';
      status.lastError = errorText(err);
      touch();
      void recordOutcome(docId, { _replication_state: 'failed', _replication_state_reason: status.lastError });
    });
  }

  const existing = await db.allDocs({ include_docs: true });
  for (const row of existing.rows) if (row.doc) onDoc(row.doc);
  const feed: ChangesFeed = db.changes({ since: 'now', live: true, include_docs: true, return_docs: false });
  feed.on('change', (change: ChangeRow) => {
    if (change.doc) onDoc(change.doc);
  });
  feed.on('error', () => {
    /* the feed ends with the server; nothing to recover */
  });

  return {
    status: () => [...running.values()].map((r) => ({ ...r.status })),
    async stop() {
      stopped = true;
      feed.cancel();
      for (const id of [...running.keys()]) stopOne(id);
    },
  };
}

function statusFrom(docId: string, state: ReplicationState, source: string, target: string, lastError: string | null): ReplicationStatus {
  return { docId, state, source, target, docsRead: 0, docsWritten: 0, docWriteFailures: 0, lastError, lastUpdated: new Date().toISOString() };
}

function errorText(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const e = err as { status?: number; name?: string; message?: string; reason?: string };
    return [e.status, e.name, e.reason ?? e.message].filter((x) => x !== undefined && x !== '').join(' ');
  }
  return String(err);
}
