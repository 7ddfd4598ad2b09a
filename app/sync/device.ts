/**
 * This device's sync: one local database per signed-in user (IndexedDB, `indexeddb` adapter — see
 * sync/README.md), replicating with the team's database through `/couch/` on this origin.
 */
import PouchDB from 'pouchdb-browser/lib/index.es.js';
import indexeddb from 'pouchdb-adapter-indexeddb/lib/index.es.js';
import {
  browserOnlineSignal,
  createHandlerRegistry,
  createHlc,
  createSync,
  domainHandlers,
  type LocalDb,
  type RemoteDb,
  type SyncController,
} from '../../sync';
import type { Identity } from '../session/identity';

PouchDB.plugin(indexeddb);

const DEVICE_KEY = 'outpost.deviceId';
const HLC_KEY = 'outpost.hlc';

/** A random id for this browser profile, kept across sessions: it breaks ties between clock stamps. */
export function deviceId(storage: Storage = localStorage): string {
  let id = storage.getItem(DEVICE_KEY);
  if (!id) {
    id = `web-${crypto.randomUUID().slice(0, 8)}`;
    storage.setItem(DEVICE_KEY, id);
  }
  return id;
}

export interface DeviceSync {
  sync: SyncController;
  local: LocalDb & { info(): Promise<{ doc_count: number }> };
}

let current: DeviceSync | null = null;

/** Stops this device's sync and lets its requests finish; the session store calls it before signing out. */
export async function stopDeviceSync(): Promise<void> {
  const running = current;
  current = null;
  await running?.sync.stopAndSettle();
}

export function startDeviceSync(identity: Identity & { team: string }): DeviceSync {
  const local = new PouchDB(`outpost-${identity.name}`, { adapter: 'indexeddb' }) as unknown as DeviceSync['local'];
  const id = deviceId();
  const hlc = createHlc({ deviceId: id, now: Date.now, load: () => localStorage.getItem(HLC_KEY), save: (stamp) => localStorage.setItem(HLC_KEY, stamp) });
  const teamUrl = `${location.origin}/couch/outpost-team-${encodeURIComponent(identity.team)}`;
  const role = identity.role === 'lead' || identity.role === 'hq' ? identity.role : 'field';
  const sync = createSync({
    local,
    remote: (fetch) => new PouchDB(teamUrl, { fetch, skip_setup: true }) as unknown as RemoteDb,
    fetch: (input, init) => fetch(input, { ...init, credentials: 'same-origin' }),
    remoteId: teamUrl,
    selector: { team: identity.team },
    online: browserOnlineSignal(),
    conflicts: {
      registry: createHandlerRegistry({ byType: domainHandlers }),
      context: { user: identity.name, role, hlc, now: Date.now },
      deviceId: id,
      team: identity.team,
    },
  });
  sync.start();
  current = { sync, local };
  return current;
}
