/**
 * Device-side housekeeping while nobody is using the database: compact the local PouchDB (drop old revision
 * bodies, photos of superseded revisions included) and, when given, run `trim` (e.g. trimLocalJobs from
 * retention.ts) in the same quiet moment.
 *
 *   (write) ─▶ waiting ─ idleMs with no local write ─▶ sync live? ─ yes ─▶ running ─▶ done (until the next write)
 *                                                        └─ no ─▶ waiting (checks again after idleMs)
 *
 * "Idle" means no change in the local database (edits, or changes pulled in) for `idleMs`, and the sync engine
 * `live`: compaction rewrites the store, and doing it during the initial sync, a push backlog or an edit burst
 * would slow exactly what the person is waiting for. A database that has not changed since the last run is
 * not compacted again. Timers are injected (environment.ts), so tests drive it without sleeping.
 */
import type { ChangesEmitter } from './db';
import { realTimers, type Timers } from './environment';
import type { SyncStateName } from './status';
import { Subscribable } from './subscribable';

export const DEFAULT_IDLE_MS = 5 * 60_000;

/** The local database as maintenance uses it: PouchDB 9 satisfies it. */
export interface CompactableDb {
  compact(): Promise<unknown>;
  changes(opts: Record<string, unknown>): ChangesEmitter;
}

/** What maintenance reads from the sync engine: a SyncController satisfies it. */
export interface SyncLike {
  getStatus(): { state: { name: SyncStateName }; pendingPush: number };
  subscribe(listener: () => void): () => void;
}

export interface MaintenanceOptions {
  local: CompactableDb;
  sync: SyncLike;
  idleMs?: number;
  timers?: Timers;
  /** Extra work for the same quiet moment, after compaction (e.g. `() => trimLocalJobs({...})`). */
  trim?: () => Promise<unknown>;
}

export type MaintenanceState =
  | { readonly name: 'stopped' }
  | { readonly name: 'waiting' }
  | { readonly name: 'running' }
  | { readonly name: 'done' };

export interface MaintenanceStatus {
  readonly state: MaintenanceState;
  readonly lastRunAt: number | null;
  readonly runs: number;
  /** The last run's failure, in words; null after a successful run. */
  readonly lastError: string | null;
}

export class Maintenance extends Subscribable {
  private status: MaintenanceStatus = { state: { name: 'stopped' }, lastRunAt: null, runs: 0, lastError: null };
  private timer: unknown = null;
  private feed: ChangesEmitter | null = null;
  private dirty = true;
  private readonly timers: Timers;
  private readonly idleMs: number;

  constructor(private readonly opts: MaintenanceOptions) {
    super();
    this.timers = opts.timers ?? realTimers;
    this.idleMs = opts.idleMs ?? DEFAULT_IDLE_MS;
  }

  getStatus = (): MaintenanceStatus => this.status;

  /** Starts watching the local database; the first run comes after `idleMs` of quiet. */
  start(): void {
    if (this.status.state.name !== 'stopped') return;
    this.feed = this.opts.local.changes({ since: 'now', live: true, return_docs: false });
    this.feed.on('change', () => this.noteWrite());
    this.feed.on('error', () => {
      /* the feed ends with the database; nothing to do */
    });
    this.set({ state: { name: 'waiting' } });
    this.arm();
  }

  stop(): void {
    this.feed?.cancel();
    this.feed = null;
    this.disarm();
    this.set({ state: { name: 'stopped' } });
  }

  /** A local write: the quiet period starts again. The changes feed calls this; the app may too. */
  noteWrite(): void {
    this.dirty = true;
    if (this.status.state.name === 'stopped') return;
    if (this.status.state.name === 'done') this.set({ state: { name: 'waiting' } });
    this.arm();
  }

  /** Runs now, whatever the idle state (e.g. from a settings screen). */
  async runNow(): Promise<void> {
    if (this.status.state.name === 'running') return;
    const before = this.status.state.name;
    this.disarm();
    this.set({ state: { name: 'running' } });
    this.dirty = false;
    let lastError: string | null = null;
    try {
      await this.opts.local.compact();
      await this.opts.trim?.();
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
      this.dirty = true;
    }
    const next: MaintenanceState = before === 'stopped' ? { name: 'stopped' } : this.dirty ? { name: 'waiting' } : { name: 'done' };
    this.set({ state: next, lastRunAt: this.timers.now(), runs: this.status.runs + 1, lastError });
    if (next.name === 'waiting') this.arm();
  }

  private onQuiet(): void {
    this.timer = null;
    if (this.status.state.name !== 'waiting' || !this.dirty) return;
    if (this.opts.sync.getStatus().state.name !== 'live' || this.opts.sync.getStatus().pendingPush > 0) {
      this.arm(); // not a quiet moment for the network side; look again later
      return;
    }
    void this.runNow();
  }

  private arm(): void {
    this.disarm();
    this.timer = this.timers.setTimeout(() => this.onQuiet(), this.idleMs);
  }

  private disarm(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private set(patch: Partial<MaintenanceStatus>): void {
    this.status = { ...this.status, ...patch };
    this.notify();
  }
}

export function createMaintenance(opts: MaintenanceOptions): Maintenance {
  return new Maintenance(opts);
}
