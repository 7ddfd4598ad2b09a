/**
 * The part of a browser PouchDB 9 database the app uses, typed here once so no component needs PouchDB's own
 * typings (whose global `Buffer` breaks Node's elsewhere in the project).
 */
import type { Doc, LocalDb } from '../../sync';

export interface FindRequest {
  selector: Record<string, unknown>;
  fields?: string[];
  sort?: Array<string | Record<string, 'asc' | 'desc'>>;
  limit?: number;
  use_index?: string;
}

export interface AppDb extends LocalDb {
  find(request: FindRequest): Promise<{ docs: Doc[] }>;
  createIndex(request: { index: { fields: string[]; name?: string; ddoc?: string } }): Promise<{ result: string }>;
  getAttachment(docId: string, name: string, opts?: { rev?: string }): Promise<Blob>;
  compact(): Promise<unknown>;
  destroy(): Promise<unknown>;
}

/** PouchDB's error for a write that lost a race with another write to the same doc. */
export function isUpdateConflict(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { status?: unknown }).status === 409;
}

/** The browser's "storage is full" error, in whichever shape IndexedDB and PouchDB pass it on. */
export function isQuotaExceeded(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: unknown; message?: unknown; reason?: unknown; error?: unknown };
  const text = [e.name, e.message, e.reason, e.error].filter((v) => typeof v === 'string').join(' ');
  return /QuotaExceeded|quota/i.test(text);
}
