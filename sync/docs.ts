/**
 * Outpost's domain documents (ARCHITECTURE §2) and the only functions that write them.
 *
 * Rules for every write helper:
 * - It returns a new document and never mutates its input.
 * - `clock[field]` gets one fresh HLC stamp for every field whose value changed (deep-equal compare); a write that
 *   changes nothing returns the input unchanged.
 * - `updatedAt` (ISO, from ctx.now) and `updatedBy` (ctx.user) are set; `_id`, `type`, `team`, `schema`, `createdAt`,
 *   `createdBy` never change.
 * - List items get `by` = ctx.user and `at` = the ms of the write's HLC stamp (not the raw wall clock), so an item
 *   edited after seeing someone else's edit has an `at` no earlier than theirs. Lists are kept in merge order.
 * - Setting `status` also records `statusRole` (ctx.role); a field worker can neither cancel a job nor reopen a
 *   cancelled one (as validate.js says; the helper throws before the server would refuse).
 */
import { monotonicFactory } from 'ulid';
import { maxStamp, parseStamp, type Hlc, type Stamp } from './hlc';
import { canonicalJson } from './merge/canonical';
import { sortItems } from './merge/items';

export type Role = 'field' | 'lead' | 'hq';
export type JobStatus = 'open' | 'assigned' | 'en_route' | 'on_site' | 'done' | 'blocked' | 'cancelled';
export type Priority = 1 | 2 | 3 | 4;
export type Geo = Readonly<{ lat: number; lon: number; accuracy?: number }>;
export type ChecklistItem = Readonly<{ id: string; label: string; done: boolean; by: string; at: string }>;
export type Note = Readonly<{ id: string; text: string; by: string; at: string }>;
export type Reading = Readonly<{ id: string; label: string; value: number; unit: string; by: string; at: string }>;
export type PhotoMeta = Readonly<{ id: string; caption: string; by: string; at: string }>;
/** A PouchDB attachment: a stub (`stub`, `digest`, `length`) when read back, `data` when written. */
export type Attachment = Readonly<{ content_type: string; data?: string | Blob; digest?: string; length?: number; revpos?: number; stub?: boolean }>;

export type CommonFields<Type extends string> = Readonly<{
  _id: string;
  _rev?: string;
  type: Type;
  team: string;
  schema: 1;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
  /** field name → stamp of its last write */
  clock: Readonly<Record<string, Stamp>>;
  _attachments?: Readonly<Record<string, Attachment>>;
}>;

export type JobDoc = CommonFields<'job'> & Readonly<{
  title: string;
  siteId: string | null;
  status: JobStatus;
  /** Role of whoever last set `status`; covered by `clock.status`. */
  statusRole?: Role;
  priority: Priority;
  assignee: string | null;
  due: string | null;
  description: string | null;
  checklist: readonly ChecklistItem[];
  notes: readonly Note[];
  readings: readonly Reading[];
  photos: readonly PhotoMeta[];
  location: Geo | null;
}>;

export type SiteContact = Readonly<{ name?: string | null; phone?: string | null; email?: string | null }>;
export type SiteDoc = CommonFields<'site'> & Readonly<{ name: string; address: string | null; geo: Geo | null; contact: SiteContact | null }>;

/** The audit entry a device writes when it resolves a conflict; `createdAt` is when. */
export type ConflictDoc = CommonFields<'conflict'> & Readonly<{
  docId: string;
  revisions: readonly string[];
  handler: string;
  device: string;
  decidedFields: readonly string[];
}>;

export type DomainDoc = JobDoc | SiteDoc | ConflictDoc;

export interface WriteContext {
  readonly user: string;
  readonly role: Role;
  /** `receive` (optional) lets an edit order after every stamp already on the doc it edits. */
  readonly hlc: Pick<Hlc, 'tick'> & Partial<Pick<Hlc, 'receive'>>;
  now(): number;
}

/**
 * The stamp for an edit of `doc`: first the clock takes in the doc's newest stamp, so an edit made after seeing
 * someone's write (even from a device whose clock runs ahead) wins over it, as the person intended.
 */
function stampAfter(doc: DomainDoc, ctx: WriteContext): Stamp {
  const newest = maxStamp(...Object.values(doc.clock ?? {}));
  if (newest !== undefined) ctx.hlc.receive?.(newest);
  return ctx.hlc.tick();
}

// Monotonic: ids made in the same millisecond still sort in the order they were made (a new job's checklist
// keeps the order it was typed in; items are listed by id).
const ulid = monotonicFactory();

/** `<type>:<ulid>`: sortable by creation time, made offline without coordination. */
export function newId(type: string, now: number): string {
  return `${type}:${ulid(now)}`;
}

const iso = (ms: number): string => new Date(ms).toISOString();
/** Item ids: ulids on the injected clock, unique without coordination. */
const itemId = (ctx: WriteContext): string => ulid(ctx.now());
const PROTECTED = ['_id', '_rev', 'type', 'team', 'schema', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy', 'clock', 'statusRole', '_attachments'] as const;
type Protected = (typeof PROTECTED)[number];
export type Changes<D> = Partial<Omit<D, Protected>>;
type ItemField = 'checklist' | 'notes' | 'readings' | 'photos';

/** The fields every new document starts with; `clock` stamps every domain field of `body`. */
function common<Type extends string>(type: Type, team: string, body: Readonly<Record<string, unknown>>, stamp: Stamp, ctx: WriteContext): CommonFields<Type> {
  const now = ctx.now();
  const fields = Object.keys(body).filter((field) => !(PROTECTED as readonly string[]).includes(field));
  return {
    _id: newId(type, now), type, team, schema: 1,
    createdAt: iso(now), createdBy: ctx.user, updatedAt: iso(now), updatedBy: ctx.user,
    clock: Object.fromEntries(fields.map((field) => [field, stamp])),
  };
}

export type NewJob = Readonly<{ team: string; title: string; checklist?: readonly string[] }> & Changes<Omit<JobDoc, ItemField>>;

export function createJob(input: NewJob, ctx: WriteContext): JobDoc {
  const { team, checklist = [], ...fields } = input;
  assertMayChangeStatus(fields.status, undefined, ctx);
  const stamp = ctx.hlc.tick();
  const authored = { by: ctx.user, at: iso(parseStamp(stamp).ms) };
  const body = {
    siteId: null, status: 'open', priority: 3, assignee: null, due: null, description: null, location: null, ...fields,
    checklist: sortItems(checklist.map((label) => ({ id: itemId(ctx), label, done: false, ...authored }))),
    notes: [], readings: [], photos: [],
  } as const satisfies Omit<JobDoc, keyof CommonFields<'job'>>;
  return { ...common('job', team, body, stamp, ctx), ...body, statusRole: ctx.role };
}

export function createSite(input: Readonly<{ team: string; name: string }> & Changes<SiteDoc>, ctx: WriteContext): SiteDoc {
  const { team, ...fields } = input;
  const body = { address: null, geo: null, contact: null, ...fields };
  return { ...common('site', team, body, ctx.hlc.tick(), ctx), ...body };
}

export function createConflictEntry(input: Readonly<{ team: string }> & Omit<ConflictDoc, keyof CommonFields<'conflict'>>, ctx: WriteContext): ConflictDoc {
  const { team, ...body } = input;
  return { ...common('conflict', team, body, ctx.hlc.tick(), ctx), ...body };
}

/** validate.js's status rules, checked before writing so the app can say no at once. */
function assertMayChangeStatus(status: unknown, previous: JobStatus | undefined, ctx: WriteContext): void {
  if (ctx.role !== 'field' || status === undefined || status === previous) return;
  if (status === 'cancelled') throw new Error('status: only a lead or HQ can cancel a job');
  if (previous === 'cancelled') throw new Error('status: only a lead or HQ can reopen a cancelled job');
}

/** Applies `changes`, stamping each field whose value differs. An undefined value leaves a field as is; null clears it. */
export function updateDoc<D extends DomainDoc>(doc: D, changes: Changes<D>, ctx: WriteContext): D {
  const changed = Object.entries(changes).filter(([field, value]) => {
    if ((PROTECTED as readonly string[]).includes(field)) throw new Error(`${field}: cannot be set with updateDoc`);
    return value !== undefined && canonicalJson(value) !== canonicalJson(fieldsOf(doc)[field]);
  });
  if (changed.length === 0) return doc;
  assertMayChangeStatus(Object.fromEntries(changed).status, statusOf(doc), ctx);
  const stamp = stampAfter(doc, ctx);
  const clock = { ...doc.clock, ...Object.fromEntries(changed.map(([field]) => [field, stamp])) };
  const statusRole = changed.some(([field]) => field === 'status') ? { statusRole: ctx.role } : {};
  return { ...doc, ...Object.fromEntries(changed), ...statusRole, clock, updatedAt: iso(ctx.now()), updatedBy: ctx.user };
}

const fieldsOf = (doc: DomainDoc): Readonly<Record<string, unknown>> => doc;
const statusOf = (doc: DomainDoc): JobStatus | undefined => (doc.type === 'job' ? doc.status : undefined);

export function setStatus(job: JobDoc, status: JobStatus, ctx: WriteContext): JobDoc {
  return updateDoc(job, { status }, ctx);
}

type Authored = Readonly<{ by: string; at: string }>;

/** Stamps `field`, and hands the new item's `by`/`at` to `edit`, which returns the changed fields. */
function itemWrite(job: JobDoc, field: ItemField, ctx: WriteContext, edit: (authored: Authored) => Changes<JobDoc> & Pick<JobDoc, '_attachments'>): JobDoc {
  const stamp = stampAfter(job, ctx);
  const fields = edit({ by: ctx.user, at: iso(parseStamp(stamp).ms) });
  return { ...job, ...fields, clock: { ...job.clock, [field]: stamp }, updatedAt: iso(ctx.now()), updatedBy: ctx.user };
}

/** The list with `item` added, or replacing the item with the same id, in merge order. */
function put<I extends Readonly<{ id: string; by: string; at: string }>>(list: readonly I[], item: I): readonly I[] {
  return sortItems([...list.filter((other) => other.id !== item.id), item]);
}

export function addChecklistItem(job: JobDoc, label: string, ctx: WriteContext): JobDoc {
  return itemWrite(job, 'checklist', ctx, (a) => ({ checklist: put(job.checklist, { id: itemId(ctx), label, done: false, ...a }) }));
}

export function toggleChecklistItem(job: JobDoc, itemId: string, ctx: WriteContext): JobDoc {
  const item = job.checklist.find((i) => i.id === itemId);
  if (!item) throw new Error(`checklist: no item ${itemId}`);
  return itemWrite(job, 'checklist', ctx, (a) => ({ checklist: put(job.checklist, { ...item, done: !item.done, ...a }) }));
}

export function addNote(job: JobDoc, text: string, ctx: WriteContext): JobDoc {
  return itemWrite(job, 'notes', ctx, (a) => ({ notes: put(job.notes, { id: itemId(ctx), text, ...a }) }));
}

export function addReading(job: JobDoc, reading: Readonly<{ label: string; value: number; unit: string }>, ctx: WriteContext): JobDoc {
  return itemWrite(job, 'readings', ctx, (a) => ({ readings: put(job.readings, { id: itemId(ctx), ...reading, ...a }) }));
}

const PHOTO_TYPES: Readonly<Record<string, string>> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };
export const MAX_PHOTO_BYTES = 1_572_864;

/** Adds the photo's metadata and its attachment `photo-<id>.<ext>` in one write (the merge relies on both travelling together). */
export function addPhoto(job: JobDoc, photo: Readonly<{ caption: string; contentType: string; data: string | Blob }>, ctx: WriteContext): JobDoc {
  const ext = PHOTO_TYPES[photo.contentType];
  if (ext === undefined) throw new Error(`photos: ${photo.contentType} is not a JPEG, PNG or WebP image`);
  const bytes = typeof photo.data === 'string' ? Math.floor((photo.data.length * 3) / 4) : photo.data.size;
  if (bytes > MAX_PHOTO_BYTES) throw new Error(`photos: larger than ${MAX_PHOTO_BYTES} bytes`);
  const id = itemId(ctx);
  return itemWrite(job, 'photos', ctx, (a) => ({
    photos: put(job.photos, { id, caption: photo.caption, ...a }),
    _attachments: { ...job._attachments, [`photo-${id}.${ext}`]: { content_type: photo.contentType, data: photo.data } },
  }));
}

/** Changes a photo's caption (the attachment is untouched). */
export function setPhotoCaption(job: JobDoc, photoId: string, caption: string, ctx: WriteContext): JobDoc {
  const item = job.photos.find((p) => p.id === photoId);
  if (!item) throw new Error(`photos: no photo ${photoId}`);
  return itemWrite(job, 'photos', ctx, (a) => ({ photos: put(job.photos, { ...item, caption, ...a }) }));
}
