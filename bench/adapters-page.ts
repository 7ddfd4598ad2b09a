/**
 * The in-page half of bench/adapters.ts, bundled by esbuild: writes the seed's jobs the way sync/initial-sync.ts
 * does (bulkDocs in batches with new_edits: false, into a fresh database) with each contender, then reads them back.
 */
import PouchDB, { type Database } from 'pouchdb-browser/lib/index.es.js';
import indexeddb from 'pouchdb-adapter-indexeddb/lib/index.es.js';
import find from 'pouchdb-find/lib/index-browser.es.js';
import { generateSeed, type Doc } from '../couch-config/seed';

PouchDB.plugin(indexeddb).plugin(find);

export type Contender = 'idb' | 'indexeddb' | 'raw';

export interface RunResult {
  writeMs: number;
  /** allDocs({include_docs}) for PouchDB; one getAll() for raw IndexedDB. */
  readMs: number;
  /** createIndex(['type','status','due']) plus the first find, which builds the index; null for raw. */
  indexMs: number | null;
  /** The same find again, index built. */
  findMs: number | null;
  found: number | null;
  /** Distinct bulkDocs errors, and anything else that looked wrong. */
  problems: string[];
}

export interface BenchApi {
  prepare(jobs: number): { docs: number; avgBytes: number; userAgent: string };
  run(contender: Contender, batchSize: number): Promise<RunResult>;
}

declare global {
  interface Window {
    outpostBench?: BenchApi;
  }
}

const STORE = 'docs';
const SELECTOR = { type: 'job', status: 'open', due: { $gte: '' } };
let docs: Doc[] = [];

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });
}

/** Deletes every IndexedDB database of the origin (PouchDB's, its index databases, raw). */
async function wipe(): Promise<void> {
  for (const { name } of await indexedDB.databases()) {
    if (!name) continue;
    const req = indexedDB.deleteDatabase(name);
    req.onblocked = () => console.warn(`deleting ${name} is blocked by an open connection`);
    await request(req);
  }
}

function batches<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

async function runPouch(adapter: 'idb' | 'indexeddb', input: Doc[][]): Promise<RunResult> {
  const problems = new Set<string>();
  let t = performance.now();
  const db: Database = new PouchDB(`bench-${adapter}-${Date.now()}`, { adapter });
  for (const batch of input) {
    for (const r of await db.bulkDocs(batch, { new_edits: false })) {
      if (r.error) problems.add(`bulkDocs ${r.id ?? '?'}: ${r.name ?? String(r.error)} ${r.reason ?? r.message ?? ''}`.trim());
    }
  }
  const writeMs = performance.now() - t;
  if (db.adapter !== adapter) problems.add(`asked for ${adapter}, got ${db.adapter}`);

  t = performance.now();
  const all = await db.allDocs({ include_docs: true, limit: docs.length });
  const readMs = performance.now() - t;
  if (all.rows.length !== docs.length) problems.add(`allDocs returned ${all.rows.length} of ${docs.length}`);

  t = performance.now();
  await db.createIndex({ index: { fields: ['type', 'status', 'due'] } });
  const first = await db.find({ selector: SELECTOR, limit: docs.length });
  const indexMs = performance.now() - t;
  t = performance.now();
  const second = await db.find({ selector: SELECTOR, limit: docs.length });
  const findMs = performance.now() - t;
  if (first.warning) problems.add(`find: ${first.warning}`);
  if (first.docs.length !== second.docs.length) problems.add(`find returned ${first.docs.length}, then ${second.docs.length}`);

  await db.destroy();
  return { writeMs, readMs, indexMs, findMs, found: second.docs.length, problems: [...problems] };
}

async function runRaw(input: Doc[][]): Promise<RunResult> {
  let t = performance.now();
  const open = indexedDB.open(`bench-raw-${Date.now()}`, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: '_id' });
  const db = await request(open);
  for (const batch of input) {
    const tx = db.transaction(STORE, 'readwrite');
    const store = tx.objectStore(STORE);
    for (const doc of batch) store.put(doc);
    await done(tx);
  }
  const writeMs = performance.now() - t;

  t = performance.now();
  const tx = db.transaction(STORE, 'readonly');
  const rows = await request(tx.objectStore(STORE).getAll());
  const readMs = performance.now() - t;
  db.close();
  const problems = rows.length === docs.length ? [] : [`getAll returned ${rows.length} of ${docs.length}`];
  return { writeMs, readMs, indexMs: null, findMs: null, found: null, problems };
}

window.outpostBench = {
  prepare(jobs) {
    // Jobs only, as a team's feed would send them, each with a CouchDB-style first revision.
    const seed = generateSeed({ jobs, teams: ['north'], seed: 42 }, () => ({ field: 'ana', lead: 'ben' }));
    docs = seed.filter((d) => d.type === 'job').map((d, i) => ({ ...d, _rev: `1-${i.toString(16).padStart(32, '0')}` }));
    const bytes = docs.reduce((sum, d) => sum + JSON.stringify(d).length, 0);
    return { docs: docs.length, avgBytes: Math.round(bytes / docs.length), userAgent: navigator.userAgent };
  },
  async run(contender, batchSize) {
    await wipe();
    // A fresh copy outside the timings, so no contender sees objects another one touched.
    const input = batches(structuredClone(docs), batchSize);
    const result = contender === 'raw' ? await runRaw(input) : await runPouch(contender, input);
    await wipe();
    return result;
  },
};
