/** The app's one session store, bound to React. */
import { useStore } from 'zustand';
import { deviceStore } from '../device/useDevice';
import { createSessionApi } from './api';
import { createIdentityMemory } from './memory';
import { createSessionStore, type SessionStoreState } from './store';

export const sessionStore = createSessionStore(
  createSessionApi(),
  {
    beforeSignOut: () => deviceStore.close(),
    afterSignOut: (identity) => deviceStore.wipe(identity.name),
  },
  createIdentityMemory(),
);

export function useSession<T>(selector: (state: SessionStoreState) => T): T {
  return useStore(sessionStore, selector);
}
