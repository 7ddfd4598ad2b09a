import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import PouchDB from 'pouchdb-node';
import find from 'pouchdb-find/lib/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHlc, createJob, type WriteContext } from '../../sync';
import type { AppDb } from '../device/db';
import { createJobListStore, type JobListStore } from './list-store';

(PouchDB as unknown as { plugin(plugin: unknown): void }).plugin(find);

let dir: string;
let n = 0;
const open = () => new PouchDB(path.join(dir, `db-${++n}`)) as unknown as AppDb;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'outpost-list-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));

const lead: WriteContext = (() => {
  let t = Date.UTC(2026, 0, 1);
  const now = () => ++t;
  return { user: 'ben', role: 'lead', now, hlc: createHlc({ deviceId: 'dev-ben', now }) };
})();

/** Resolves once the store's state passes `check`. */
function until(store: JobListStore, check: (s: ReturnType<JobListStore['getState']>) => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (check(store.getState())) return resolve();
    const stop = store.subscribe((s) => {
      if (check(s)) {
        stop();
        resolve();
      }
    });
  });
}

describe('job list store', () => {
  it('follows the database: a burst of writes shows up, and a filter change re-runs the query', async () => {
    const db = open();
    await db.put(createJob({ team: 'north', title: 'Pump', assignee: 'ana', status: 'assigned' }, lead));
    const store = createJobListStore(db, { user: 'ana', settleMs: 10 });
    try {
      await until(store, (s) => s.rows?.length === 1);
      await db.bulkDocs([createJob({ team: 'north', title: 'Valve' }, lead), createJob({ team: 'north', title: 'Meter' }, lead)]);
      await until(store, (s) => s.rows?.length === 3);
      store.getState().setQuery({ mine: true });
      await until(store, (s) => s.rows?.length === 1);
      expect(store.getState().rows?.[0]?.title).toBe('Pump');
      store.getState().setQuery({ mine: false, search: 'valve' });
      await until(store, (s) => s.rows?.length === 1 && s.rows[0]?.title === 'Valve');
      expect(store.getState().error).toBeNull();
    } finally {
      store.close();
    }
  });
});
