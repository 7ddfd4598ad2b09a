/**
 * The job list: the filters the person chose and the rows they select, for one device. One owner: every change of
 * filters or of the local database re-runs the query; a burst of replicated writes causes one re-run, not one
 * per document, and an answer older than the latest question is dropped.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AppDb } from '../device/db';
import { DEFAULT_JOB_QUERY, prepareJobQueries, queryJobs, type JobQuery, type JobRow } from './query';

export interface JobListState {
  readonly query: JobQuery;
  readonly rows: readonly JobRow[] | null;
  readonly error: string | null;
  setQuery(change: Partial<JobQuery>): void;
}

export interface JobListStore extends StoreApi<JobListState> {
  /** Stops following the local database. */
  close(): void;
}

export interface JobListOptions {
  readonly user: string;
  readonly now?: () => number;
  /** How long a burst of writes may last before the list is refreshed. */
  readonly settleMs?: number;
  readonly initialQuery?: JobQuery;
}

export function createJobListStore(db: AppDb, opts: JobListOptions): JobListStore {
  const now = opts.now ?? Date.now;
  let asked = 0;
  let prepared: Promise<void> | null = null;

  const store = createStore<JobListState>()((set, get) => ({
    query: opts.initialQuery ?? DEFAULT_JOB_QUERY,
    rows: null,
    error: null,
    setQuery(change) {
      set({ query: { ...get().query, ...change } });
      void refresh();
    },
  }));

  async function refresh(): Promise<void> {
    const ticket = ++asked;
    try {
      prepared ??= prepareJobQueries(db);
      await prepared;
      const rows = await queryJobs(db, store.getState().query, { user: opts.user, now: now() });
      if (ticket === asked) store.setState({ rows, error: null });
    } catch (err) {
      prepared = null;
      const reason = err instanceof Error ? err.message : String(err);
      if (ticket === asked) store.setState({ error: `The job list could not be read from this device (${reason}). Reload the app; your data is safe.` });
    }
  }

  let timer: ReturnType<typeof setTimeout> | null = null;
  const feed = db.changes({ since: 'now', live: true, return_docs: false });
  feed.on('change', (change) => {
    if (change.id.startsWith('_') || timer !== null) return;
    timer = setTimeout(() => {
      timer = null;
      void refresh();
    }, opts.settleMs ?? 150);
  });
  feed.on('error', () => {});
  void refresh();

  return Object.assign(store, {
    close() {
      feed.cancel();
      if (timer !== null) clearTimeout(timer);
    },
  });
}
