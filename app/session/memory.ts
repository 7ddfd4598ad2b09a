/**
 * Who last signed in on this device, so they can re-enter and keep working with no network.
 *
 * Kept: name, team and role (what the app needs to know who they are), and a PBKDF2-SHA-256 verifier of the
 * password (random salt, 210,000 rounds) so that signing in again offline checks the password without the
 * server. Never the password itself. Signing out forgets all of it.
 */
import type { Identity, Role } from './identity';

export interface Remembered {
  readonly identity: Identity;
  readonly verifier: { readonly salt: string; readonly hash: string; readonly rounds: number } | null;
}

export interface IdentityMemory {
  load(): Remembered | null;
  remember(identity: Identity, password: string | null): Promise<void>;
  /** True when `name`/`password` match the remembered person. */
  verify(name: string, password: string): Promise<boolean>;
  forget(): void;
  /** Someone signed out with no network: the server's session still has to be ended on the next connection. */
  owesServerSignOut(): boolean;
  setOwesServerSignOut(owed: boolean): void;
}

const KEY = 'outpost.lastUser';
const OWED_KEY = 'outpost.signOutOwed';
const ROUNDS = 210_000;
const ROLES: readonly Role[] = ['field', 'lead', 'hq', 'none'];

const toBase64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string): Uint8Array => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

async function derive(password: string, salt: Uint8Array, rounds: number): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: salt as BufferSource, iterations: rounds }, key, 256);
  return toBase64(new Uint8Array(bits));
}

function parse(text: string | null): Remembered | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as Partial<Remembered>;
    const id = value.identity;
    if (!id || typeof id.name !== 'string' || (id.team !== null && typeof id.team !== 'string') || !ROLES.includes(id.role)) return null;
    const v = value.verifier;
    const verifier = v && typeof v.salt === 'string' && typeof v.hash === 'string' && Number.isInteger(v.rounds) ? v : null;
    return { identity: { name: id.name, team: id.team, role: id.role }, verifier };
  } catch {
    return null;
  }
}

export function createIdentityMemory(storage: Storage = localStorage): IdentityMemory {
  return {
    load: () => parse(storage.getItem(KEY)),
    async remember(identity, password) {
      let verifier: Remembered['verifier'] = null;
      if (password !== null) {
        const salt = crypto.getRandomValues(new Uint8Array(16));
        verifier = { salt: toBase64(salt), hash: await derive(password, salt, ROUNDS), rounds: ROUNDS };
      } else {
        // A session found on load carries no password: keep the verifier from the sign-in that made it.
        const previous = parse(storage.getItem(KEY));
        if (previous?.identity.name === identity.name) verifier = previous.verifier;
      }
      const value: Remembered = { identity, verifier };
      storage.setItem(KEY, JSON.stringify(value));
    },
    async verify(name, password) {
      const saved = parse(storage.getItem(KEY));
      if (!saved?.verifier || saved.identity.name !== name) return false;
      const hash = await derive(password, fromBase64(saved.verifier.salt), saved.verifier.rounds);
      return hash === saved.verifier.hash;
    },
    forget: () => storage.removeItem(KEY),
    owesServerSignOut: () => storage.getItem(OWED_KEY) === '1',
    setOwesServerSignOut: (owed) => (owed ? storage.setItem(OWED_KEY, '1') : storage.removeItem(OWED_KEY)),
  };
}

/** A memory that keeps nothing (tests of other behaviour, or a browser without storage). */
export const NO_MEMORY: IdentityMemory = {
  load: () => null,
  remember: () => Promise.resolve(),
  verify: () => Promise.resolve(false),
  forget: () => {},
  owesServerSignOut: () => false,
  setOwesServerSignOut: () => {},
};
