/**
 * Test support: fast-check arbitraries for realistic conflicting leaves of one job. Every leaf starts from the same
 * base job and applies a random subset of edits, stamped from a small set of times, counters and devices (so equal
 * and near-equal stamps are common); item lists draw ids from small pools, so leaves overlap and disagree on items.
 * Every photo item travels with its attachment, as addPhoto writes them.
 */
import fc from 'fast-check';
import type { Attachment, ChecklistItem, Geo, JobDoc, JobStatus, Note, PhotoMeta, Reading, Role } from '../../docs';
import type { Stamp } from '../../hlc';
import { sortItems } from '../items';
import type { Leaf } from '../types';

export const T0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const BASE_STAMP = `${T0}-0-seed`;
const USER_NAMES = ['fiona', 'liam', 'hana'] as const;

export const stampArb: fc.Arbitrary<Stamp> = fc
  .tuple(fc.integer({ min: 1, max: 4 }), fc.nat({ max: 2 }), fc.constantFrom('d1', 'd2', 'd3'))
  .map(([dt, counter, device]) => `${T0 + dt}-${counter}-${device}`);
const atArb = fc.integer({ min: 0, max: 3 }).map((minutes) => new Date(T0 + minutes * 60_000).toISOString());
const byArb = fc.constantFrom(...USER_NAMES);

const checklistItemArb: fc.Arbitrary<ChecklistItem> = fc.record({
  id: fc.constantFrom('c1', 'c2', 'c3', 'c4'), label: fc.constantFrom('Isolate power', 'Check pressure'), done: fc.boolean(), by: byArb, at: atArb,
});
const noteArb: fc.Arbitrary<Note> = fc.record({ id: fc.constantFrom('n1', 'n2', 'n3'), text: fc.constantFrom('Dog on site', 'Bring the ladder'), by: byArb, at: atArb });
const readingArb: fc.Arbitrary<Reading> = fc.record({
  id: fc.constantFrom('r1', 'r2', 'r3'), label: fc.constantFrom('Pressure', 'Voltage'), value: fc.constantFrom(1.5, 4.2, -3), unit: fc.constantFrom('bar', 'V'), by: byArb, at: atArb,
});
const photoArb: fc.Arbitrary<PhotoMeta> = fc.record({ id: fc.constantFrom('p1', 'p2', 'p3'), caption: fc.constantFrom('', 'Nameplate', 'Seal'), by: byArb, at: atArb });
const stubArb: fc.Arbitrary<Attachment> = fc.record({
  content_type: fc.constant('image/jpeg'), digest: fc.constantFrom('md5-AAAA', 'md5-BBBB', 'md5-CCCC'), length: fc.constantFrom(1000, 2000),
  revpos: fc.integer({ min: 1, max: 3 }), stub: fc.constant(true),
});

const listArb = <I extends { readonly id: string; readonly by: string; readonly at: string }>(item: fc.Arbitrary<I>) =>
  fc.uniqueArray(item, { selector: (i) => i.id, maxLength: 4 }).map((items) => sortItems(items));

/** An optional edit of one field: its new value and the stamp of that write. */
const edit = <V>(value: fc.Arbitrary<V>) => fc.option(fc.record({ value, stamp: stampArb }), { nil: undefined });

const statusEditArb = fc
  .record({ status: fc.constantFrom<JobStatus>('open', 'assigned', 'en_route', 'on_site', 'done', 'blocked', 'cancelled'), role: fc.constantFrom<Role>('field', 'lead', 'hq'), stamp: stampArb })
  .filter((e) => !(e.status === 'cancelled' && e.role === 'field')); // validate.js forbids it

const editsArb = fc.record({
  title: edit(fc.constantFrom('Service pump', 'Repair pump', 'Inspect valve')),
  priority: edit(fc.constantFrom<JobDoc['priority']>(1, 2, 3, 4)),
  assignee: edit(fc.constantFrom('fiona', 'liam', null)),
  due: edit(fc.constantFrom('2026-02-01', '2026-02-03', null)),
  description: edit(fc.constantFrom('Check seals.', 'Replace the gasket.', null)),
  location: edit(fc.constantFrom<Geo | null>(null, { lat: -41.2, lon: 174.7 }, { lat: -41.3, lon: 174.8, accuracy: 12 })),
  status: fc.option(statusEditArb, { nil: undefined }),
  checklist: fc.record({ items: listArb(checklistItemArb), stamp: stampArb }),
  notes: fc.record({ items: listArb(noteArb), stamp: stampArb }),
  readings: fc.record({ items: listArb(readingArb), stamp: stampArb }),
  photos: fc.record({ entries: fc.uniqueArray(fc.tuple(photoArb, stubArb), { selector: ([p]) => p.id, maxLength: 3 }), stamp: stampArb }),
  updatedAt: atArb,
  updatedBy: byArb,
});

export const BASE_JOB: JobDoc = {
  _id: 'job:01KDX6GJ00ABCDEFGHJKMNPQRS', type: 'job', team: 'north', schema: 1,
  createdAt: new Date(T0).toISOString(), createdBy: 'liam', updatedAt: new Date(T0).toISOString(), updatedBy: 'liam',
  title: 'Service pump', siteId: 'site:01KDX6GJ00ABCDEFGHJKMNPQRS', status: 'open', statusRole: 'lead', priority: 3,
  assignee: null, due: null, description: null, location: null, checklist: [], notes: [], readings: [], photos: [],
  clock: Object.fromEntries(['title', 'siteId', 'status', 'priority', 'assignee', 'due', 'description', 'location'].map((f) => [f, BASE_STAMP])),
};

type Edits = typeof editsArb extends fc.Arbitrary<infer E> ? E : never;

function applyEdits(rev: string, e: Edits): Leaf<JobDoc> {
  const scalars = (['title', 'priority', 'assignee', 'due', 'description', 'location'] as const).flatMap((f) => {
    const change = e[f];
    return change ? [[f, change.value, change.stamp] as const] : [];
  });
  const photos = sortItems(e.photos.entries.map(([photo]) => photo));
  return {
    ...BASE_JOB, _rev: rev, updatedAt: e.updatedAt, updatedBy: e.updatedBy,
    ...Object.fromEntries(scalars.map(([f, value]) => [f, value])),
    ...(e.status ? { status: e.status.status, statusRole: e.status.role } : {}),
    checklist: e.checklist.items, notes: e.notes.items, readings: e.readings.items, photos,
    ...(photos.length > 0 ? { _attachments: Object.fromEntries(e.photos.entries.map(([p, stub]) => [`photo-${p.id}.jpg`, stub])) } : {}),
    clock: {
      ...BASE_JOB.clock,
      ...Object.fromEntries(scalars.map(([f, , stamp]) => [f, stamp])),
      ...(e.status ? { status: e.status.stamp } : {}),
      checklist: e.checklist.stamp, notes: e.notes.stamp, readings: e.readings.stamp, photos: e.photos.stamp,
    },
  };
}

const revArb = fc.tuple(fc.integer({ min: 2, max: 5 }), fc.constantFrom('0a1f', '3bc2', '9e7d', 'a0b1', 'ff00')).map(([pos, id]) => `${pos}-${id}`);

/** Between `min` and `max` leaves of one job, with distinct revisions. */
export function jobLeavesArb(min = 1, max = 4): fc.Arbitrary<readonly Leaf<JobDoc>[]> {
  return fc
    .uniqueArray(revArb, { minLength: min, maxLength: max })
    .chain((revs) => fc.tuple(...revs.map((rev) => editsArb.map((e) => applyEdits(rev, e)))));
}
