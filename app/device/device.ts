/**
 * This device's data: one local database per signed-in user (IndexedDB, `indexeddb` adapter — see
 * sync/README.md), replicating through `/couch/` on this origin with the team's database — or, for HQ, with the
 * hub, which holds every team's jobs.
 */
import PouchDB from 'pouchdb-browser/lib/index.es.js';
import indexeddb from 'pouchdb-adapter-indexeddb/lib/index.es.js';
import find from 'pouchdb-find/lib/index-browser.es.js';
import {
  browserOnlineSignal,
  createHandlerRegistry,
  createHlc,
  createMaintenance,
  createSync,
  devicePullSelector,
  domainHandlers,
  trimLocalJobs,
  type Maintenance,
  type RemoteDb,
  type Role,
  type SyncController,
  type WriteContext,
} from '../../sync';
import type { Identity } from '../session/identity';
import type { AppDb } from './db';

PouchDB.plugin(indexeddb);
PouchDB.plugin(find);

const DEVICE_KEY = 'outpost.deviceId';
const HLC_KEY = 'outpost.hlc';
/** HQ's conflict audit entries stay in the hub: they belong to no team. */
const HQ_AUDIT_TEAM = 'hq';

/** A random id for this browser profile, kept across sessions: it breaks ties between clock stamps. */
export function deviceId(storage: Storage = localStorage): string {
  let id = storage.getItem(DEVICE_KEY);
  if (!id) {
    id = `web-${crypto.randomUUID().slice(0, 8)}`;
    storage.setItem(DEVICE_KEY, id);
  }
  return id;
}

/** Someone who can work on this device: a team member, or HQ. */
export type WorkingIdentity = Identity & { role: Role };

export interface Device {
  readonly identity: WorkingIdentity;
  readonly local: AppDb;
  readonly sync: SyncController;
  /** Who writes, for the write helpers in sync/docs.ts. */
  readonly writer: WriteContext;
  /** The database this device replicates with, e.g. `outpost-team-north` or `outpost-hub`. */
  readonly remoteName: string;
  /** Compacts the local database, and drops old closed jobs, while nobody is using it (storage stays bounded). */
  readonly maintenance: Maintenance;
}

export function canWork(identity: Identity): identity is WorkingIdentity {
  return identity.role === 'hq' || (identity.role !== 'none' && identity.team !== null);
}

export function localDbName(user: string): string {
  return `outpost-${user}`;
}

export function openLocalDb(user: string): AppDb {
  return new PouchDB(localDbName(user), { adapter: 'indexeddb' }) as unknown as AppDb;
}

export function openDevice(identity: WorkingIdentity): Device {
  const local = openLocalDb(identity.name);
  const id = deviceId();
  const hlc = createHlc({ deviceId: id, now: Date.now, load: () => localStorage.getItem(HLC_KEY), save: (stamp) => localStorage.setItem(HLC_KEY, stamp) });
  const hq = identity.role === 'hq';
  const remoteName = hq ? 'outpost-hub' : `outpost-team-${identity.team}`;
  const remoteUrl = `${location.origin}/couch/${encodeURIComponent(remoteName)}`;
  const writer: WriteContext = { user: identity.name, role: identity.role, hlc, now: Date.now };
  const sameOrigin = (input: string | URL | Request, init?: RequestInit) => fetch(input, { ...init, credentials: 'same-origin' });
  const openRemote = (f: typeof sameOrigin) => new PouchDB(remoteUrl, { fetch: f, skip_setup: true }) as unknown as RemoteDb;
  const sync = createSync({
    local,
    remote: openRemote,
    fetch: sameOrigin,
    remoteId: remoteUrl,
    // What this device keeps: its team's docs, minus closed jobs past the retention window (HQ: every team's
    // jobs and sites). Read security comes from the server's _security, not from this selector.
    selector: hq || !identity.team ? { type: { $in: ['job', 'site'] } } : devicePullSelector(identity.team, { now: Date.now() }),
    online: browserOnlineSignal(),
    conflicts: {
      registry: createHandlerRegistry({ byType: domainHandlers }),
      context: writer,
      deviceId: id,
      team: identity.team ?? HQ_AUDIT_TEAM,
    },
  });
  const maintenance = createMaintenance({
    local,
    sync,
    // HQ's device mirrors the hub, which keeps closed jobs on purpose; only team devices trim.
    trim: hq ? undefined : () => trimLocalJobs({ local, remote: openRemote(sameOrigin), now: Date.now() }),
  });
  return { identity, local, sync, writer, remoteName, maintenance };
}
