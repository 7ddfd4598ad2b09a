import { useState } from 'react';
import type { RejectedWrite } from '../../../sync';
import type { Device } from '../../device/device';
import { buildExport, downloadJson, exportFileName } from './export';

export interface ExportState {
  readonly busy: boolean;
  /** What happened, in words; null before the first export. */
  readonly message: { readonly text: string; readonly failed: boolean } | null;
  run(): Promise<void>;
}

/** Exports the device's unsynced edits (and refused writes with the server's reason) as a JSON download. */
export function useExport(device: Device, rejected: readonly RejectedWrite[]): ExportState {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<ExportState['message']>(null);

  async function run(): Promise<void> {
    if (busy) return;
    setBusy(true);
    try {
      const docs = await device.sync.unsyncedDocs();
      if (docs.length === 0 && rejected.length === 0) {
        setMessage({ text: 'Nothing to export: the server has every edit from this device.', failed: false });
        return;
      }
      const now = Date.now();
      const fileName = exportFileName(device.identity.name, now);
      downloadJson(buildExport({ user: device.identity.name, database: device.remoteName, docs, rejected, now }), fileName);
      setMessage({
        text: `Saved ${docs.length} document${docs.length === 1 ? '' : 's'} to ${fileName}. Keep the file until the edits are on the server, or give it to your lead.`,
        failed: false,
      });
    } catch {
      setMessage({ text: 'Outpost could not read the unsynced edits. They are still on this device: reload Outpost and try again.', failed: true });
    } finally {
      setBusy(false);
    }
  }

  return { busy, message, run };
}
