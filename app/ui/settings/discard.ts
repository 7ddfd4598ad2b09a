/**
 * "Discard my change" for a write the server refused.
 *
 * The refused revision is the device's current one, and the server still has its own (older) revision. PouchDB
 * cannot drop a revision from the device (no purge on most adapters), and the body of the revision before it may
 * already be compacted away — nor is that one necessarily on the server (two offline edits travel together). So
 * we ask the server for its current version and write that body, unchanged, as a new revision on top of the
 * refused one: the device then shows what the server has, and the push delivers a revision whose content equals
 * the server's. It keeps the server's `updatedBy`/`updatedAt`, so it claims no new authorship, which the server's
 * validation accepts from any team member (the same rule that lets conflict resolutions through). This needs the
 * network; offline, the person is told to try again later.
 */
import type { Doc, LocalDb, RejectedWrite } from '../../../sync';
import { isQuotaExceeded, isUpdateConflict } from '../../device/db';

export type DiscardResult = { readonly ok: true } | { readonly ok: false; readonly message: string };

export interface DiscardOptions {
  readonly local: Pick<LocalDb, 'get' | 'put'>;
  /** The team (or hub) database on the server, e.g. `/couch/outpost-team-north`. */
  readonly dbUrl: string;
  readonly fetch?: (input: string, init?: RequestInit) => Promise<Response>;
}

const OFFLINE = 'Discarding needs a connection: the device fetches the server’s version first. Try again when you have signal.';

export async function discardRejected(entry: RejectedWrite, opts: DiscardOptions): Promise<DiscardResult> {
  const fetchFn = opts.fetch ?? ((input, init) => fetch(input, init));
  const current = (await opts.local.get(entry.id).catch(() => null)) as Doc | null;
  if (!current || current._rev !== entry.rev) {
    return { ok: false, message: 'This job has changed on this device since the server refused it; the newer version syncs as usual.' };
  }
  let res: Response;
  try {
    res = await fetchFn(`${opts.dbUrl}/${encodeURIComponent(entry.id)}?attachments=true`, { credentials: 'same-origin', headers: { accept: 'application/json' } });
  } catch {
    return { ok: false, message: OFFLINE };
  }
  if (res.status === 401) return { ok: false, message: 'Your session has ended. Sign in again (the sync bar asks for your password), then discard.' };
  if (res.status === 404) {
    return {
      ok: false,
      message: 'The server has no version of this to go back to (it never accepted it, or it was deleted there). Open it and fix what the server refused, or ask your lead to delete it.',
    };
  }
  if (!res.ok) return { ok: false, message: `The server could not answer (status ${res.status}). Try again in a minute.` };
  const server = (await res.json().catch(() => null)) as Doc | null;
  if (!server || server._id !== entry.id) return { ok: false, message: 'The server sent an answer Outpost cannot read. Try again in a minute.' };

  const { _rev: _serverRev, _revisions: _history, _conflicts: _others, ...body } = server as Doc & { _revisions?: unknown; _conflicts?: unknown };
  try {
    await opts.local.put({ ...body, _id: entry.id, _rev: current._rev });
  } catch (err) {
    if (isUpdateConflict(err)) return { ok: false, message: 'This job changed on this device a moment ago. Look at it again, then discard if you still want to.' };
    if (isQuotaExceeded(err)) return { ok: false, message: 'This device is out of storage. Free some space (old photos, other apps), then try again.' };
    return { ok: false, message: 'The device could not save the server’s version. Reload Outpost and try again.' };
  }
  return { ok: true };
}
