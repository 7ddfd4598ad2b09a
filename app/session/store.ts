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
import { NO_MEMORY, type IdentityMemory } from './memory';
import { MESSAGES, problemMessage } from './messages';

export type SessionState =
  | { readonly status: 'checking' }
  | { readonly status: 'signed-out'; readonly notice: string | null }
  | { readonly status: 'signing-in'; readonly name: string }
  /** `offline`: entered without the server (the last person on this device, while there is no network). */
  | { readonly status: 'signed-in'; readonly identity: Identity; readonly notice: string | null; readonly offline: boolean }
  | { readonly status: 'signing-out'; readonly identity: Identity };

export interface SessionStoreState {
  readonly session: SessionState;
  /** Asks the server who we are (on load). Legal while checking, or signed out. */
  check(): Promise<void>;
  signIn(name: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  /** Gets a fresh session cookie for the person signed in (after it expired); the message to show, or null. */
  renew(password: string): Promise<string | null>;
}

export type SessionStore = StoreApi<SessionStoreState>;

export interface SessionHooks {
  /** Runs before the session is ended on the server (the app stops syncing, so no late answer renews it). */
  beforeSignOut?(): Promise<void>;
  /** Runs once the session has ended: the app wipes this person's local data (devices are shared). */
  afterSignOut?(identity: Identity): Promise<void>;
}

export function createSessionStore(api: SessionApi, hooks: SessionHooks = {}, memory: IdentityMemory = NO_MEMORY): SessionStore {
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
        // The last person on this device works from local data at once, with or without a network; the server's
        // answer only refines who they are. An expired session shows up as the sync's "sign in again".
        if (memory.owesServerSignOut()) {
          // The last person signed out with no network; their session cookie must not sign anyone in.
          const ended = await api.signOut();
          if (ended.ok) memory.setOwesServerSignOut(false);
          else {
            transition(pending, { status: 'signed-out', notice: null });
            return;
          }
        }
        const remembered = memory.load();
        const entered = remembered ? enter({ status: 'signed-in', identity: remembered.identity, notice: null, offline: true }) : pending;
        const reply = await api.getSession();
        if (!reply.ok) {
          if (!remembered) transition(pending, { status: 'signed-out', notice: problemMessage('check', reply.failure) });
          return;
        }
        const identity = identityFromUserCtx(reply.value);
        if (identity) await memory.remember(identity, null);
        if (identity) transition(entered, { status: 'signed-in', identity, notice: null, offline: false });
        else if (!remembered) transition(pending, { status: 'signed-out', notice: null });
      },

      async signIn(rawName, password) {
        if (get().session.status !== 'signed-out') return;
        // Phone keyboards add a trailing space after a suggested word; CouchDB names never need one.
        const name = rawName.trim();
        const pending = enter({ status: 'signing-in', name });
        const created = await api.signIn(name, password);
        if (!created.ok) {
          if (created.failure.kind === 'unreachable') {
            const remembered = memory.load();
            if (remembered && (await memory.verify(name, password))) {
              transition(pending, { status: 'signed-in', identity: remembered.identity, notice: null, offline: true });
              return;
            }
            transition(pending, { status: 'signed-out', notice: remembered?.identity.name === name ? MESSAGES.unreachable : MESSAGES.firstSignInNeedsNetwork });
            return;
          }
          transition(pending, { status: 'signed-out', notice: problemMessage('sign-in', created.failure) });
          return;
        }
        memory.setOwesServerSignOut(false); // the new session cookie replaced the old one
        const reply = await api.getSession();
        if (!reply.ok) {
          transition(pending, { status: 'signed-out', notice: problemMessage('sign-in', reply.failure) });
          return;
        }
        const identity = identityFromUserCtx(reply.value);
        if (identity) await memory.remember(identity, password);
        transition(
          pending,
          identity
            ? { status: 'signed-in', identity, notice: null, offline: false }
            : { status: 'signed-out', notice: problemMessage('sign-in', { kind: 'cookie-not-kept' }) },
        );
      },

      async signOut() {
        const current = get().session;
        if (current.status !== 'signed-in') return;
        const pending = enter({ status: 'signing-out', identity: current.identity });
        await hooks.beforeSignOut?.().catch(() => {});
        const reply = await api.signOut();
        // With no network the device is signed out all the same (field devices are shared); the server's session
        // is ended on the next connection, before anyone can be signed in by its cookie.
        const offline = !reply.ok && reply.failure.kind === 'unreachable';
        if (!reply.ok && !offline) {
          transition(pending, { status: 'signed-in', identity: current.identity, notice: problemMessage('sign-out', reply.failure), offline: current.offline });
          return;
        }
        if (offline) memory.setOwesServerSignOut(true);
        memory.forget();
        const wiped = await (hooks.afterSignOut?.(current.identity) ?? Promise.resolve()).then(
          () => (offline ? MESSAGES.signedOutOffline : null),
          () => MESSAGES.wipeFailed,
        );
        // A response the sync had in flight may have carried a renewed session cookie past the sign-out. By now
        // (after the wipe) every such response has landed: if the server still knows us, end that session too.
        if (!offline) {
          const still = await api.getSession();
          if (still.ok && still.value.name !== null) await api.signOut();
        }
        transition(pending, { status: 'signed-out', notice: wiped });
      },

      async renew(password) {
        const current = get().session;
        if (current.status !== 'signed-in') return null;
        const created = await api.signIn(current.identity.name, password);
        if (!created.ok) return problemMessage('sign-in', created.failure);
        await memory.remember(current.identity, password);
        if (get().session === current && current.offline) set({ session: { ...current, offline: false } });
        return null;
      },
    };
  });
}
