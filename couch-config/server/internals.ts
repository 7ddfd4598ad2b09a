/**
 * The parts of express-pouchdb's runtime objects the embedded server reaches into.
 * express-pouchdb ships no types; these interfaces describe its CommonJS objects as measured on 4.2.0.
 */
import type { Express, Request } from 'express';
import { createRequire } from 'node:module';

export const requireCjs = createRequire(import.meta.url);

export interface UserCtx {
  name: string | null;
  roles: string[];
  db?: string;
}

export interface CouchSession {
  ok: boolean;
  userCtx: UserCtx;
  info: { authenticated?: string; authentication_handlers?: string[] };
}

export interface CouchConfig {
  get(section: string, key: string): unknown;
  getAll(): Record<string, Record<string, string>>;
  getSection(section: string): Record<string, string>;
  set(section: string, key: string, value: unknown, cb: (err: unknown, previous?: unknown) => void): void;
  delete(section: string, key: string, cb: (err: unknown, previous?: unknown) => void): void;
  registerDefault(section: string, key: string, value: unknown): void;
}

export type WrapperHandler = (orig: () => Promise<unknown>, args: WrapperArgs) => Promise<unknown>;
export interface WrapperArgs {
  base: PouchLike;
  options: { userCtx?: UserCtx; [key: string]: unknown };
  docs?: Array<Record<string, unknown>>;
  doc?: Record<string, unknown>;
  docId?: string;
}

/** A PouchDB 7 database instance inside the server, as far as Outpost's wrapper uses it. */
export interface PouchLike {
  name: string;
  get(id: string, opts?: Record<string, unknown>): Promise<Record<string, unknown>>;
  put(doc: Record<string, unknown>, opts?: Record<string, unknown>): Promise<{ ok: boolean; id: string; rev: string }>;
  allDocs(opts?: Record<string, unknown>): Promise<{ rows: Array<{ id: string; value: { rev: string; deleted?: boolean }; doc?: Record<string, unknown> }> }>;
  changes(opts: Record<string, unknown>): ChangesFeed;
  info(): Promise<{ update_seq: number | string; doc_count: number }>;
}

export interface ChangesFeed extends PromiseLike<ChangesResult> {
  on(event: 'change', fn: (change: ChangeRow) => void): ChangesFeed;
  on(event: 'complete', fn: (result: ChangesResult) => void): ChangesFeed;
  on(event: 'error', fn: (err: unknown) => void): ChangesFeed;
  cancel(): void;
}
export interface ChangeRow {
  id: string;
  seq: number | string;
  changes: Array<{ rev: string }>;
  deleted?: boolean;
  doc?: Record<string, unknown>;
}
export interface ChangesResult {
  results: ChangeRow[];
  last_seq: number | string;
  status?: string;
}

export interface PouchStatic {
  (name: string, opts?: Record<string, unknown>): PouchLike;
  new (name: string, opts?: Record<string, unknown>): PouchLike;
  allDbs(): Promise<string[]>;
  replicate(source: unknown, target: unknown, opts: Record<string, unknown>): ReplicationHandle;
}

export interface ReplicationHandle extends PromiseLike<unknown> {
  on(event: string, fn: (arg: unknown) => void): ReplicationHandle;
  cancel(): void;
}

export interface PouchApp extends Express {
  couchConfig: CouchConfig;
  dbWrapper: { _wrappers: Array<(name: string, db: PouchLike, next: () => Promise<unknown>) => unknown> };
  setPouchDB(pouch: unknown): Promise<void>;
}

/** What express-pouchdb's authentication part leaves on every request. */
export interface CouchRequest extends Request {
  couchSession?: CouchSession;
  PouchDB: PouchStatic;
}
