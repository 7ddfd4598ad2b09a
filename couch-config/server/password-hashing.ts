/**
 * pouchdb-auth hashes passwords with a pure-JS, synchronous PBKDF2 that blocks the event loop (~55 ms per
 * 10k iterations). Outpost swaps in Node's native, asynchronous PBKDF2-SHA1 — byte-for-byte the same derived key
 * — and remembers recent results so basic-auth clients (one hash per request) do not pay it every time,
 * much like CouchDB's own auth cache.
 */
import { createHash, pbkdf2 } from 'node:crypto';
import { promisify } from 'node:util';
import { requireCjs } from './internals';

const pbkdf2Async = promisify(pbkdf2);
const CACHE_LIMIT = 1000;
const cache = new Map<string, string>();

export async function hashPassword(password: string, salt: string, iterations: number): Promise<string> {
  const key = createHash('sha256').update(`${iterations}\0${salt}\0${password}`).digest('base64');
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const derived = (await pbkdf2Async(password, salt, Number(iterations), 20, 'sha1')).toString('hex');
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, derived);
  return derived;
}

let installed = false;
export function installNativePasswordHashing(): void {
  if (installed) return;
  const utils = requireCjs('pouchdb-auth/lib/utils') as { hashPassword: typeof hashPassword };
  utils.hashPassword = hashPassword;
  installed = true;
}
