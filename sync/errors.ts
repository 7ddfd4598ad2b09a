/**
 * Every error the engine meets is classified once, here:
 * - `auth`: the session is gone (401, or 403 on the database itself) → needs-login, keep every local edit;
 * - `retryable`: network trouble, timeouts, 5xx, a stalled feed → back off and retry;
 * - `fatal`: anything the engine cannot fix by waiting (e.g. the database does not exist) → error with words.
 * A per-document `forbidden` is not an error of the connection: it becomes a rejected write (see status.ts).
 */
export type ErrorKind = 'auth' | 'retryable' | 'fatal';

export interface Classified {
  kind: ErrorKind;
  message: string;
}

function statusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const status = (err as { status?: unknown }).status;
  return typeof status === 'number' ? status : undefined;
}

export function classifyError(err: unknown): Classified {
  const status = statusOf(err);
  // A 403 on the replication itself (not a per-document refusal, which arrives as a rejected write) means the
  // account lost access to the database: as for an expired session, a person has to sign in again.
  if (status === 401 || status === 403) {
    return { kind: 'auth', message: 'Your session has ended. Sign in again to keep syncing; your changes are kept on this device.' };
  }
  if (status === 404) {
    return { kind: 'fatal', message: "Your team's database was not found on the server. Ask your lead or HQ to check your account." };
  }
  if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 409 && status !== 429) {
    return { kind: 'fatal', message: `The server refused to sync (${status}). Try again later; if it keeps happening, tell your lead.` };
  }
  return { kind: 'retryable', message: "Can't reach the server right now. Your changes are saved on this device and will sync when the connection is back." };
}
