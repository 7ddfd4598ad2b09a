import { useEffect, useState } from 'react';
import type { Doc, RejectedWrite } from '../../../sync';
import type { Device } from '../../device/device';

export interface RejectedRow {
  readonly entry: RejectedWrite;
  /** The job's (or site's) title on this device, when it has one. */
  readonly title: string | null;
}

/**
 * The refused writes that are still the device's current revision, with their titles. The engine lists a refused
 * write until it restarts even after the person edited or discarded it; such an entry is no longer refused (the
 * newer revision syncs as usual), so it is left out here. Re-read whenever the status changes; null until the
 * first read.
 */
export function useRejectedRows(device: Device, rejected: readonly RejectedWrite[], pendingPush: number): readonly RejectedRow[] | null {
  const [rows, setRows] = useState<readonly RejectedRow[] | null>(null);
  useEffect(() => {
    let live = true;
    void Promise.all(
      rejected.map(async (entry): Promise<RejectedRow | null> => {
        const doc = (await device.local.get(entry.id).catch(() => null)) as Doc | null;
        if (!doc || doc._rev !== entry.rev) return null;
        const title = typeof doc.title === 'string' && doc.title ? doc.title : typeof doc.name === 'string' && doc.name ? doc.name : null;
        return { entry, title };
      }),
    ).then((found) => {
      if (live) setRows(found.filter((r): r is RejectedRow => r !== null));
    });
    return () => {
      live = false;
    };
  }, [device, rejected, pendingPush]);
  return rows;
}
