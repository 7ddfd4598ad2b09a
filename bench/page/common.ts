/**
 * What every in-page scenario shares: PouchDB 9 as the app loads it (pouchdb-browser + the indexeddb adapter +
 * pouchdb-find), the team database through `/couch/` on this origin, and a clean IndexedDB between runs.
 */
import PouchDB, { type Database } from 'pouchdb-browser/lib/index.es.js';
import indexeddb from 'pouchdb-adapter-indexeddb/lib/index.es.js';
import find from 'pouchdb-find/lib/index-browser.es.js';
import type { LocalDb, RemoteDb } from '../../sync';

PouchDB.plugin(indexeddb).plugin(find);

export { PouchDB };
export type Adapter = 'idb' | 'indexeddb';

/** The app's fetch: same origin, cookie included. */
export const appFetch = (input: string | URL | Request, init?: RequestInit) => fetch(input, { ...init, credentials: 'same-origin' });

export const teamUrl = (team: string) => `${location.origin}/couch/outpost-team-${encodeURIComponent(team)}`;

export function openRemote(team: string, fetchImpl: (input: string | URL | Request, init?: RequestInit) => Promise<Response> = appFetch): Database {
  return new PouchDB(teamUrl(team), { fetch: fetchImpl, skip_setup: true });
}

let opened = 0;
export function openLocal(adapter: Adapter): Database {
  return new PouchDB(`bench-${adapter}-${Date.now()}-${++opened}`, { adapter });
}

/** The sync engine's structural view of a PouchDB database. */
export const asLocal = (db: Database) => db as unknown as LocalDb;
export const asRemote = (db: Database) => db as unknown as RemoteDb;

export function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export function transactionDone(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });
}

/** Deletes every IndexedDB database of the origin, so no run sees another's data or pays for its size. */
export async function wipe(): Promise<void> {
  for (const { name } of await indexedDB.databases()) {
    if (!name) continue;
    const req = indexedDB.deleteDatabase(name);
    req.onblocked = () => console.warn(`deleting ${name} is blocked by an open connection`);
    await request(req);
  }
}

export async function json<T>(res: Response): Promise<T> {
  if (!res.ok) throw new Error(`${res.status} ${res.statusText}: ${await res.text()}`);
  return (await res.json()) as T;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitFor(what: string, check: () => boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}
