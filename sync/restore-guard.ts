/**
 * Restore safety (ARCHITECTURE §4): when the server's database was restored from an older backup, push again
 * everything the server lacks, and pull again everything after the point the backup knew this device had reached.
 *
 * Push. PouchDB resumes a push from its checkpoint. A restore of the database files brings back the server as it
 * was at backup time; a device resuming from its own later checkpoint would never send again what it pushed
 * between the backup and the restore (the failure medic/cht-core#8093 describes). So after each push that caught
 * up having sent something, the device writes a fresh random token, first into a `_local` doc of its own, then into
 * a `_local` doc on the server (`_local` docs skip validation; any member may write them). On every (re)connect it
 * reads the server's copy: missing, or another token, means the server is not the one we last pushed to — the
 * push then starts from sequence 0. That costs one `_revs_diff` per batch of local changes, and sends only what
 * the server lacks. Between a push sending something and its token being written, the device keeps an
 * `unconfirmed` flag: a device that went offline in that window cannot tell a restore from the token (the server
 * still has the previous one, and so would a backup taken just before), so it pushes from 0 next time too.
 *
 * Pull. The pull keeps its checkpoint on the device only (PouchDB's default also writes it on the server: a read
 * and a write per pulled batch, on every device). Where it may resume is marked on the server instead, in
 * `_local/outpost-pulled-<marker>`: a sequence the device had pulled through. The first mark is written where the
 * initial sync ends, before the live pull starts; then at the first pulled batch or catch-up of each connection,
 * and at most once a minute after that. A backup holds the mark as it was then, never ahead of the data it holds,
 * so resuming from the server's mark cannot skip anything a restore brought back or anything written after it;
 * without a mark (a restore that drops `_local` docs) the pull starts from 0. A pull that resumes from a mark up to
 * a minute old only re-reads that minute's changes, which the device already has.
 */
import type { LocalDb, RemoteDb } from './db';
import { HttpError, readJson, readLocal, writeLocal } from './db';

const LOCAL_STATE = 'outpost-restore-guard';
const pushedPath = (marker: string) => `_local/outpost-pushed-${marker}`;
const pulledPath = (marker: string) => `_local/outpost-pulled-${marker}`;

/** Longest time between two pull marks while the pull is busy. */
export const PULL_MARK_MS = 60_000;

type Seq = number | string;

interface GuardState {
  /** Names this device's markers on the server. */
  marker: string;
  /** The token of the last caught-up push, or null before the first. */
  token: string | null;
  /** The push sent something that no token confirms yet. */
  unconfirmed?: boolean;
}

export interface RestoreGuard {
  /** True when the server lacks the mark of our last caught-up push, i.e. it may lack what we pushed. */
  serverLostPushes(): Promise<boolean>;
  /** The push has sent something: until markPushed, a reconnect pushes from 0. */
  notePushing(): Promise<void>;
  /** After a push caught up: a new token, on the device first, then on the server. */
  markPushed(): Promise<void>;
  /** Where the pull may resume: the server's mark of this device's pull, or 0 without one. */
  pullResumesAt(): Promise<Seq>;
  /** The pull has stored everything through `seq`. */
  notePulled(seq: Seq): void;
  /** Marks `seq` now, and waits for the server to have it: where the initial sync handed over to the live pull. */
  markPulled(seq: Seq): Promise<void>;
  /** A new connection: the first sequence it notes is marked at once. */
  connected(): void;
}

/** A `_local` doc on the server that only this device writes: its revision is remembered, so a write needs no read. */
function remoteMark<T extends object>(remote: RemoteDb, path: string, what: string) {
  let knownRev: string | null | undefined;
  async function read(): Promise<(T & { _rev?: string }) | null> {
    const res = await remote.fetch(path);
    if (res.status === 404) {
      knownRev = null;
      return null;
    }
    const body = await readJson<T & { _rev?: string }>(res);
    knownRev = body._rev ?? null;
    return body;
  }
  async function write(value: T): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const rev = knownRev !== undefined ? knownRev : ((await read())?._rev ?? null);
      const res = await remote.fetch(path, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...value, ...(rev ? { _rev: rev } : {}) }),
      });
      if (res.ok) {
        knownRev = ((await res.json()) as { rev?: string }).rev ?? undefined;
        return;
      }
      // A server restored or recreated meanwhile: read the current revision and try again.
      knownRev = undefined;
      if (res.status !== 409) throw new HttpError(res.status, `writing the ${what}`);
    }
  }
  return { read, write };
}

export function createRestoreGuard(local: LocalDb, remote: RemoteDb, random: () => number = Math.random, now: () => number = Date.now): RestoreGuard {
  const newToken = () => `${Date.now().toString(36)}-${Math.floor(random() * 2 ** 48).toString(36)}`;
  let marking: Promise<void> = Promise.resolve();

  async function state(): Promise<GuardState> {
    const saved = await readLocal<GuardState>(local, LOCAL_STATE);
    if (saved) return { marker: saved.marker, token: saved.token, ...(saved.unconfirmed ? { unconfirmed: true } : {}) };
    const fresh = { marker: newToken(), token: null };
    await writeLocal(local, LOCAL_STATE, fresh);
    return fresh;
  }

  let marks: { pushed: ReturnType<typeof remoteMark<{ token: string }>>; pulled: ReturnType<typeof remoteMark<{ seq: Seq }>> } | null = null;
  async function markers() {
    if (!marks) {
      const { marker } = await state();
      marks ??= { pushed: remoteMark(remote, pushedPath(marker), 'push marker'), pulled: remoteMark(remote, pulledPath(marker), 'pull marker') };
    }
    return marks;
  }

  /** When, and what, the pull last marked. */
  let pullMarkedAt = -Infinity;
  let pullMarked: Seq | null = null;
  let pullMarking: Promise<void> = Promise.resolve();

  return {
    async serverLostPushes() {
      const { token, unconfirmed } = await state();
      if (unconfirmed) return true;
      if (token === null) return false;
      const onServer = await (await markers()).pushed.read();
      return onServer?.token !== token;
    },
    notePushing() {
      marking = marking.catch(() => {}).then(async () => {
        const current = await state();
        if (!current.unconfirmed) await writeLocal(local, LOCAL_STATE, { ...current, unconfirmed: true });
      });
      return marking;
    },
    markPushed() {
      marking = marking.catch(() => {}).then(async () => {
        const { marker } = await state();
        const token = newToken();
        await writeLocal(local, LOCAL_STATE, { marker, token });
        await (await markers()).pushed.write({ token });
      });
      return marking;
    },
    async pullResumesAt() {
      const mark = await (await markers()).pulled.read();
      return mark?.seq ?? 0;
    },
    notePulled(seq) {
      if (now() - pullMarkedAt < PULL_MARK_MS || seq === pullMarked) return;
      pullMarkedAt = now();
      const target = seq;
      pullMarking = pullMarking
        .catch(() => {})
        .then(async () => {
          await (await markers()).pulled.write({ seq: target });
          pullMarked = target;
        })
        .catch(() => {
          pullMarkedAt = -Infinity; // try again at the next batch or catch-up
        });
    },
    async markPulled(seq) {
      await pullMarking.catch(() => {});
      await (await markers()).pulled.write({ seq });
      pullMarked = seq;
      pullMarkedAt = now();
    },
    connected() {
      pullMarkedAt = -Infinity;
    },
  };
}
