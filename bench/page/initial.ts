/**
 * Initial sync of a team's database into a fresh browser database, by each contender:
 *   outpost      sync/initial-sync.ts as the controller runs it, on the indexeddb adapter (what the app uses)
 *   outpost-idb  the same on the idb adapter (the adapter comparison)
 *   peer         PouchDB.replicate(remote, local, {selector}) with default options, default idb adapter
 *   limit        one `_all_docs?include_docs=true` fetch + raw IndexedDB, one transaction per 1,000 docs, no PouchDB
 */
import type { Database } from 'pouchdb-browser/lib/index.es.js';
import { initialSync } from '../../sync/initial-sync';
import type { InitialContender } from '../args';
import { appFetch, asLocal, asRemote, json, openLocal, openRemote, PouchDB, request, teamUrl, transactionDone } from './common';

export interface InitialResult {
  ms: number;
  docs: number;
  /** Outpost only: time waiting for response headers and inside bulkDocs; they overlap. */
  fetchMs?: number;
  storeMs?: number;
}

/** Wraps `fn` so the time spent in its promises adds up in `into.ms`. */
function timed<A extends unknown[], R>(fn: (...args: A) => Promise<R>, into: { ms: number }): (...args: A) => Promise<R> {
  return async (...args: A) => {
    const t = performance.now();
    try {
      return await fn(...args);
    } finally {
      into.ms += performance.now() - t;
    }
  };
}

const RAW_STORE = 'docs';

async function runLimit(team: string): Promise<InitialResult> {
  const t = performance.now();
  const open = indexedDB.open(`bench-raw-${Date.now()}`, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(RAW_STORE, { keyPath: '_id' });
  const db = await request(open);
  const all = await json<{ rows: Array<{ id: string; doc?: { _id: string } }> }>(await appFetch(`${teamUrl(team)}/_all_docs?include_docs=true`));
  const docs = all.rows.flatMap((r) => (r.doc && !r.id.startsWith('_design/') ? [r.doc] : []));
  for (let i = 0; i < docs.length; i += 1000) {
    const tx = db.transaction(RAW_STORE, 'readwrite');
    const store = tx.objectStore(RAW_STORE);
    for (const doc of docs.slice(i, i + 1000)) store.put(doc);
    await transactionDone(tx);
  }
  const ms = performance.now() - t;
  db.close();
  return { ms, docs: docs.length };
}

async function runPeer(team: string): Promise<InitialResult> {
  const t = performance.now();
  const local = openLocal('idb');
  const result = await PouchDB.replicate(openRemote(team), local, { selector: { team } });
  const ms = performance.now() - t;
  await local.close();
  return { ms, docs: result.docs_written };
}

async function runOutpost(team: string, adapter: 'idb' | 'indexeddb', batchSize: number | undefined): Promise<InitialResult> {
  const fetching = { ms: 0 };
  const storing = { ms: 0 };
  const t = performance.now();
  const local = asLocal(openLocal(adapter));
  const remote = asRemote(openRemote(team));
  // Until the response headers: the server's work and the wait for it (the body is read by the engine, untimed).
  const measuredRemote = { fetch: timed(remote.fetch.bind(remote), fetching) };
  const measuredLocal = Object.assign(Object.create(local) as typeof local, { bulkDocs: timed(local.bulkDocs.bind(local), storing) });
  const checkpoint = await initialSync({ local: measuredLocal, remote: measuredRemote, selector: { team }, ...(batchSize ? { batchSize } : {}) });
  const ms = performance.now() - t;
  if (!checkpoint.complete) throw new Error('initial sync stopped before the end');
  await (local as unknown as { close(): Promise<void> }).close();
  return { ms, docs: checkpoint.done, fetchMs: fetching.ms, storeMs: storing.ms };
}

export function runInitial(contender: InitialContender, team: string, batchSize?: number): Promise<InitialResult> {
  switch (contender) {
    case 'limit':
      return runLimit(team);
    case 'peer':
      return runPeer(team);
    case 'outpost':
      return runOutpost(team, 'indexeddb', batchSize);
    case 'outpost-idb':
      return runOutpost(team, 'idb', batchSize);
  }
}

/** A device that has finished its initial sync (untimed): where the reconnect and query scenarios start. */
export async function syncedDevice(team: string): Promise<Database> {
  const local = openLocal('indexeddb');
  const checkpoint = await initialSync({ local: asLocal(local), remote: asRemote(openRemote(team)), selector: { team } });
  if (!checkpoint.complete) throw new Error('initial sync stopped before the end');
  return local;
}
