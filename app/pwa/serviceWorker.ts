/** The app's update store, wired to vite-plugin-pwa's workbox-window registration. */
import { useStore } from 'zustand';
import { registerSW } from 'virtual:pwa-register';
import { createUpdateStore, type UpdateState } from './updates';

export const updateStore = createUpdateStore((options) => registerSW({ immediate: true, ...options }));

export function useUpdates<T>(selector: (state: UpdateState) => T): T {
  return useStore(updateStore, selector);
}
