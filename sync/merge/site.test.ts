import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SiteDoc } from '../docs';
import { mergeSite } from './site';
import { stampArb, T0 } from './testing/arbitraries';
import { deepFreeze, loadValidate, rejection, USERS } from './testing/validate';
import type { Leaf } from './types';

const BASE: SiteDoc = {
  _id: 'site:01KDX6GJ00ABCDEFGHJKMNPQRS', type: 'site', team: 'north', schema: 1,
  createdAt: new Date(T0).toISOString(), createdBy: 'liam', updatedAt: new Date(T0).toISOString(), updatedBy: 'liam',
  name: 'Pump 12', address: '1 Mill Lane', geo: null, contact: { name: 'Ana', phone: '000' }, clock: {},
};

const siteLeaf = fc.record({
  rev: fc.uniqueArray(fc.constantFrom('2-a', '2-b', '3-a', '3-c'), { minLength: 1, maxLength: 1 }),
  name: fc.option(fc.tuple(fc.constantFrom('Pump 12', 'Pump 12a'), stampArb), { nil: undefined }),
  contact: fc.option(fc.tuple(fc.constantFrom({ name: 'Ana', phone: '111' }, { name: 'Ben', email: 'b@x.nz' }, null), stampArb), { nil: undefined }),
});

describe('mergeSite', () => {
  it('takes whole fields by clock and never mixes a contact from two leaves', () => {
    const a: Leaf<SiteDoc> = { ...BASE, _rev: '3-a', contact: { name: 'Ana', phone: '111' }, clock: { contact: `${T0 + 2}-0-d1` } };
    const b: Leaf<SiteDoc> = { ...BASE, _rev: '3-b', name: 'Pump 12a', contact: { name: 'Ben', email: 'b@x.nz' }, clock: { contact: `${T0 + 1}-0-d2`, name: `${T0 + 1}-0-d2` } };
    const { body, decidedFields } = mergeSite(deepFreeze([a, b]));
    expect(body).toMatchObject({ name: 'Pump 12a', contact: { name: 'Ana', phone: '111' } });
    expect(body.contact).not.toHaveProperty('email');
    expect(decidedFields).toEqual(['contact', 'name']);
    expect(rejection(loadValidate('north'), body, b, USERS.replicator)).toBeUndefined();
  });

  it('is commutative and idempotent', () => {
    const leaves = fc.uniqueArray(siteLeaf, { selector: (l) => l.rev[0], minLength: 1, maxLength: 4 }).map((ls) =>
      ls.map((l): Leaf<SiteDoc> => ({
        ...BASE, _rev: l.rev[0] ?? '1-x',
        ...(l.name ? { name: l.name[0] } : {}), ...(l.contact ? { contact: l.contact[0] } : {}),
        clock: { ...(l.name ? { name: l.name[1] } : {}), ...(l.contact ? { contact: l.contact[1] } : {}) },
      })));
    fc.assert(fc.property(leaves.chain((ls) => fc.tuple(fc.constant(ls), fc.shuffledSubarray(ls, { minLength: ls.length }))), ([ls, shuffled]) => {
      const merged = mergeSite(ls);
      expect(JSON.stringify(mergeSite(shuffled).body)).toBe(JSON.stringify(merged.body));
      const back = { ...merged.body, _rev: '9-x' };
      expect(JSON.stringify(mergeSite([back, { ...back, _rev: '9-y' }]).body)).toBe(JSON.stringify(merged.body));
    }));
  });
});
