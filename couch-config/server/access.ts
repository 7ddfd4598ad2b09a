/**
 * CouchDB 3 access rules, as pure functions: which privilege a request needs, and whether a user has it.
 *
 * Rule (CouchDB 3.x, measured on 3.5):
 * - Server-admin endpoints (/_all_dbs, /_node/*, /_active_tasks, /_scheduler/*, database PUT/DELETE, ...) answer
 *   401 to everyone but a server admin, logged in or not.
 * - A database is readable and writable by its members; `_security` members empty = public; a database whose
 *   `_security` was never set is admin-only (members role `_admin`).
 * - Design docs, `_security` writes, index changes and compaction need a database admin.
 * - `_users` and `_replicator` are server-admin only.
 * - Anonymous is refused with 401, a logged-in user without the privilege with 403.
 */

export interface SecurityGroup {
  names?: string[];
  roles?: string[];
}
export interface SecurityObject {
  admins?: SecurityGroup;
  members?: SecurityGroup;
}
export interface User {
  name: string | null;
  roles: readonly string[];
}

/** What CouchDB 3 reports, and enforces, for a database whose `_security` was never set. */
export const DEFAULT_SECURITY: Readonly<SecurityObject> = Object.freeze({
  members: { roles: ['_admin'] },
  admins: { roles: ['_admin'] },
});

export type Need =
  | { kind: 'public' }
  | { kind: 'not-found' }
  | { kind: 'server-admin' }
  | { kind: 'db'; db: string; level: 'member' | 'db-admin' | 'server-admin' };

const PUBLIC_ROOTS = new Set(['', '_up', '_session', '_uuids']);
const SYSTEM_DBS = new Set(['_users', '_replicator', '_global_changes']);
const SERVER_ADMIN_ROOTS = new Set([
  '_all_dbs', '_node', '_active_tasks', '_scheduler', '_membership', '_dbs_info', '_db_updates', '_replicate',
  '_restart', '_log', '_stats', '_cluster_setup', '_reshard', '_prometheus', '_search_analyze',
]);
/** CouchDB 3 answers 404 here even to the admin (config moved under /_node/{node}/_config). */
const GONE_ROOTS = new Set(['_config', '_utils']);

/** Path segments after the database name whose writes need a database admin. */
const DB_ADMIN_ENDPOINTS = new Set(['_compact', '_view_cleanup', '_revs_limit', '_purged_infos_limit']);
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const SYSTEM_DB_LISTINGS = new Set(['_all_docs', '_changes', '_design_docs', '_local_docs', '_find', '_explain', '_bulk_get']);

export function splitPath(pathname: string): string[] {
  return pathname.split('/').filter((part) => part !== '');
}

/** Which privilege `method pathname` needs. Path segments are still percent-encoded. */
export function requiredAccess(method: string, pathname: string): Need {
  const segments = splitPath(pathname);
  const first = segments[0] === undefined ? '' : safeDecode(segments[0]);
  if (PUBLIC_ROOTS.has(first)) return { kind: 'public' };
  if (GONE_ROOTS.has(first)) return { kind: 'not-found' };
  if (SERVER_ADMIN_ROOTS.has(first)) return { kind: 'server-admin' };
  if (SYSTEM_DBS.has(first)) {
    // Admin-only whatever their _security says. Listing endpoints go through CouchDB's server-admin check (401);
    // the database and its docs answer a logged-in user 403, even for their own user doc.
    const endpoint = segments[1] === undefined ? undefined : safeDecode(segments[1]);
    if (endpoint !== undefined && SYSTEM_DB_LISTINGS.has(endpoint)) return { kind: 'server-admin' };
    return { kind: 'db', db: first, level: 'server-admin' };
  }
  // CouchDB answers any other top-level underscore path as a database that does not exist.
  if (first.startsWith('_')) return { kind: 'not-found' };

  const rest = segments.slice(1).map(safeDecode);
  if (rest.length === 0) {
    // Creating or deleting a database is a server-admin operation in CouchDB 3.
    return method === 'PUT' || method === 'DELETE' ? { kind: 'server-admin' } : { kind: 'db', db: first, level: 'member' };
  }
  const [head, second, third] = rest;
  const needsAdmin = (): Need => ({ kind: 'db', db: first, level: 'db-admin' });
  const member: Need = { kind: 'db', db: first, level: 'member' };
  const isRead = READ_METHODS.has(method);

  if (head === '_purge') return { kind: 'server-admin' };
  // The stand-in keeps each database's security object in this local doc; only the admin may touch it directly.
  if (head === '_local' && second === '_security') return { kind: 'server-admin' };
  if (head === '_security') return isRead ? member : needsAdmin();
  if (head === '_index') return isRead ? member : needsAdmin();
  if (head !== undefined && DB_ADMIN_ENDPOINTS.has(head)) return isRead && head !== '_compact' ? member : needsAdmin();
  if (head === '_design') {
    // The design doc itself and its attachments are admin-written; its functions (_view, _show, _update...) are for members.
    const isFunctionCall = third !== undefined && third.startsWith('_');
    return isRead || isFunctionCall ? member : needsAdmin();
  }
  return member;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function isServerAdmin(user: User): boolean {
  return user.roles.includes('_admin');
}

function inGroup(user: User, group: SecurityGroup | undefined): boolean {
  if (!group) return false;
  if (user.name !== null && (group.names ?? []).includes(user.name)) return true;
  return (group.roles ?? []).some((role) => user.roles.includes(role));
}

function isEmptyGroup(group: SecurityGroup | undefined): boolean {
  return (group?.names ?? []).length === 0 && (group?.roles ?? []).length === 0;
}

export function isDbAdmin(user: User, security: SecurityObject): boolean {
  return isServerAdmin(user) || inGroup(user, security.admins);
}

export function isMember(user: User, security: SecurityObject): boolean {
  // An empty members list makes the database public: that is CouchDB's rule, and `couch check` flags it.
  return isDbAdmin(user, security) || isEmptyGroup(security.members) || inGroup(user, security.members);
}

export interface Refusal {
  status: 400 | 401 | 403 | 404;
  error: string;
  reason: string;
}

/** `null` when `user` may proceed; otherwise the CouchDB-shaped refusal. */
export function refusal(need: Need, user: User, security: SecurityObject | null): Refusal | null {
  const anonymous = user.name === null && !isServerAdmin(user);
  switch (need.kind) {
    case 'public':
      return null;
    case 'not-found':
      return { status: 404, error: 'not_found', reason: 'Database does not exist.' };
    case 'server-admin':
      return isServerAdmin(user) ? null : { status: 401, error: 'unauthorized', reason: 'You are not a server admin.' };
    case 'db': {
      const sec = security ?? DEFAULT_SECURITY;
      const allowed =
        need.level === 'server-admin' ? isServerAdmin(user) : need.level === 'member' ? isMember(user, sec) : isDbAdmin(user, sec);
      if (allowed) return null;
      if (anonymous) return { status: 401, error: 'unauthorized', reason: 'You are not authorized to access this db.' };
      if (need.level === 'server-admin') return { status: 403, error: 'forbidden', reason: `Only admins can access ${need.db}.` };
      return need.level === 'member'
        ? { status: 403, error: 'forbidden', reason: 'You are not allowed to access this db.' }
        : { status: 403, error: 'forbidden', reason: 'You are not a db or server admin.' };
    }
  }
}

/** Security objects come from users; keep only well-formed string lists. */
export function normaliseSecurity(input: unknown): SecurityObject | { invalid: string } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { invalid: 'the security object must be a JSON object' };
  const out: SecurityObject = {};
  for (const key of ['admins', 'members'] as const) {
    const group = (input as Record<string, unknown>)[key];
    if (group === undefined) continue;
    if (typeof group !== 'object' || group === null || Array.isArray(group)) return { invalid: `${key} must be an object` };
    const result: SecurityGroup = {};
    for (const list of ['names', 'roles'] as const) {
      const value = (group as Record<string, unknown>)[list];
      if (value === undefined) continue;
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
        return { invalid: `${key}.${list} must be a list of strings` };
      }
      result[list] = value;
    }
    out[key] = result;
  }
  return out;
}
