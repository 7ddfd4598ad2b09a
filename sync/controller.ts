/**
 * The replication controller: one object owns the sync status and drives every transition.
 *
 *   start ─▶ connecting ─▶ initial (fresh device: fast path, resumable) ─▶ live (pull with selector, push all)
 *              ▲   │ 401/403                                  │ error: back off with jitter, then reconnect
 *              │   └─▶ needs-login ── resume() ───────────────┘ offline event: offline until online
 *
 * Local edits are never dropped: a lost session parks the engine in `needs-login`, a write the server refuses
 * is kept and listed as rejected with the server's reason, and conflicts are resolved by the handlers or put
 * in the inbox for a person.
 */
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import type { ChangeEvent, Doc, LocalDb, RemoteDb, Replication, ReplicationInfo } from './db';
import { readLocal, writeLocal } from './db';
import { realTimers, type OnlineSignal, type Timers } from './environment';
import { classifyError } from './errors';
import { createResolver, type ResolverOptions } from './conflicts';
import { initialSync, readInitialCheckpoint } from './initial-sync';
import { INITIAL_STATUS, canTransition, type RejectedWrite, type SyncState, type SyncStatus } from './status';
import { createRestoreGuard, type RestoreGuard } from './restore-guard';
import { directBulkGet, quietInfo, skipKnownRevisions } from './remote-adapters';
import { createStallGuard, type Fetch, type StallGuard } from './stall-guard';
import { Subscribable } from './subscribable';

export interface SyncOptions {
  local: LocalDb;
  /** Opens the team database on the server with the `fetch` it is given (the engine's stall guard around `fetch`). */
  remote: (fetch: Fetch) => RemoteDb;
  /** How requests reach the server (default: the global fetch). */
  fetch?: Fetch;
  /**
   * A stable name for the server database, used in PouchDB's replication ids. PouchDB otherwise asks the server
   * for its uuid and, when that one request fails, silently falls back to the URL — a different id, so the next
   * run finds no checkpoint and starts over from zero. Default: the remote database's name (its URL).
   */
  remoteId?: string;
  /** A response silent for this long is aborted and retried (default 30 s: three missed heartbeats). */
  stallMs?: number;
  /** What this device keeps: the pull selector (read security comes from the server's `_security`). */
  selector: Record<string, unknown>;
  online: OnlineSignal;
  timers?: Timers;
  random?: () => number;
  backoff?: BackoffOptions;
  batchSize?: number;
  /** Heartbeat asked of the server on live feeds (ms). The stall guard must allow several of them. */
  heartbeatMs?: number;
  /** Conflict handling: who resolves (audit docs are written as them) and with which handlers. */
  conflicts?: Omit<ResolverOptions, 'local'>;
}

const PUSH_STATE = 'outpost-push';
const LIVE_STATE = 'outpost-live';
const REJECTED_STATE = 'outpost-rejected';

export class SyncController extends Subscribable {
  private status: SyncStatus = INITIAL_STATUS;
  private readonly timers: Timers;
  private readonly random: () => number;
  private running = false;
  private generation = 0;
  private attempt = 0;
  private retryTimer: unknown = null;
  private pull: Replication | null = null;
  private push: Replication | null = null;
  private unsubscribeOnline: (() => void) | null = null;
  private stopLocalFeed: (() => void) | null = null;
  /** Revisions the pull wrote since the push mark (`PUSH_STATE`): they are on the server already. */
  private readonly pulledRevs = new Map<string, string>();
  /** Bumped when the push mark moves, so a recount that read the previous mark cannot land after it. */
  private pendingEpoch = 0;
  /** Where the push has stored its checkpoint in this connection; null before its first batch. */
  private pushedThrough: number | string | null = null;
  /** markPushed runs, one after another. */
  private marking: Promise<void> = Promise.resolve();
  /** The pending count running now, and the one to run after it (refreshPending). */
  private counting: Promise<void> | null = null;
  private nextCount: Promise<void> | null = null;

  private readonly remote: RemoteDb;
  readonly stallGuard: StallGuard;
  /** Notices a server restored from an older backup (restore-guard.ts). */
  private readonly restoreGuard: RestoreGuard;
  /** The push sent something since the last restore-guard mark. */
  private pushedSinceMark = false;
  private readonly resolver: ReturnType<typeof createResolver> | null;
  /** Resolutions run one at a time, in order; a burst of pulled changes becomes one queue. */
  private resolving: Promise<void> = Promise.resolve();

  constructor(private readonly opts: SyncOptions) {
    super();
    this.timers = opts.timers ?? realTimers;
    this.random = opts.random ?? Math.random;
    const heartbeat = opts.heartbeatMs ?? 10_000;
    const base: Fetch = opts.fetch ?? ((input, init) => fetch(input, init));
    // Offline means no requests at all: a replication being cancelled may still ask for its checkpoint, and that
    // request would only hang or fail on a dead network. It fails here at once, as the network would.
    const whenOnline: Fetch = (input, init) => (opts.online.isOnline() ? base(input, init) : Promise.reject(new TypeError('Failed to fetch: this device is offline')));
    this.stallGuard = createStallGuard(whenOnline, this.timers, opts.stallMs ?? Math.max(3 * heartbeat, 5_000));
    this.remote = opts.remote(this.stallGuard.fetch);
    const pinned = this.remote as RemoteDb & { id?: () => Promise<string>; name?: unknown };
    const remoteId = opts.remoteId ?? (typeof pinned.name === 'string' ? pinned.name : undefined);
    if (remoteId !== undefined) pinned.id = () => Promise.resolve(remoteId);
    quietInfo(this.remote, () => this.timers.now());
    directBulkGet(this.remote);
    skipKnownRevisions(this.remote, (id, rev) => !isDomainDoc({ _id: id }) || this.pulledRevs.get(id) === rev);
    this.restoreGuard = createRestoreGuard(opts.local, this.remote, this.random, () => this.timers.now());
    this.resolver = opts.conflicts ? createResolver({ ...opts.conflicts, local: opts.local }) : null;
  }

  /** Resolves conflicts among `ids` (every conflicted doc when omitted); the rest goes to the inbox. */
  resolveConflicts(ids?: readonly string[]): Promise<void> {
    const resolver = this.resolver;
    if (!resolver) return Promise.resolve();
    this.resolving = this.resolving.then(async () => {
      const report = await resolver.resolve(ids);
      const touched = new Set(ids ?? report.inbox.map((e) => e.id));
      const kept = this.status.inbox.filter((e) => !touched.has(e.id) && !report.resolved.includes(e.id));
      const inbox = ids ? [...kept, ...report.inbox] : report.inbox;
      this.update({ inbox, conflicts: inbox.length });
    }).catch(() => {
      // A failed resolution leaves the conflict in place; the next pull or start tries again.
    });
    return this.resolving;
  }

  /** A person's choice for an inbox entry: field name → the revision whose value wins. */
  async resolveManually(id: string, choices: Readonly<Record<string, string>>): Promise<void> {
    if (!this.resolver) throw new Error('conflict handling is not configured');
    await this.resolver.resolveManually(id, choices);
    const inbox = this.status.inbox.filter((e) => e.id !== id);
    this.update({ inbox, conflicts: inbox.length });
  }

  /**
   * Every local doc the server does not have yet, for the person to export before the device is wiped: the edits
   * `pendingPush` counts (changes since the last caught-up push, minus what the pull wrote) plus the revisions the
   * server refused. Current revisions with their attachments inline (base64), deletions as tombstones.
   */
  async unsyncedDocs(): Promise<Doc[]> {
    const state = await readLocal<{ seq: number | string }>(this.opts.local, PUSH_STATE);
    const changes = await this.opts.local.changes({ since: state?.seq ?? 0, include_docs: true, attachments: true, return_docs: true });
    const docs = new Map<string, Doc>();
    for (const c of changes.results) if (c.doc && this.isLocalEdit(c)) docs.set(c.id, c.doc);
    // The push checkpoint has moved past refused revisions, so they are read one by one (while still current).
    for (const r of this.status.rejected) {
      const doc = (await this.opts.local.get(r.id, { attachments: true }).catch(() => null)) as Doc | null;
      if (doc?._rev === r.rev) docs.set(r.id, doc);
    }
    return [...docs.values()];
  }

  getStatus = (): SyncStatus => this.status;

  /** Starts (or restarts) syncing. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.stallGuard.open();
    this.unsubscribeOnline = this.opts.online.subscribe((online) => (online ? this.kick() : this.goOffline()));
    this.watchLocalWrites();
    this.background(this.loadRejected().then(() => this.refreshPending()));
    this.kick();
  }

  /** Stops syncing; local edits stay and are pushed on the next start. */
  stop(): void {
    this.running = false;
    this.unsubscribeOnline?.();
    this.unsubscribeOnline = null;
    this.stopLocalFeed?.();
    this.stopLocalFeed = null;
    this.teardown();
    this.setState({ name: 'paused' });
  }

  /**
   * Stops, then waits (up to `timeoutMs`) until no request to the server is in flight. Use it before signing out:
   * CouchDB refreshes the session cookie on answers, so a late answer could sign the person back in.
   */
  async stopAndSettle(timeoutMs = 3_000): Promise<void> {
    this.stop();
    // PouchDB's cancel() lets requests already sent run on (and a live feed may send one more): cut them all.
    this.stallGuard.close();
    await this.stallGuard.idle(timeoutMs);
  }

  /** After the person signed in again: carry on from the checkpoints, never from zero. */
  resume(): void {
    if (!this.running) return this.start();
    this.attempt = 0;
    this.kick();
  }

  private setState(state: SyncState, patch: Partial<SyncStatus> = {}): boolean {
    if (!canTransition(this.status.state.name, state.name)) return false;
    this.update({ ...patch, state });
    return true;
  }

  private update(patch: Partial<SyncStatus>): void {
    this.status = { ...this.status, ...patch };
    this.notify();
  }

  /**
   * Bookkeeping that may fail when the database closes or the network drops mid-way; it is redone on the next
   * event, so a failure is dropped rather than left unhandled.
   */
  private background(work: Promise<unknown>): void {
    work.catch(() => {});
  }

  private teardown(): void {
    this.generation++;
    if (this.retryTimer !== null) this.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.pull?.cancel();
    this.push?.cancel();
    this.pull = null;
    this.push = null;
  }

  private goOffline(): void {
    this.teardown();
    this.setState({ name: 'offline' });
  }

  /** (Re)connect now: on start, on the online event, after a backoff, after login. */
  private kick(): void {
    if (!this.running) return;
    this.teardown();
    if (!this.opts.online.isOnline()) {
      this.setState({ name: 'offline' });
      return;
    }
    const generation = this.generation;
    this.setState({ name: 'connecting', attempt: this.attempt });
    this.connect(generation).catch((err) => this.fail(err, generation));
  }

  private current(generation: number): boolean {
    return this.running && generation === this.generation;
  }

  private async connect(generation: number): Promise<void> {
    let checkpoint = await readInitialCheckpoint(this.opts.local);
    /** How many docs this run's fast path stored; null when part of the download happened in an earlier run. */
    let stored: number | null = null;
    if (!checkpoint?.complete) {
      // Where local history stood before the download: the person may edit jobs as they arrive, and the push
      // must cover those edits (not start after the download) while the downloaded docs are never pending.
      if (!(await readLocal(this.opts.local, PUSH_STATE))) await writeLocal(this.opts.local, PUSH_STATE, { seq: (await this.opts.local.info()).update_seq });
      stored = checkpoint ? null : 0;
      this.setState({ name: 'initial', done: checkpoint?.done ?? 0, total: null });
      checkpoint = await initialSync({
        local: this.opts.local,
        remote: this.remote,
        selector: this.opts.selector,
        batchSize: this.opts.batchSize,
        shouldStop: () => !this.current(generation),
        onStored: (docs) => {
          if (stored !== null) stored += docs.length;
          for (const doc of docs) if (doc._rev) this.pulledRevs.set(doc._id, doc._rev);
        },
        onProgress: (done, total) => {
          if (!this.current(generation)) return;
          this.setState({ name: 'initial', done, total }, { initialProgress: { done, total } });
        },
      });
      if (!this.current(generation) || !checkpoint.complete) return;
      this.update({ initialProgress: null, lastSyncedAt: this.timers.now() });
    }
    const handedOver = await readLocal<{ pullSince: unknown }>(this.opts.local, LIVE_STATE);
    if (handedOver) {
      // A server restored from an older backup may lack what we pushed: then the push starts over from 0, and so
      // does the pull (the restored database may number its changes differently).
      const restored = await this.restoreGuard.serverLostPushes();
      const pullSince = restored ? 0 : await this.restoreGuard.pullResumesAt();
      // Pushing from 0 still skips what this device pulled: mostly other people's edits, which the server refuses
      // from this user (validate_doc_update: updatedBy); the hub's replication restores those to the team database.
      const pushSince = restored ? 0 : ((await readLocal<{ seq: number | string }>(this.opts.local, PUSH_STATE))?.seq ?? 0);
      if (!this.current(generation)) return;
      return this.startLive(generation, { pull: pullSince, push: pushSince }, restored);
    }
    const push = await this.pushStartAfterDownload(stored);
    await writeLocal(this.opts.local, PUSH_STATE, { seq: push });
    // The server marks where this device's pull may resume from its first live moment: a later connection that
    // found no mark would take the server for a restored one and pull everything again.
    await this.restoreGuard.markPulled(checkpoint.since);
    if (!this.current(generation)) return;
    this.startLive(generation, { pull: checkpoint.since, push, handover: true });
    this.background(this.refreshPending());
  }

  /**
   * Where the push starts after the download. The fast path's docs came from the server; anything else written
   * meanwhile (an edit of a job that had just arrived) must be pushed. If the sequence moved by exactly what the
   * fast path stored, nothing else was written: start after it. Otherwise start just before the first doc whose
   * revision is not the one downloaded (`_revs_diff` skips what the server has).
   */
  private async pushStartAfterDownload(stored: number | null): Promise<number | string> {
    const before = (await readLocal<{ seq: number | string }>(this.opts.local, PUSH_STATE))?.seq ?? 0;
    const { update_seq } = await this.opts.local.info();
    if (stored !== null && typeof before === 'number' && typeof update_seq === 'number' && update_seq - before === stored) return update_seq;
    const changes = await this.opts.local.changes({ since: before, return_docs: true });
    const first = changes.results.find((change) => this.isLocalEdit(change));
    if (first) return typeof first.seq === 'number' ? first.seq - 1 : before;
    return update_seq;
  }

  /**
   * `from.pull`: where the pull starts (the initial sync's end, or the server's mark of this device's pull: see
   * restore-guard.ts). `from.push`: where the push starts: right after the initial sync, then where it last caught
   * up (`PUSH_STATE`), or 0 when `pushFromStart` (a restored server).
   */
  private startLive(generation: number, from: { pull: number | string; push: number | string; handover?: boolean }, pushFromStart = false): void {
    const common = { live: true, retry: false, batch_size: this.opts.batchSize ?? 500, heartbeat: this.opts.heartbeatMs ?? 10_000 };
    this.pull = this.opts.local.replicate.from(this.remote, {
      ...common,
      selector: this.opts.selector,
      since: from.pull,
      // On the device only: the restore guard marks on the server where the pull may resume, once a minute
      // instead of a read and a write per pulled batch.
      checkpoint: 'target',
    });
    // No push filter: a filter function makes PouchDB read every changed doc's body, only to look at its id.
    // What the push must not send (design docs, pulled revisions) is dropped from its `_revs_diff` instead
    // (skipKnownRevisions).
    this.push = this.opts.local.replicate.to(this.remote, {
      ...common,
      // The push resumes from `since` (PUSH_STATE), never from PouchDB's own checkpoint; that one is kept on the
      // device only because without any checkpoint PouchDB ignores `since` and starts from 0. A server that lost
      // what was pushed (restored, recreated) is told apart by the restore guard, which then pushes from 0.
      checkpoint: 'source',
      since: from.push,
    });
    this.restoreGuard.connected();
    this.pushedThrough = null;
    /** The newest sequence the pull has stored: where it started, then each batch's checkpoint. */
    let pulledThrough = from.pull;
    if (pushFromStart) this.pushedSinceMark = true;
    const onError = (err: unknown) => this.fail(err, generation);
    const onCaughtUp = (direction: 'pull' | 'push') => {
      if (!this.current(generation)) return;
      this.attempt = 0;
      this.setState({ name: 'live' }, { lastSyncedAt: this.timers.now() });
      if (direction === 'push') this.background(this.markPushed());
    };
    this.pull
      .on('change', (info: ReplicationInfo) => {
        if (!this.current(generation)) return;
        const docs = info.docs ?? [];
        for (const doc of docs) if (doc._rev) this.pulledRevs.set(doc._id, doc._rev);
        if (docs.length) void this.resolveConflicts(docs.map((d) => d._id));
        this.setState({ name: 'live' }, { lastSyncedAt: this.timers.now() });
      })
      .on('checkpoint', (event: { checkpoint?: number | string }) => {
        if (event.checkpoint === undefined || !this.current(generation)) return;
        pulledThrough = event.checkpoint;
        this.restoreGuard.notePulled(pulledThrough);
      })
      .on('paused', (err) => {
        if (err) return onError(err);
        if (this.current(generation)) this.restoreGuard.notePulled(pulledThrough);
        onCaughtUp('pull');
      })
      .on('error', onError);
    this.push
      .on('change', (info: ReplicationInfo) => {
        if (!this.current(generation)) return;
        if ((info.docs_written ?? 0) > 0 && !this.pushedSinceMark) {
          this.pushedSinceMark = true;
          this.background(this.restoreGuard.notePushing());
        }
        this.setState({ name: 'live' }, { lastSyncedAt: this.timers.now() });
        this.background(this.refreshPending());
      })
      .on('checkpoint', (event: { checkpoint?: number | string }) => {
        if (event.checkpoint !== undefined && this.current(generation)) this.pushedThrough = event.checkpoint;
      })
      .on('denied', (err) => this.background(this.recordRejected(err)))
      .on('paused', (err) => (err ? onError(err) : onCaughtUp('push')))
      .on('error', onError);
    if (from.handover) this.background(writeLocal(this.opts.local, LIVE_STATE, { pullSince: from.pull, pushSince: from.push }));
    // Still `connecting` until the server has answered: `live` is only claimed on the first caught-up event.
    // On every (re)connect: anything left conflicted, e.g. by a run that stopped mid-way.
    void this.resolveConflicts();
  }

  /**
   * A write the server refused (a per-doc `forbidden`): kept on the device, listed with the server's reason, and
   * remembered across restarts — the push checkpoint has moved past it, so nothing would ever retry it. It leaves
   * the list when the person edits the doc again (a new revision, pushed as usual).
   */
  private async recordRejected(err: unknown): Promise<void> {
    const e = err as { id?: string; reason?: string; message?: string };
    if (!e.id) return;
    const doc = (await this.opts.local.get(e.id).catch(() => null)) as { _rev?: string } | null;
    const entry: RejectedWrite = { id: e.id, rev: doc?._rev ?? '', reason: e.reason ?? e.message ?? 'refused by the server' };
    this.update({ rejected: [...this.status.rejected.filter((r) => r.id !== e.id), entry] });
    await writeLocal(this.opts.local, REJECTED_STATE, { writes: this.status.rejected });
    await this.refreshPending();
  }

  /** Rejected writes from earlier runs whose revision is still the current one. */
  private async loadRejected(): Promise<void> {
    const saved = await readLocal<{ writes: RejectedWrite[] }>(this.opts.local, REJECTED_STATE);
    const still: RejectedWrite[] = [];
    for (const entry of saved?.writes ?? []) {
      const doc = (await this.opts.local.get(entry.id).catch(() => null)) as { _rev?: string } | null;
      if (doc?._rev === entry.rev) still.push(entry);
    }
    this.update({ rejected: still });
  }

  private fail(err: unknown, generation: number): void {
    if (!this.current(generation)) return;
    this.teardown();
    const classified = classifyError(err);
    if (classified.kind === 'auth') {
      this.setState({ name: 'needs-login', message: classified.message });
      return;
    }
    if (!this.opts.online.isOnline()) {
      this.setState({ name: 'offline' });
      return;
    }
    if (classified.kind === 'fatal') {
      // Waiting will not fix it: no retry until the app starts or resumes the sync again.
      this.setState({ name: 'error', message: classified.message, retryAt: null });
      return;
    }
    const delay = backoffDelay(this.attempt, this.random, this.opts.backoff ?? DEFAULT_BACKOFF);
    this.attempt++;
    const retryAt = this.timers.now() + delay;
    this.setState({ name: 'error', message: classified.message, retryAt });
    const retryGeneration = this.generation;
    this.retryTimer = this.timers.setTimeout(() => {
      if (retryGeneration === this.generation) this.kick();
    }, delay);
  }

  /** The push caught up: remember how far, recount, and mark the server (one at a time, in order). */
  private markPushed(): Promise<void> {
    this.marking = this.marking.catch(() => {}).then(async () => {
      // The push's own checkpoint, not the database's newest sequence: an edit saved just as the push went idle
      // comes after it, and must stay counted (and exported) until a later batch sends it.
      const seq = this.pushedThrough;
      if (seq !== null) await writeLocal(this.opts.local, PUSH_STATE, { seq });
      // A recount that read the previous mark must not land after this one.
      this.pendingEpoch++;
      await this.refreshPending();
      if (this.pushedSinceMark) {
        this.pushedSinceMark = false;
        await this.restoreGuard.markPushed();
      }
    });
    return this.marking;
  }

  /** A change made on this device: not the device's own design doc, and not a revision the pull wrote. */
  private isLocalEdit(change: ChangeEvent): boolean {
    return isDomainDoc({ _id: change.id }) && this.pulledRevs.get(change.id) !== change.changes[0]?.rev;
  }

  /**
   * Recounts the pending edits. A call made while a count runs (which may have read an older mark or feed) gets
   * the next count, started when that one ends and shared by every call made meanwhile: a burst of events costs
   * two counts, not one each, and no caller waits longer than for those two.
   */
  private refreshPending(): Promise<void> {
    if (!this.counting) return this.startCount();
    this.nextCount ??= this.counting
      .catch(() => {})
      .then(() => {
        this.nextCount = null;
        return this.startCount();
      });
    return this.nextCount;
  }

  private startCount(): Promise<void> {
    const count: Promise<void> = this.countPending().finally(() => {
      if (this.counting === count) this.counting = null;
    });
    this.counting = count;
    return count;
  }

  /** Local edits the server does not have yet: changes since the last caught-up push, minus what the pull wrote. */
  private async countPending(): Promise<void> {
    // During the download every write is the fast path's; counting would rescan a growing feed after each page.
    if (this.status.state.name === 'initial') return;
    const epoch = this.pendingEpoch;
    const known = [...this.pulledRevs.keys()];
    const state = await readLocal<{ seq: number | string }>(this.opts.local, PUSH_STATE);
    const changes = await this.opts.local.changes({ since: state?.seq ?? 0, return_docs: true });
    const rejected = new Map(this.status.rejected.map((r) => [r.id, r.rev]));
    const pending = changes.results.filter((c) => this.isLocalEdit(c) && rejected.get(c.id) !== c.changes[0]?.rev).length;
    if (epoch !== this.pendingEpoch) return;
    if (pending !== this.status.pendingPush) this.update({ pendingPush: pending });
    // A pulled revision with no change since the mark is behind it for good: forget it (entries added while this
    // recount read the feed are kept).
    const changed = new Set(changes.results.map((c) => c.id));
    for (const id of known) if (!changed.has(id)) this.pulledRevs.delete(id);
  }

  private watchLocalWrites(): void {
    const feed = this.opts.local.changes({ since: 'now', live: true, return_docs: false });
    let scheduled: unknown = null;
    feed.on('change', (change: ChangeEvent) => {
      // What the pull wrote is not pending; the push recounts when it has caught up with it.
      if (scheduled !== null || !this.isLocalEdit(change)) return;
      // One recount per burst of writes, not one per document.
      scheduled = this.timers.setTimeout(() => {
        scheduled = null;
        this.background(this.refreshPending());
      }, 50);
    });
    feed.on('error', () => {});
    this.stopLocalFeed = () => {
      feed.cancel();
      if (scheduled !== null) this.timers.clearTimeout(scheduled);
    };
  }
}

function isDomainDoc(doc: Pick<Doc, '_id'>): boolean {
  return !doc._id.startsWith('_design/');
}

export function createSync(opts: SyncOptions): SyncController {
  return new SyncController(opts);
}
