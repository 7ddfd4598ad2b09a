import { useStore } from 'zustand';
import type { Device } from '../device/device';
import { deviceStore } from '../device/useDevice';
import { createJobListStore, type JobListState, type JobListStore } from './list-store';

// One list per open device, kept while the person moves between screens: coming back to the list finds the
// same filters, without reading the database again.
let cached: { device: Device; store: JobListStore } | null = null;

function listFor(device: Device): JobListStore {
  if (cached?.device !== device) {
    cached?.store.close();
    cached = { device, store: createJobListStore(device.local, { user: device.identity.name }) };
  }
  return cached.store;
}

// A closed device (sign-out) is about to be wiped: stop following its database first.
deviceStore.subscribe((state) => {
  if (cached && state.device !== cached.device) {
    cached.store.close();
    cached = null;
  }
});

export function useJobList<T>(device: Device, selector: (state: JobListState) => T): T {
  return useStore(listFor(device), selector);
}
