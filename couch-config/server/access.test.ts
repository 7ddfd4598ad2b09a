import { describe, expect, it } from 'vitest';
import { DEFAULT_SECURITY, normaliseSecurity, refusal, requiredAccess, type SecurityObject, type User } from './access';

const anonymous: User = { name: null, roles: [] };
const admin: User = { name: 'admin', roles: ['_admin'] };
const ana: User = { name: 'ana', roles: ['team:north'] };
const north: SecurityObject = { members: { roles: ['team:north'] }, admins: { roles: ['outpost-admin'] } };

describe('requiredAccess', () => {
  it.each([
    ['GET', '/', { kind: 'public' }],
    ['GET', '/_up', { kind: 'public' }],
    ['POST', '/_session', { kind: 'public' }],
    ['GET', '/_all_dbs', { kind: 'server-admin' }],
    ['GET', '/_node/_local/_config', { kind: 'server-admin' }],
    ['GET', '/_scheduler/docs', { kind: 'server-admin' }],
    ['GET', '/_config', { kind: 'not-found' }],
    ['PUT', '/north', { kind: 'server-admin' }],
    ['DELETE', '/north', { kind: 'server-admin' }],
    ['GET', '/north', { kind: 'db', db: 'north', level: 'member' }],
    ['POST', '/north/_find', { kind: 'db', db: 'north', level: 'member' }],
    ['POST', '/north/_bulk_get', { kind: 'db', db: 'north', level: 'member' }],
    ['POST', '/north/_index', { kind: 'db', db: 'north', level: 'db-admin' }],
    ['GET', '/north/_index', { kind: 'db', db: 'north', level: 'member' }],
    ['PUT', '/north/_security', { kind: 'db', db: 'north', level: 'db-admin' }],
    ['GET', '/north/_security', { kind: 'db', db: 'north', level: 'member' }],
    ['PUT', '/north/_design/app', { kind: 'db', db: 'north', level: 'db-admin' }],
    ['GET', '/north/_design/app/_view/by_status', { kind: 'db', db: 'north', level: 'member' }],
    ['PUT', '/north/_local/checkpoint', { kind: 'db', db: 'north', level: 'member' }],
    ['GET', '/north/_local/_security', { kind: 'server-admin' }],
    ['POST', '/north/_compact', { kind: 'db', db: 'north', level: 'db-admin' }],
    ['POST', '/north/_purge', { kind: 'server-admin' }],
    ['GET', '/_users/org.couchdb.user:ana', { kind: 'db', db: '_users', level: 'server-admin' }],
    ['GET', '/_replicator/_all_docs', { kind: 'server-admin' }],
    ['GET', '/_replicator/outpost-hub-to-team-north', { kind: 'db', db: '_replicator', level: 'server-admin' }],
    ['GET', '/outpost%2Fteam/_all_docs', { kind: 'db', db: 'outpost/team', level: 'member' }],
  ])('%s %s', (method, path, expected) => {
    expect(requiredAccess(method, path)).toEqual(expected);
  });

  it('answers unknown underscore names as missing databases, like CouchDB', () => {
    expect(requiredAccess('GET', '/_nope').kind).toBe('not-found');
  });

  it('sends listings of _users through the server-admin check', () => {
    expect(requiredAccess('GET', '/_users/_all_docs')).toEqual({ kind: 'server-admin' });
  });
});

describe('refusal', () => {
  const member = { kind: 'db', db: 'north', level: 'member' } as const;
  const dbAdmin = { kind: 'db', db: 'north', level: 'db-admin' } as const;

  it('lets members in and keeps others out with 401 (anonymous) or 403 (logged in)', () => {
    expect(refusal(member, ana, north)).toBeNull();
    expect(refusal(member, anonymous, north)?.status).toBe(401);
    expect(refusal(member, { name: 'carla', roles: ['team:south'] }, north)?.status).toBe(403);
  });

  it('treats a database without _security as admin-only', () => {
    expect(refusal(member, ana, DEFAULT_SECURITY)?.status).toBe(403);
    expect(refusal(member, admin, DEFAULT_SECURITY)).toBeNull();
  });

  it('treats an empty members list as public, as CouchDB does', () => {
    expect(refusal(member, anonymous, { members: { names: [], roles: [] } })).toBeNull();
  });

  it('needs a database admin for admin operations', () => {
    expect(refusal(dbAdmin, ana, north)?.status).toBe(403);
    expect(refusal(dbAdmin, { name: 'ops', roles: ['outpost-admin'] }, north)).toBeNull();
  });

  it('answers server-admin endpoints with 401 even to logged-in users', () => {
    expect(refusal({ kind: 'server-admin' }, ana, null)?.status).toBe(401);
    expect(refusal({ kind: 'server-admin' }, admin, null)).toBeNull();
  });

  it('keeps _users admin-only even for a user reading their own doc', () => {
    const users = { kind: 'db', db: '_users', level: 'server-admin' } as const;
    expect(refusal(users, ana, { members: { names: [], roles: [] } })?.status).toBe(403);
    expect(refusal(users, anonymous, null)?.status).toBe(401);
  });
});

describe('normaliseSecurity', () => {
  it('accepts well-formed objects and rejects malformed lists', () => {
    expect(normaliseSecurity({ members: { roles: ['a'] } })).toEqual({ members: { roles: ['a'] } });
    expect(normaliseSecurity({ members: { roles: 'a' } })).toEqual({ invalid: 'members.roles must be a list of strings' });
    expect(normaliseSecurity([1])).toHaveProperty('invalid');
  });
});
