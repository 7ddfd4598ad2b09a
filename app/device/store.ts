/**
 * Which device session is open: the local database and its sync, for the person signed in. One owner: the
 * session store's changes open it, and signing out closes it (the sync stops first, so no late answer renews the
 * session) and then wipes the local database, because field devices are shared.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { SessionStore } from '../session/store';
import { canWork, openDevice, openLocalDb, type Device, type WorkingIdentity } from './device';

export interface DeviceState {
  readonly device: Device | null;
}

export interface DeviceStore extends StoreApi<DeviceState> {
  /** Opens the device for this person (idempotent for the same person). */
  open(identity: WorkingIdentity): Device;
  /** Stops the sync and lets its requests finish. */
  close(): Promise<void>;
  /** Deletes this person's local database from the device. */
  wipe(user: string): Promise<void>;
}

export function createDeviceStore(open: (identity: WorkingIdentity) => Device = openDevice): DeviceStore {
  const store = createStore<DeviceState>()(() => ({ device: null }));
  const close = async (): Promise<void> => {
    const current = store.getState().device;
    store.setState({ device: null });
    current?.maintenance.stop();
    await current?.sync.stopAndSettle();
  };
  return Object.assign(store, {
    open(identity: WorkingIdentity) {
      const current = store.getState().device;
      if (current && current.identity.name === identity.name && current.identity.team === identity.team) return current;
      if (current) void close();
      const device = open(identity);
      store.setState({ device });
      device.sync.start();
      device.maintenance.start();
      return device;
    },
    close,
    async wipe(user: string) {
      const current = store.getState().device;
      if (current?.identity.name === user) await close();
      await openLocalDb(user).destroy();
    },
  });
}

/** Opens the device when someone who can work signs in; closes it when the session ends. */
export function bindDeviceToSession(devices: DeviceStore, sessions: SessionStore): () => void {
  const apply = (): void => {
    const session = sessions.getState().session;
    if (session.status === 'signed-in' && canWork(session.identity)) devices.open(session.identity);
    else if (session.status === 'signed-out' && devices.getState().device) void devices.close();
  };
  apply();
  return sessions.subscribe(apply);
}
