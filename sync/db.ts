/**
 * The storage the engine needs, as small structural interfaces. PouchDB 9 databases (pouchdb-browser in the
 * app, pouchdb-node in tests) satisfy them; nothing in sync/ imports PouchDB itself.
 */

export type Doc = Record<string, unknown> & { _id: string; _rev?: string; _deleted?: boolean };

export interface ChangeEvent {
  id: string;
  seq: number | string;
  deleted?: boolean;
  changes: Array<{ rev: string }>;
  doc?: Doc & { _conflicts?: string[] };
}

export interface ChangesEmitter {
  on(event: 'change', fn: (change: ChangeEvent) => void): ChangesEmitter;
  on(event: 'error', fn: (err: unknown) => void): ChangesEmitter;
  on(event: 'complete', fn: (info: unknown) => void): ChangesEmitter;
  cancel(): void;
}

export interface ReplicationInfo {
  docs_read?: number;
  docs_written?: number;
  last_seq?: number | string;
  pending?: number;
  docs?: Doc[];
}

export interface Replication {
  on(event: 'change', fn: (info: ReplicationInfo) => void): Replication;
  on(event: 'paused' | 'error' | 'complete', fn: (errOrInfo?: unknown) => void): Replication;
  on(event: 'active', fn: () => void): Replication;
  on(event: 'denied', fn: (err: unknown) => void): Replication;
  /** After each batch's checkpoint is stored (`checkpoint`), and as documents are compared (other fields). */
  on(event: 'checkpoint', fn: (event: { checkpoint?: number | string }) => void): Replication;
  cancel(): void;
}

export interface ReplicateOptions {
  live?: boolean;
  retry?: boolean;
  selector?: Record<string, unknown>;
  since?: number | string;
  batch_size?: number;
  batches_limit?: number;
  heartbeat?: number;
  checkpoint?: 'source' | 'target' | false;
  /** Push only: which local docs to send. */
  filter?: (doc: Doc) => boolean;
}

export interface BulkResult {
  ok?: boolean;
  id?: string;
  rev?: string;
  error?: unknown;
  name?: string;
  message?: string;
  reason?: string;
  status?: number;
}

export interface LocalDb {
  get(id: string, opts?: Record<string, unknown>): Promise<unknown>;
  put(doc: Doc): Promise<{ ok: boolean; id: string; rev: string }>;
  bulkDocs(docs: Doc[], opts?: { new_edits?: boolean }): Promise<BulkResult[]>;
  allDocs(opts: Record<string, unknown>): Promise<{ rows: Array<{ id: string; value: { rev: string }; doc?: Doc & { _conflicts?: string[] } }> }>;
  changes(opts: Record<string, unknown>): ChangesEmitter & PromiseLike<{ results: ChangeEvent[]; last_seq: number | string }>;
  info(): Promise<{ update_seq: number | string; doc_count: number }>;
  replicate: {
    from(remote: RemoteDb, opts: ReplicateOptions): Replication;
    to(remote: RemoteDb, opts: ReplicateOptions): Replication;
  };
}

/** A remote CouchDB database; `fetch(path)` resolves paths relative to the database URL. */
export interface RemoteDb {
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

/** A server answer that is not 2xx: its status (what classifyError reads) and CouchDB's reason. */
export class HttpError extends Error {
  constructor(readonly status: number, readonly reason: string) {
    super(`${status} ${reason}`);
    this.name = 'HttpError';
  }
}

/**
 * The answer's JSON body; an answer that is not 2xx throws an HttpError with its status, whatever its body (a proxy
 * in front of CouchDB may answer a 401 or 502 with an HTML page).
 */
export async function readJson<T>(res: Response): Promise<T> {
  if (res.ok) return (await res.json()) as T;
  const text = await res.text().catch(() => '');
  let reason: string | undefined;
  try {
    const body = JSON.parse(text) as { error?: unknown; reason?: unknown };
    reason = typeof body.reason === 'string' ? body.reason : typeof body.error === 'string' ? body.error : undefined;
  } catch {
    // Not CouchDB's JSON: the status says enough.
  }
  throw new HttpError(res.status, reason ?? res.statusText);
}

/** POSTs `body` as JSON to `path` (relative to the database) and reads the answer. */
export async function postJson<T>(remote: RemoteDb, path: string, body: unknown): Promise<T> {
  return readJson<T>(await remote.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
}

export function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { status?: unknown }).status === 404;
}

/** Reads a `_local` document, or `null`. */
export async function readLocal<T>(db: LocalDb, id: string): Promise<(T & { _rev?: string }) | null> {
  try {
    return (await db.get(`_local/${id}`)) as T & { _rev?: string };
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

export async function writeLocal<T extends object>(db: LocalDb, id: string, value: T): Promise<void> {
  const current = await readLocal<T>(db, id);
  await db.put({ ...value, _id: `_local/${id}`, ...(current?._rev ? { _rev: current._rev } : {}) });
}
