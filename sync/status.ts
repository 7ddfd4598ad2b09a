/**
 * Replication status: a tagged union with one owner (the controller). Every change goes through `transition`,
 * which refuses moves the state machine does not allow, so a late event from a cancelled feed cannot, say,
 * flip `needs-login` back to `live`.
 *
 *   offline ⇄ connecting → initial → live ⇄ (retrying via error) → …
 *        any → needs-login → (login) → connecting
 *        any → paused (stop) → connecting (start)
 */
export type SyncState =
  | { readonly name: 'offline' }
  | { readonly name: 'connecting'; readonly attempt: number }
  | { readonly name: 'initial'; readonly done: number; readonly total: number | null }
  | { readonly name: 'live' }
  | { readonly name: 'paused' }
  | { readonly name: 'needs-login'; readonly message: string }
  | { readonly name: 'error'; readonly message: string; readonly retryAt: number | null };

export type SyncStateName = SyncState['name'];

export interface RejectedWrite {
  readonly id: string;
  readonly rev: string;
  readonly reason: string;
}

export interface InboxEntry {
  readonly id: string;
  readonly type: string | null;
  /** Every competing leaf revision, as stored on this device. */
  readonly versions: ReadonlyArray<Readonly<Record<string, unknown>>>;
  readonly why: string;
}

export interface SyncStatus {
  readonly state: SyncState;
  /** Local edits not yet on the server. */
  readonly pendingPush: number;
  readonly lastSyncedAt: number | null;
  readonly initialProgress: { readonly done: number; readonly total: number | null } | null;
  /** Conflicts waiting for a person (the inbox). */
  readonly conflicts: number;
  readonly inbox: readonly InboxEntry[];
  readonly rejected: readonly RejectedWrite[];
}

export const INITIAL_STATUS: SyncStatus = {
  state: { name: 'paused' },
  pendingPush: 0,
  lastSyncedAt: null,
  initialProgress: null,
  conflicts: 0,
  inbox: [],
  rejected: [],
};

const ALLOWED: Readonly<Record<SyncStateName, readonly SyncStateName[]>> = {
  paused: ['connecting', 'offline'],
  offline: ['connecting', 'paused'],
  connecting: ['connecting', 'initial', 'live', 'offline', 'needs-login', 'error', 'paused'],
  initial: ['initial', 'live', 'offline', 'needs-login', 'error', 'paused'],
  live: ['live', 'offline', 'needs-login', 'error', 'paused', 'connecting'],
  error: ['connecting', 'offline', 'needs-login', 'paused', 'error'],
  'needs-login': ['connecting', 'paused'],
};

export function canTransition(from: SyncStateName, to: SyncStateName): boolean {
  return ALLOWED[from].includes(to);
}
