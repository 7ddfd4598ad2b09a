import { describe, expect, it } from 'vitest';
import { describeIdentity, identityFromUserCtx } from './identity';

describe('identityFromUserCtx', () => {
  it('is null for an anonymous userCtx', () => {
    expect(identityFromUserCtx({ name: null, roles: [] })).toBeNull();
    expect(identityFromUserCtx({ name: null, roles: ['_admin'] })).toBeNull();
  });

  it('makes team:<id> a field worker of that team', () => {
    expect(identityFromUserCtx({ name: 'ana', roles: ['team:north'] })).toEqual({ name: 'ana', team: 'north', role: 'field' });
  });

  it('makes lead:<id> a lead of that team, whatever the order of roles', () => {
    const lead = { name: 'leo', team: 'north', role: 'lead' };
    expect(identityFromUserCtx({ name: 'leo', roles: ['team:north', 'lead:north'] })).toEqual(lead);
    expect(identityFromUserCtx({ name: 'leo', roles: ['lead:north', 'team:north'] })).toEqual(lead);
  });

  it('makes hq HQ, keeping a team if one is given', () => {
    expect(identityFromUserCtx({ name: 'hana', roles: ['hq'] })).toEqual({ name: 'hana', team: null, role: 'hq' });
    expect(identityFromUserCtx({ name: 'hana', roles: ['team:south', 'hq'] })).toEqual({ name: 'hana', team: 'south', role: 'hq' });
  });

  it('gives no role for unknown roles, _admin, or a prefix without a team id', () => {
    expect(identityFromUserCtx({ name: 'root', roles: ['_admin', 'team:', 'lead:', 'hq-viewer'] })).toEqual({
      name: 'root',
      team: null,
      role: 'none',
    });
  });

  it('keeps team ids as they are (case, punctuation)', () => {
    expect(identityFromUserCtx({ name: 'x', roles: ['team:North-2'] })?.team).toBe('North-2');
  });
});

describe('describeIdentity', () => {
  it('reads name · team · role', () => {
    expect(describeIdentity({ name: 'ana', team: 'north', role: 'field' }).join(' · ')).toBe('ana · team north · field worker');
    expect(describeIdentity({ name: 'leo', team: 'south', role: 'lead' }).join(' · ')).toBe('leo · team south · lead');
  });

  it('leaves out the team when there is none', () => {
    expect(describeIdentity({ name: 'hana', team: null, role: 'hq' }).join(' · ')).toBe('hana · HQ');
    expect(describeIdentity({ name: 'new', team: null, role: 'none' }).join(' · ')).toBe('new · no team role');
  });
});
