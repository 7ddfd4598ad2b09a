/**
 * The "export unsynced edits" file: every local doc the server does not have yet, and the writes it refused with
 * its reason, so a person can hand them to a lead or HQ before this device is wiped or lost.
 */
import type { Doc, RejectedWrite } from '../../../sync';

export interface UnsyncedExport {
  readonly format: 'outpost-unsynced-edits';
  readonly version: 1;
  readonly exportedAt: string;
  readonly user: string;
  readonly database: string;
  readonly docs: readonly Doc[];
  readonly rejected: readonly RejectedWrite[];
}

export function buildExport(input: { user: string; database: string; docs: readonly Doc[]; rejected: readonly RejectedWrite[]; now: number }): UnsyncedExport {
  return {
    format: 'outpost-unsynced-edits',
    version: 1,
    exportedAt: new Date(input.now).toISOString(),
    user: input.user,
    database: input.database,
    docs: input.docs,
    rejected: input.rejected,
  };
}

export function exportFileName(user: string, now: number): string {
  const stamp = new Date(now).toISOString().slice(0, 19).replace(/[:T]/g, '-');
  return `outpost-unsynced-${user.replace(/[^A-Za-z0-9._-]/g, '_')}-${stamp}.json`;
}

/** Saves `data` as a JSON file through the browser's download (works offline: nothing leaves the device). */
export function downloadJson(data: unknown, fileName: string, doc: Document = document): void {
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = doc.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  doc.body.append(link);
  link.click();
  link.remove();
  // Revoke after the click has been handled: some browsers start the download asynchronously.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
