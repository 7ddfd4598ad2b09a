/** The app's one session store, bound to React. */
import { useStore } from 'zustand';
import { createSessionApi } from './api';
import { stopDeviceSync } from '../sync/device';
import { createSessionStore, type SessionStoreState } from './store';

export const sessionStore = createSessionStore(createSessionApi(), { beforeSignOut: stopDeviceSync });

export function useSession<T>(selector: (state: SessionStoreState) => T): T {
  return useStore(sessionStore, selector);
}
