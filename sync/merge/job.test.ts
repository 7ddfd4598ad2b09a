import { describe, expect, it } from 'vitest';
import type { JobDoc, JobStatus, Role } from '../docs';
import { mergeJob } from './job';
import { BASE_JOB, T0 } from './testing/arbitraries';
import { deepFreeze } from './testing/validate';
import type { Leaf } from './types';

const s = (dt: number, device = 'd1', counter = 0): string => `${T0 + dt}-${counter}-${device}`;
const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();

function leaf(rev: string, changes: Partial<JobDoc> = {}, clock: Readonly<Record<string, string>> = {}): Leaf<JobDoc> {
  return deepFreeze({ ...BASE_JOB, ...changes, _rev: rev, clock: { ...BASE_JOB.clock, ...clock } });
}
const statusLeaf = (rev: string, status: JobStatus, statusRole: Role, stamp: string) => leaf(rev, { status, statusRole }, { status: stamp });
const statusOf = (leaves: readonly Leaf<JobDoc>[]) => {
  const { body } = mergeJob(leaves);
  return [body.status, body.statusRole, body.clock.status];
};

describe('mergeJob: scalar fields', () => {
  it('takes each field from the leaf that wrote it last, independently, with the max clock', () => {
    const a = leaf('3-a', { title: 'A title', priority: 1 }, { title: s(2), priority: s(1) });
    const b = leaf('3-b', { title: 'B title', priority: 4 }, { title: s(1), priority: s(2) });
    const { body, decidedFields } = mergeJob([a, b]);
    expect([body.title, body.priority]).toEqual(['A title', 4]);
    expect([body.clock.title, body.clock.priority]).toEqual([s(2), s(2)]);
    expect(decidedFields).toEqual(['priority', 'title']);
  });

  it('breaks equal ms by counter, then device id; a missing stamp is the lowest', () => {
    expect(mergeJob([leaf('3-a', { title: 'x' }, { title: s(1, 'd1', 1) }), leaf('3-b', { title: 'y' }, { title: s(1, 'd9', 0) })]).body.title).toBe('x');
    expect(mergeJob([leaf('3-a', { title: 'x' }, { title: s(1, 'd1') }), leaf('3-b', { title: 'y' }, { title: s(1, 'd2') })]).body.title).toBe('y');
    const { clock: _ignored, ...noClock } = BASE_JOB;
    const unstamped = deepFreeze({ ...noClock, clock: {}, _rev: '9-z', title: 'old' });
    expect(mergeJob([unstamped, leaf('2-a', { title: 'new' }, { title: s(1) })]).body.title).toBe('new');
  });

  it('treats objects as single values (location is never mixed from two leaves)', () => {
    const a = leaf('3-a', { location: { lat: -41, lon: 174 } }, { location: s(1) });
    const b = leaf('3-b', { location: { lat: -42, lon: 175, accuracy: 5 } }, { location: s(2) });
    expect(mergeJob([a, b]).body.location).toEqual({ lat: -42, lon: 175, accuracy: 5 });
  });

  it('keeps fields it does not know, by the same rule', () => {
    const a = { ...leaf('3-a'), crew: 'blue', clock: { ...BASE_JOB.clock, crew: s(3) } };
    const b = { ...leaf('3-b'), crew: 'red', clock: { ...BASE_JOB.clock, crew: s(1) } };
    expect(mergeJob([a, b]).body).toMatchObject({ crew: 'blue', clock: { crew: s(3) } });
  });
});

describe('mergeJob: status', () => {
  it('takes the later status in general', () => {
    expect(statusOf([statusLeaf('3-a', 'en_route', 'field', s(1)), statusLeaf('3-b', 'assigned', 'lead', s(2))])).toEqual(['assigned', 'lead', s(2)]);
  });

  it('never lets a concurrent field edit undo done, even a later one', () => {
    const done = statusLeaf('3-a', 'done', 'field', s(1));
    const later = statusLeaf('3-b', 'on_site', 'field', s(5));
    expect(statusOf([done, later])).toEqual(['done', 'field', s(1)]);
  });

  it('lets a lead/HQ cancel win over everything, done and later edits included', () => {
    const cancel = statusLeaf('3-a', 'cancelled', 'lead', s(1));
    expect(statusOf([cancel, statusLeaf('3-b', 'done', 'lead', s(5)), statusLeaf('3-c', 'open', 'hq', s(6))])).toEqual(['cancelled', 'lead', s(1)]);
    expect(statusOf([cancel, statusLeaf('3-b', 'cancelled', 'hq', s(2))])).toEqual(['cancelled', 'hq', s(2)]);
  });

  it('gives a cancel without a lead/HQ role no special weight', () => {
    const unknownRole = leaf('3-a', { status: 'cancelled', statusRole: undefined }, { status: s(3) });
    expect(statusOf([unknownRole, statusLeaf('3-b', 'done', 'field', s(1))])).toEqual(['done', 'field', s(1)]);
    expect(statusOf([unknownRole, statusLeaf('3-b', 'on_site', 'field', s(4))])).toEqual(['on_site', 'field', s(4)]);
  });

  it('keeps done over a later concurrent lead change too (the documented deviation), whatever the grouping', () => {
    const done = statusLeaf('3-a', 'done', 'field', s(1));
    const onSite = statusLeaf('3-b', 'on_site', 'field', s(3));
    const reopen = statusLeaf('3-c', 'open', 'lead', s(2));
    expect(statusOf([done, reopen])).toEqual(['done', 'field', s(1)]);
    const fed = (leaves: readonly Leaf<JobDoc>[], rev: string): Leaf<JobDoc> => ({ ...mergeJob(leaves).body, _rev: rev });
    expect(statusOf([fed([done, onSite], '3-a'), reopen])).toEqual(statusOf([done, fed([onSite, reopen], '3-c')]));
    expect(statusOf([done, onSite, reopen])).toEqual(['done', 'field', s(1)]);
  });

  it('leaves out statusRole and clock.status when the chosen version has none', () => {
    const legacy = deepFreeze({ ...leaf('3-a', { status: 'done', statusRole: undefined }), clock: {} });
    const { body } = mergeJob([legacy, statusLeaf('3-b', 'on_site', 'field', s(2))]);
    expect(body.status).toBe('done');
    expect(body).not.toHaveProperty('statusRole');
    expect(body.clock).not.toHaveProperty('status');
  });
});

describe('mergeJob: lists and attachments', () => {
  it('unions items by id, takes the later version of a shared item, and sorts by at then id', () => {
    const a = leaf('3-a', { checklist: [
      { id: 'c1', label: 'Isolate', done: true, by: 'fiona', at: at(5) },
      { id: 'c2', label: 'Check', done: false, by: 'liam', at: at(1) },
    ] });
    const b = leaf('3-b', { checklist: [
      { id: 'c1', label: 'Isolate', done: false, by: 'liam', at: at(3) },
      { id: 'c0', label: 'Clear', done: false, by: 'liam', at: at(1) },
    ] });
    expect(mergeJob([a, b]).body.checklist.map((i) => [i.id, i.done])).toEqual([['c0', false], ['c2', false], ['c1', true]]);
  });

  it('breaks an equal at by the author, then by content', () => {
    const note = (by: string, text: string) => leaf(`3-${by}${text}`, { notes: [{ id: 'n1', text, by, at: at(1) }] });
    expect(mergeJob([note('fiona', 'b'), note('liam', 'a')]).body.notes[0]?.by).toBe('liam');
    expect(mergeJob([note('liam', 'b'), note('liam', 'a')]).body.notes[0]?.text).toBe('b');
  });

  it('unions attachments by name and keeps the stub of the later photo item', () => {
    const stub = (digest: string) => ({ content_type: 'image/jpeg', digest, length: 10, revpos: 2, stub: true });
    const a = leaf('3-a', { photos: [{ id: 'p1', caption: 'old', by: 'fiona', at: at(1) }], _attachments: { 'photo-p1.jpg': stub('md5-old') } });
    const b = leaf('3-b', {
      photos: [{ id: 'p1', caption: 'retaken', by: 'fiona', at: at(2) }, { id: 'p2', caption: '', by: 'liam', at: at(1) }],
      _attachments: { 'photo-p1.jpg': stub('md5-new'), 'photo-p2.jpg': stub('md5-p2') },
    });
    const { body, decidedFields } = mergeJob([b, a]);
    expect(body._attachments).toEqual({ 'photo-p1.jpg': stub('md5-new'), 'photo-p2.jpg': stub('md5-p2') });
    expect(body.photos.map((p) => p.caption)).toEqual(['', 'retaken']);
    expect(decidedFields).toEqual(['_attachments', 'photos']);
  });
});

describe('mergeJob: bookkeeping', () => {
  it('takes updatedAt/updatedBy from the winning leaf: highest position, then highest rev id', () => {
    const a = leaf('10-aaaa', { updatedAt: at(1), updatedBy: 'fiona' });
    const b = leaf('9-ffff', { updatedAt: at(9), updatedBy: 'liam' });
    const c = leaf('10-bbbb', { updatedAt: at(2), updatedBy: 'hana' });
    expect(mergeJob([a, b, c]).body).toMatchObject({ updatedAt: at(2), updatedBy: 'hana' });
    expect(mergeJob([a, b]).body).toMatchObject({ updatedAt: at(1), updatedBy: 'fiona' });
  });

  it('drops _rev/_conflicts/_revisions and returns canonical JSON (sorted keys)', () => {
    const withMeta = deepFreeze({ ...leaf('3-a'), _conflicts: ['3-b'], _revisions: { start: 3, ids: ['a'] } });
    const { body } = mergeJob([withMeta, leaf('3-b')]);
    expect(body).not.toHaveProperty('_rev');
    expect(body).not.toHaveProperty('_conflicts');
    expect(body).not.toHaveProperty('_revisions');
    expect(Object.keys(body)).toEqual(Object.keys(body).sort());
    expect(Object.keys(body.clock)).toEqual(Object.keys(body.clock).sort());
  });

  it('refuses no leaves, leaves of two documents, and leaves of another type (→ the inbox)', () => {
    expect(() => mergeJob([])).toThrow(/no leaves/);
    expect(() => mergeJob([leaf('3-a'), { ...leaf('3-b'), _id: 'job:other' }])).toThrow(/different documents/);
    const site = { ...leaf('3-a'), type: 'site' } as unknown as Leaf<JobDoc>; // the wrong input, on purpose
    expect(() => mergeJob([site])).toThrow(/not a job/);
  });
});
