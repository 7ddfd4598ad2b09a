/**
 * Saving a person's edit to the local database. An edit is a function of the job (the write helpers in
 * sync/docs.ts), so when the sync wrote a newer revision in between, the edit is applied again to that revision
 * instead of failing: nobody's change is lost.
 */
import type { Doc, DomainDoc } from '../../sync';
import { isQuotaExceeded, isUpdateConflict, type AppDb } from '../device/db';
import { storageIsFull } from '../device/storage-probe';

export class SaveError extends Error {
  constructor(
    message: string,
    readonly kind: 'storage-full' | 'refused' | 'missing' | 'failed',
  ) {
    super(message);
    this.name = 'SaveError';
  }
}

export const SAVE_MESSAGES = {
  storageFull:
    'This device is out of storage, so the change was not saved. Your text is still here: free some space (delete old photos or apps) or export your unsynced edits from Settings, then save again.',
  missing: 'This job is no longer on this device (it may have been removed by your lead). Go back to the job list.',
} as const;

const ATTEMPTS = 5;

export interface SaveOptions {
  /** Asked after a failed write whose error does not say why (the adapter drops QuotaExceededError). */
  readonly storageIsFull?: () => Promise<boolean>;
}

/** A storage-layer failure (not a refusal): the browser may have run out of space without saying so. */
function mayBeFullStorage(err: unknown): boolean {
  const status = typeof err === 'object' && err !== null ? (err as { status?: unknown }).status : undefined;
  return status === 500;
}

async function explainWrite(err: unknown, opts: SaveOptions): Promise<SaveError> {
  const check = opts.storageIsFull ?? (typeof indexedDB === 'undefined' ? null : storageIsFull);
  if (!isQuotaExceeded(err) && mayBeFullStorage(err) && check && (await check().catch(() => false))) {
    return new SaveError(SAVE_MESSAGES.storageFull, 'storage-full');
  }
  return explain(err);
}

function explain(err: unknown): SaveError {
  if (err instanceof SaveError) return err;
  if (isQuotaExceeded(err)) return new SaveError(SAVE_MESSAGES.storageFull, 'storage-full');
  const reason = err instanceof Error ? err.message : typeof err === 'object' && err !== null ? String((err as { reason?: unknown }).reason ?? 'unknown error') : String(err);
  // Refusals from the write helpers (e.g. a field worker cancelling) carry their own sentence.
  if (err instanceof Error && !('status' in err)) return new SaveError(reason, 'refused');
  return new SaveError(`The change could not be saved on this device (${reason}). Try again; if it keeps failing, reload the app.`, 'failed');
}

export async function saveNew<D extends DomainDoc>(db: AppDb, doc: D, opts: SaveOptions = {}): Promise<D> {
  try {
    const res = await db.put(doc as unknown as Doc);
    return { ...doc, _rev: res.rev };
  } catch (err) {
    throw await explainWrite(err, opts);
  }
}

/** Applies `edit` to the current revision of `id` and stores the result; returns the stored doc. */
export async function saveEdit<D extends DomainDoc>(db: AppDb, id: string, edit: (doc: D) => D, opts: SaveOptions = {}): Promise<D> {
  for (let attempt = 1; ; attempt++) {
    let current: D;
    try {
      current = (await db.get(id)) as D;
    } catch (err) {
      if ((err as { status?: number }).status === 404) throw new SaveError(SAVE_MESSAGES.missing, 'missing');
      throw explain(err);
    }
    let next: D;
    try {
      next = edit(current);
    } catch (err) {
      throw explain(err);
    }
    if (next === current) return current;
    try {
      const res = await db.put(next as unknown as Doc);
      return { ...next, _rev: res.rev };
    } catch (err) {
      if (isUpdateConflict(err) && attempt < ATTEMPTS) continue;
      throw await explainWrite(err, opts);
    }
  }
}
