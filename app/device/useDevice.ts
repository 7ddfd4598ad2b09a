/** The app's one device store, bound to React. */
import { useStore } from 'zustand';
import { useSyncExternalStore } from 'react';
import type { SyncStatus } from '../../sync';
import type { Device } from './device';
import { createDeviceStore } from './store';

export const deviceStore = createDeviceStore();

export function useDevice(): Device | null {
  return useStore(deviceStore, (s) => s.device);
}

const NO_STATUS = (): null => null;
const NO_SUBSCRIPTION = (): (() => void) => () => {};

/** The sync status of the open device, re-rendering on every change; null with no device. */
export function useSyncStatus(): SyncStatus | null {
  const device = useDevice();
  return useSyncExternalStore(device?.sync.subscribe ?? NO_SUBSCRIPTION, device?.sync.getStatus ?? NO_STATUS);
}
