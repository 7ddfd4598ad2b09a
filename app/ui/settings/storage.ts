/**
 * What the browser says about this device's storage, in words. Pure apart from the `StorageManager` passed in, so
 * the screen stays thin and browsers without the API (older Safari, some embedded webviews) get a sentence, not a crash.
 */

export interface StorageFacts {
  /** Bytes used by this origin, when the browser says. */
  readonly usage: number | null;
  /** Bytes this origin may use, when the browser says. */
  readonly quota: number | null;
  /** null: the browser cannot tell. */
  readonly persisted: boolean | null;
}

type StorageApi = Pick<StorageManager, 'estimate' | 'persisted'>;

export async function readStorage(storage: Partial<StorageApi> | undefined): Promise<StorageFacts> {
  const estimate = storage?.estimate ? await storage.estimate().catch(() => null) : null;
  const persisted = storage?.persisted ? await storage.persisted().catch(() => null) : null;
  return { usage: estimate?.usage ?? null, quota: estimate?.quota ?? null, persisted };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

export function usageText(facts: StorageFacts): string {
  if (facts.usage === null || facts.quota === null) return 'This browser does not say how much storage Outpost uses.';
  const share = facts.quota > 0 ? Math.round((facts.usage / facts.quota) * 100) : 0;
  return `${formatBytes(facts.usage)} of ${formatBytes(facts.quota)} (${share}%)`;
}

/** Short answer for the facts list. */
export function persistedAnswer(persisted: boolean | null): string {
  return persisted === null ? 'Unknown' : persisted ? 'Yes' : 'No';
}

export function persistedText(persisted: boolean | null): string {
  if (persisted === null) return 'This browser cannot tell whether Outpost’s data is protected from clean-up.';
  return persisted
    ? 'The browser will not delete Outpost’s data to free space.'
    : 'When the device runs low on space, the browser may delete Outpost’s data, including edits not yet synced.';
}

/** The answer to "keep my data", and what to do when the browser says no. */
export function persistResultText(granted: boolean): string {
  return granted
    ? 'Done: the browser will keep Outpost’s data even when space runs low.'
    : 'The browser said no. Browsers decide this themselves: install Outpost (the “Install Outpost” button, or “Add to Home screen” in the browser menu) and keep using it, then ask again. Until then, sync often so that little is kept only on this device.';
}
