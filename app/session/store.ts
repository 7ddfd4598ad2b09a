/**
 * The session store: who is signed in, with one owner for every change.
 *
 *   checking ──▶ signed-out ──signIn──▶ signing-in ──▶ signed-in ──signOut──▶ signing-out ──▶ signed-out
 *       │            ▲                      │              ▲                       │
 *       └────────────┼──────────────────────┘ (fails)      └───────────────────────┘ (fails)
 *                    └─ with a notice saying what went wrong and what to do next
 *
 * Each action is legal from one state only and is ignored elsewhere; a reply is applied only if
 * the store is still in the state that asked for it, so a late reply never overwrites a newer one.
 * No React here: components bind through zustand's `useStore`.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { SessionApi } from './api';
import { identityFromUserCtx, type Identity } from './identity';
import { problemMessage } from './messages';

export type SessionState =
  | { readonly status: 'checking' }
  | { readonly status: 'signed-out'; readonly notice: string | null }
  | { readonly status: 'signing-in'; readonly name: string }
  | { readonly status: 'signed-in'; readonly identity: Identity; readonly notice: string | null }
  | { readonly status: 'signing-out'; readonly identity: Identity };

export interface SessionStoreState {
  readonly session: SessionState;
  /** Asks the server who we are (on load). Legal while checking, or signed out. */
  check(): Promise<void>;
  signIn(name: string, password: string): Promise<void>;
  signOut(): Promise<void>;
}

export type SessionStore = StoreApi<SessionStoreState>;

export interface SessionHooks {
  /** Runs before the session is ended on the server (the app stops syncing, so no late answer renews it). */
  beforeSignOut?(): Promise<void>;
}

export function createSessionStore(api: SessionApi, hooks: SessionHooks = {}): SessionStore {
  return createStore<SessionStoreState>()((set, get) => {
    /** Moves to `next` only if `from` is still the current state. */
    const transition = (from: SessionState, next: SessionState): void => {
      if (get().session === from) set({ session: next });
    };
    const enter = (next: SessionState): SessionState => {
      set({ session: next });
      return next;
    };

    return {
      session: { status: 'checking' },

      async check() {
        const current = get().session;
        if (current.status !== 'checking' && current.status !== 'signed-out') return;
        const pending = current.status === 'checking' ? current : enter({ status: 'checking' });
        const reply = await api.getSession();
        if (!reply.ok) {
          transition(pending, { status: 'signed-out', notice: problemMessage('check', reply.failure) });
          return;
        }
        const identity = identityFromUserCtx(reply.value);
        transition(pending, identity ? { status: 'signed-in', identity, notice: null } : { status: 'signed-out', notice: null });
      },

      async signIn(rawName, password) {
        if (get().session.status !== 'signed-out') return;
        // Phone keyboards add a trailing space after a suggested word; CouchDB names never need one.
        const name = rawName.trim();
        const pending = enter({ status: 'signing-in', name });
        const created = await api.signIn(name, password);
        if (!created.ok) {
          transition(pending, { status: 'signed-out', notice: problemMessage('sign-in', created.failure) });
          return;
        }
        const reply = await api.getSession();
        if (!reply.ok) {
          transition(pending, { status: 'signed-out', notice: problemMessage('sign-in', reply.failure) });
          return;
        }
        const identity = identityFromUserCtx(reply.value);
        transition(
          pending,
          identity
            ? { status: 'signed-in', identity, notice: null }
            : { status: 'signed-out', notice: problemMessage('sign-in', { kind: 'cookie-not-kept' }) },
        );
      },

      async signOut() {
        const current = get().session;
        if (current.status !== 'signed-in') return;
        const pending = enter({ status: 'signing-out', identity: current.identity });
        await hooks.beforeSignOut?.().catch(() => {});
        const reply = await api.signOut();
        transition(
          pending,
          reply.ok
            ? { status: 'signed-out', notice: null }
            : { status: 'signed-in', identity: current.identity, notice: problemMessage('sign-out', reply.failure) },
        );
      },
    };
  });
}
