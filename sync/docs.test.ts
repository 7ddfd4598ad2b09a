import { decodeTime } from 'ulid';
import { describe, expect, it } from 'vitest';
import {
  addChecklistItem, addNote, addPhoto, addReading, createConflictEntry, createJob, createSite, newId, setPhotoCaption,
  setStatus, toggleChecklistItem, updateDoc, type JobDoc, type Role, type WriteContext,
} from './docs';
import { compareStamps, createHlc, parseStamp, type Hlc } from './hlc';
import { deepFreeze, loadValidate, rejection, USERS } from './merge/testing/validate';

const T0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const validate = loadValidate('north');

interface TestContext extends WriteContext {
  readonly hlc: Hlc;
  advance(ms: number): void;
}

function context(role: Role, start = T0): TestContext {
  let t = start;
  const user = USERS[role].name;
  return { user, role, hlc: createHlc({ deviceId: `${user}-phone`, now: () => t }), now: () => t, advance: (ms) => void (t += ms) };
}

/** validate.js's verdict on writing `doc` (on top of `old`) as the context's user. */
function verdict(doc: unknown, old: unknown, ctx: WriteContext): string | undefined {
  return rejection(validate, doc, old, USERS[ctx.role]);
}

function sampleJob(ctx = context('lead')): JobDoc {
  return deepFreeze(createJob({ team: 'north', title: 'Service pump station', siteId: 'site:1', checklist: ['Isolate power', 'Check pressure'] }, ctx));
}

describe('newId', () => {
  it('is <type>:<ulid>, carrying the time, sortable by it', () => {
    const id = newId('job', T0);
    expect(id).toMatch(/^job:[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(decodeTime(id.slice(4))).toBe(T0);
    expect(newId('job', T0 + 1) > id).toBe(true);
  });
});

describe('createJob / createSite / createConflictEntry', () => {
  it('creates a job that validate.js accepts, with every domain field stamped', () => {
    const ctx = context('lead');
    const job = createJob({ team: 'north', title: 'Service pump', priority: 1, checklist: ['Isolate power'] }, ctx);
    expect(verdict(job, null, ctx)).toBeUndefined();
    expect(verdict(job, null, context('field'))).toMatch(/^updatedBy/);
    expect(job).toMatchObject({
      type: 'job', team: 'north', schema: 1, status: 'open', statusRole: 'lead', priority: 1, createdBy: 'liam', updatedBy: 'liam',
      createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
    });
    expect(Object.keys(job.clock).sort()).toEqual(
      ['assignee', 'checklist', 'description', 'due', 'location', 'notes', 'photos', 'priority', 'readings', 'siteId', 'status', 'title'],
    );
    expect(new Set(Object.values(job.clock))).toEqual(new Set([`${T0}-0-liam-phone`]));
    expect(job.checklist).toEqual([{ id: expect.any(String), label: 'Isolate power', done: false, by: 'liam', at: '2026-01-01T00:00:00.000Z' }]);
  });

  it('keeps a new checklist in the order it was typed, though every item is made in the same millisecond', () => {
    const labels = Array.from({ length: 30 }, (_, i) => `Step ${i + 1}`);
    const job = createJob({ team: 'north', title: 'Many steps', checklist: labels }, context('lead'));
    expect(job.checklist.map((item) => item.label)).toEqual(labels);
  });

  it('lets only a lead or HQ create a cancelled job', () => {
    expect(() => createJob({ team: 'north', title: 'x', status: 'cancelled' }, context('field'))).toThrow(/only a lead or HQ/);
    const lead = context('lead');
    expect(verdict(createJob({ team: 'north', title: 'x', status: 'cancelled' }, lead), null, lead)).toBeUndefined();
    // HQ writes to the hub, not to a team database.
    const job = createJob({ team: 'north', title: 'x', status: 'cancelled' }, context('hq'));
    expect(job.statusRole).toBe('hq');
    expect(rejection(loadValidate(null), job, null, USERS.hq)).toBeUndefined();
  });

  it('creates sites and conflict entries that validate.js accepts', () => {
    const ctx = context('lead');
    const site = createSite({ team: 'north', name: 'Pump 12', contact: { name: 'Ana', phone: '000' } }, ctx);
    expect(verdict(site, null, ctx)).toBeUndefined();
    expect(Object.keys(site.clock).sort()).toEqual(['address', 'contact', 'geo', 'name']);
    const entry = createConflictEntry(
      { team: 'north', docId: 'job:1', revisions: ['3-a', '3-b'], handler: 'job', device: 'liam-phone', decidedFields: ['title'] },
      ctx,
    );
    expect(verdict(entry, null, ctx)).toBeUndefined();
    expect(entry.type).toBe('conflict');
  });
});

describe('updateDoc', () => {
  it('orders an edit after the stamps already on the doc, even when the clock of the other device ran ahead', () => {
    const ahead = context('lead', T0 + 60_000); // a device whose clock is a minute ahead
    const behind = context('field', T0);
    const job = setStatus(sampleJob(ahead), 'en_route', ahead);
    const edited = setStatus(job, 'on_site', behind); // made after seeing the other's write
    expect(compareStamps(edited.clock.status as string, job.clock.status as string)).toBeGreaterThan(0);
    const noted = addNote(edited, 'seen it', behind);
    expect(compareStamps(noted.clock.notes as string, job.clock.status as string)).toBeGreaterThan(0);
  });

  it('stamps exactly the fields whose value changed, and keeps the creation fields', () => {
    const job = deepFreeze({ ...sampleJob(), location: { lat: -41, lon: 174 } });
    const ctx = context('field', T0 + 60_000);
    const next = updateDoc(job, { title: 'Repair pump', priority: job.priority, location: { lon: 174, lat: -41 } }, ctx);
    expect(next.title).toBe('Repair pump');
    expect(next.clock).toEqual({ ...job.clock, title: `${T0 + 60_000}-0-fiona-phone` });
    expect(next).toMatchObject({ createdAt: job.createdAt, createdBy: 'liam', updatedAt: '2026-01-01T00:01:00.000Z', updatedBy: 'fiona' });
    expect(next.statusRole).toBe('lead'); // status untouched
    expect(verdict(next, job, ctx)).toBeUndefined();
  });

  it('returns the same document, without a tick, when nothing changes (undefined means "leave as is")', () => {
    const job = sampleJob();
    const ctx = context('field');
    expect(updateDoc(job, { title: job.title, checklist: [...job.checklist], assignee: undefined }, ctx)).toBe(job);
    expect(ctx.hlc.last()).toBeNull();
  });

  it('refuses fields that never change through it', () => {
    // @ts-expect-error team is not an editable field; this checks the run-time guard too
    expect(() => updateDoc(sampleJob(), { team: 'south' }, context('lead'))).toThrow(/team: cannot be set/);
  });

  it('gives every write a later stamp than the last', () => {
    const ctx = context('field');
    let job = sampleJob();
    const stamps = ['a', 'b', 'c'].map((title) => {
      job = updateDoc(job, { title }, ctx);
      return job.clock.title ?? '';
    });
    expect(compareStamps(stamps[0] ?? '', stamps[1] ?? '')).toBeLessThan(0);
    expect(compareStamps(stamps[1] ?? '', stamps[2] ?? '')).toBeLessThan(0);
  });
});

describe('setStatus', () => {
  it('records who set it (statusRole) and stamps clock.status', () => {
    const job = sampleJob();
    const ctx = context('field', T0 + 1000);
    const next = setStatus(job, 'en_route', ctx);
    expect(next).toMatchObject({ status: 'en_route', statusRole: 'field' });
    expect(next.clock.status).toBe(`${T0 + 1000}-0-fiona-phone`);
    expect(verdict(next, job, ctx)).toBeUndefined();
  });

  it('does not let a field worker cancel or reopen, and lets a lead', () => {
    const job = sampleJob();
    expect(() => setStatus(job, 'cancelled', context('field'))).toThrow(/only a lead or HQ can cancel/);
    const ctx = context('lead', T0 + 1000);
    const cancelled = setStatus(job, 'cancelled', ctx);
    expect(cancelled.statusRole).toBe('lead');
    expect(verdict(cancelled, job, ctx)).toBeUndefined();
    // A field worker editing another field of a cancelled job is fine for both sides.
    const edited = updateDoc(cancelled, { description: 'Not needed' }, context('field', T0 + 2000));
    expect(verdict(edited, cancelled, context('field'))).toBeUndefined();
    expect(() => setStatus(cancelled, 'open', context('field'))).toThrow(/only a lead or HQ can reopen/);
    const reopened = setStatus(cancelled, 'open', context('lead', T0 + 3000));
    expect(verdict(reopened, cancelled, context('lead'))).toBeUndefined();
  });
});

describe('item helpers', () => {
  it('set by/at, stamp only their list, keep the list ordered, and pass validate.js', () => {
    const job = sampleJob();
    const ctx = context('field', T0 + 5000);
    const steps: ReadonlyArray<readonly [keyof JobDoc['clock'], (j: JobDoc) => JobDoc]> = [
      ['notes', (j) => addNote(j, 'Dog on site', ctx)],
      ['checklist', (j) => addChecklistItem(j, 'Clear debris', ctx)],
      ['checklist', (j) => toggleChecklistItem(j, j.checklist.find((i) => i.label === 'Isolate power')?.id ?? '', ctx)],
      ['readings', (j) => addReading(j, { label: 'Pressure', value: 4.2, unit: 'bar' }, ctx)],
      ['photos', (j) => addPhoto(j, { caption: 'Nameplate', contentType: 'image/jpeg', data: 'aGVsbG8=' }, ctx)],
      ['photos', (j) => setPhotoCaption(j, j.photos[0]?.id ?? '', 'Nameplate, close up', ctx)],
    ];
    let prev = job;
    for (const [field, step] of steps) {
      ctx.advance(1000);
      const next = deepFreeze(step(prev));
      expect(verdict(next, prev, ctx)).toBeUndefined();
      const changedClock = Object.keys(next.clock).filter((k) => next.clock[k] !== prev.clock[k]);
      expect(changedClock).toEqual([field]);
      expect(next).toMatchObject({ updatedBy: 'fiona', updatedAt: new Date(ctx.now()).toISOString() });
      const list: ReadonlyArray<{ by: string; at: string }> = next[field as 'notes' | 'checklist' | 'readings' | 'photos'];
      expect(list.map((i) => i.at)).toEqual(list.map((i) => i.at).sort());
      expect(list.at(-1)).toMatchObject({ by: 'fiona', at: new Date(ctx.now()).toISOString() });
      prev = next;
    }
    expect(prev.checklist.find((i) => i.label === 'Isolate power')?.done).toBe(true);
    expect(Object.keys(prev._attachments ?? {})).toEqual([`photo-${prev.photos[0]?.id ?? ''}.jpg`]);
    expect(prev.photos[0]?.caption).toBe('Nameplate, close up');
  });

  it('dates items by the HLC, so an edit made after seeing a later remote edit is not dated before it', () => {
    const ctx = context('field');
    const remoteMs = T0 + 3_600_000; // the other device's clock is an hour ahead
    ctx.hlc.receive(`${remoteMs}-0-other`);
    const note = addNote(sampleJob(), 'after theirs', ctx).notes.at(-1);
    expect(note?.at).toBe(new Date(remoteMs).toISOString());
    expect(parseStamp(ctx.hlc.last() ?? '').ms).toBe(remoteMs);
  });

  it('rejects what the server would reject', () => {
    const ctx = context('field');
    expect(() => toggleChecklistItem(sampleJob(), 'nope', ctx)).toThrow(/no item/);
    expect(() => addPhoto(sampleJob(), { caption: '', contentType: 'application/pdf', data: 'x' }, ctx)).toThrow(/not a JPEG/);
    expect(() => addPhoto(sampleJob(), { caption: '', contentType: 'image/png', data: 'A'.repeat(2_200_000) }, ctx)).toThrow(/larger than/);
  });
});
