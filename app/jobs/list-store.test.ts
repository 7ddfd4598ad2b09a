import { describe, expect, it } from 'vitest';
import { createJob } from '../../sync';
import type { AppDb } from '../device/db';
import { createJobListStore, type JobListStore } from './list-store';
import { testWriter, useLocalDbs } from './testing/local-dbs';

const open = useLocalDbs<AppDb>('list');

const lead = testWriter('ben', 'lead');

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
