/**
 * Restore-safe push (ARCHITECTURE §4): when the server's database was restored from an older backup, push again
 * everything the server lacks.
 *
 * PouchDB resumes a push from the checkpoint it finds on both sides. A restore that drops `_local` docs (a backup
 * made by replication) leaves no checkpoint, and PouchDB starts over by itself. A restore of the database files
 * brings back the checkpoint as it was at backup time; when that is from the same replication session as the
 * device's own checkpoint, PouchDB trusts the device's later sequence, and every edit pushed between the backup and
 * the restore is silently never sent again (the failure medic/cht-core#8093 describes).
 *
 * So after each push that caught up having sent something, the device writes a fresh random token, first into a
 * `_local` doc of its own, then into a `_local` doc on the server (`_local` docs skip validation; any member may
 * write them). On every (re)connect it reads the server's copy: missing, or another token, means the server is not
 * the one we last pushed to — the push then starts from sequence 0. That costs one `_revs_diff` per batch of
 * local changes, and sends only what the server lacks.
 *
 * Between a push sending something and its token being written, the device keeps an `unconfirmed` flag: a device
 * that went offline in that window cannot tell a restore from the token (the server still has the previous one,
 * and so would a backup taken just before), so it pushes from 0 on its next connection too.
 */
import type { LocalDb, RemoteDb } from './db';
import { readLocal, writeLocal } from './db';

const LOCAL_STATE = 'outpost-restore-guard';
const remotePath = (marker: string) => `_local/outpost-pushed-${marker}`;

interface GuardState {
  /** Names this device's marker on the server. */
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
}

/** An error PouchDB-style, so the engine's classifyError sees the status (401/403 → sign in again). */
function httpError(what: string, status: number): Error & { status: number } {
  return Object.assign(new Error(`${what}: HTTP ${status}`), { status });
}

export function createRestoreGuard(local: LocalDb, remote: RemoteDb, random: () => number = Math.random): RestoreGuard {
  const newToken = () => `${Date.now().toString(36)}-${Math.floor(random() * 2 ** 48).toString(36)}`;
  let marking: Promise<void> = Promise.resolve();

  async function state(): Promise<GuardState> {
    const saved = await readLocal<GuardState>(local, LOCAL_STATE);
    if (saved) return { marker: saved.marker, token: saved.token, ...(saved.unconfirmed ? { unconfirmed: true } : {}) };
    const fresh = { marker: newToken(), token: null };
    await writeLocal(local, LOCAL_STATE, fresh);
    return fresh;
  }

  async function readRemote(marker: string): Promise<{ token?: string; _rev?: string } | null> {
    const res = await remote.fetch(remotePath(marker));
    if (res.status === 404) return null;
    if (!res.ok) throw httpError(`reading the push marker`, res.status);
    return (await res.json()) as { token?: string; _rev?: string };
  }

  /** The marker's revision on the server as of our last write: the next write needs no read first. */
  let knownRev: string | null | undefined;

  async function writeRemote(marker: string, token: string): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const rev = knownRev !== undefined ? knownRev : ((await readRemote(marker))?._rev ?? null);
      const res = await remote.fetch(remotePath(marker), {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token, ...(rev ? { _rev: rev } : {}) }),
      });
      if (res.ok) {
        knownRev = ((await res.json()) as { rev?: string }).rev ?? undefined;
        return;
      }
      // Someone else's write, or a server restored meanwhile: read the current revision and try again.
      knownRev = undefined;
      if (res.status !== 409) throw httpError('writing the push marker', res.status);
    }
  }

  return {
    async serverLostPushes() {
      const { marker, token, unconfirmed } = await state();
      if (unconfirmed) return true;
      if (token === null) return false;
      const onServer = await readRemote(marker);
      knownRev = onServer?._rev ?? null;
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
        await writeRemote(marker, token);
      });
      return marking;
    },
  };
}
