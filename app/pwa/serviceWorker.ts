/** The app's update store, wired to vite-plugin-pwa's workbox-window registration. */
import { useStore } from 'zustand';
import { registerSW } from 'virtual:pwa-register';
import { createUpdateStore, type UpdateState } from './updates';

/** An installed app can stay open for days: look for a new version now and then, not only on navigation. */
const UPDATE_CHECK_MS = 60 * 60 * 1000;

export const updateStore = createUpdateStore((options) =>
  registerSW({
    immediate: true,
    ...options,
    onRegisteredSW(_url, registration) {
      if (!registration) return;
      setInterval(() => {
        if (navigator.onLine) void registration.update().catch(() => {});
      }, UPDATE_CHECK_MS);
    },
  }),
);

export function useUpdates<T>(selector: (state: UpdateState) => T): T {
  return useStore(updateStore, selector);
}
