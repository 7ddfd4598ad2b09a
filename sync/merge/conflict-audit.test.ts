import { describe, expect, it } from 'vitest';
import type { ConflictDoc } from '../docs';
import { mergeConflictAudit } from './conflict-audit';
import { T0 } from './testing/arbitraries';
import { loadValidate, rejection, USERS } from './testing/validate';
import type { Leaf } from './types';

const entry = (rev: string, fields: Partial<ConflictDoc>): Leaf<ConflictDoc> => ({
  _id: 'conflict:job:1:3', _rev: rev, type: 'conflict', team: 'north', schema: 1,
  createdAt: new Date(T0).toISOString(), createdBy: 'fiona', updatedAt: new Date(T0).toISOString(), updatedBy: 'fiona',
  docId: 'job:1', revisions: [], handler: 'job', device: 'd1', decidedFields: [], clock: {}, ...fields,
});

describe('mergeConflictAudit', () => {
  it('loses no revision and no decided field, and takes the other fields by clock', () => {
    const a = entry('1-a', { revisions: ['3-b', '3-a'], decidedFields: ['title'], device: 'd1', clock: { device: `${T0}-0-d1` } });
    const b = entry('1-b', { revisions: ['3-c', '3-a'], decidedFields: ['status', 'title'], device: 'd2', clock: { device: `${T0}-1-d2` } });
    const { body } = mergeConflictAudit([a, b]);
    expect(body).toMatchObject({ revisions: ['3-a', '3-b', '3-c'], decidedFields: ['status', 'title'], device: 'd2' });
    expect(mergeConflictAudit([b, a]).body).toEqual(body);
    expect(rejection(loadValidate('north'), body, b, USERS.replicator)).toBeUndefined();
  });
});
