/**
 * Service worker lifecycle as a small store: "offline ready" after the first install, and
 * "new version waiting" when an update is found (registerType 'prompt': the person decides
 * when to reload). The registration function is injected; see `serviceWorker.ts` for the real one.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';

export interface RegisterOptions {
  onNeedRefresh(): void;
  onOfflineReady(): void;
  onRegisterError(error: unknown): void;
}

/** Registers the worker; returns a function that activates a waiting worker and reloads. */
export type RegisterFn = (options: RegisterOptions) => (reloadPage?: boolean) => Promise<void>;

export interface UpdateState {
  readonly needRefresh: boolean;
  readonly offlineReady: boolean;
  /** Switch to the waiting version (reloads the page). */
  update(): Promise<void>;
  dismiss(): void;
}

export type UpdateStore = StoreApi<UpdateState> & { start(): void };

export function createUpdateStore(register: RegisterFn, log: (message: string) => void = console.warn): UpdateStore {
  let activate: ((reloadPage?: boolean) => Promise<void>) | null = null;
  const store = createStore<UpdateState>()((set) => ({
    needRefresh: false,
    offlineReady: false,
    async update() {
      set({ needRefresh: false });
      if (activate) await activate(true);
    },
    dismiss() {
      set({ needRefresh: false, offlineReady: false });
    },
  }));
  return Object.assign(store, {
    start() {
      if (activate) return;
      activate = register({
        onNeedRefresh: () => store.setState({ needRefresh: true, offlineReady: false }),
        onOfflineReady: () => store.setState({ offlineReady: true }),
        onRegisterError: (error) => log(`Outpost could not install its offline worker: ${String(error)}`),
      });
    },
  });
}
