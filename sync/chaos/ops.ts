/**
 * Random domain edits for the chaos run, made with the real write helpers (sync/docs.ts) on a device's local
 * database, and the log of what each edit did — the evidence check.ts holds the converged data against.
 *
 * Only legal edits are generated: a field worker never cancels, and never touches the status of a cancelled job
 * (validate.js would refuse both). Before an edit the device's clock receives every stamp on the doc it edits, as
 * an app does with what it has seen, so an edit made after seeing another is also later by its stamp.
 */
import type { Doc, LocalDb } from '../db';
import {
  addChecklistItem, addNote, addPhoto, addReading, setPhotoCaption, setStatus, toggleChecklistItem, updateDoc,
  type JobDoc, type JobStatus, type Role, type WriteContext,
} from '../docs';
import type { Hlc, Stamp } from '../hlc';
import { JOB_ITEM_LISTS } from '../merge/job';
import type { Prng } from './prng';

export type ItemField = (typeof JOB_ITEM_LISTS)[number];
export const SCALAR_FIELDS = ['title', 'priority', 'assignee', 'due', 'description', 'location'] as const;
export type ScalarField = (typeof SCALAR_FIELDS)[number];

export type Edit =
  | { kind: 'scalar'; device: string; docId: string; field: ScalarField; stamp: Stamp; value: unknown }
  | { kind: 'status'; device: string; docId: string; stamp: Stamp; value: JobStatus; role: Role }
  | { kind: 'item'; device: string; docId: string; field: ItemField; item: Readonly<{ id: string; by: string; at: string }> & Record<string, unknown>; attachment?: string };

const FIELD_STATUSES: readonly JobStatus[] = ['open', 'assigned', 'en_route', 'on_site', 'done', 'blocked'];
const LEAD_STATUSES: readonly JobStatus[] = [...FIELD_STATUSES, 'cancelled'];
/** Stay clear of validate.js's list caps (checklist 200, notes/readings 500, photos 50). */
const CAPS: Readonly<Record<ItemField, number>> = { checklist: 150, notes: 400, readings: 400, photos: 40 };

/** A JPEG header and filler: the server checks the content type and the size, never the pixels. */
function tinyJpeg(prng: Prng): string {
  const bytes = Buffer.alloc(prng.int(40, 400), prng.int(0, 255));
  bytes[0] = 0xff;
  bytes[1] = 0xd8;
  bytes[2] = 0xff;
  return bytes.toString('base64');
}

export interface EditingDevice {
  readonly name: string;
  readonly role: Role;
  readonly local: LocalDb;
  readonly hlc: Hlc;
  readonly ctx: WriteContext;
}

type Planned = { next: JobDoc; edits: (next: JobDoc) => Edit[] };

/** One random legal edit of `job` for `device`, or null when the pick does not apply (e.g. a cancelled job). */
function plan(job: JobDoc, device: EditingDevice, prng: Prng): Planned | null {
  const { ctx, name } = device;
  const base = { device: name, docId: job._id };
  const itemEdit = (field: ItemField, id: string, attachment?: string) => (next: JobDoc): Edit[] => {
    const item = (next[field] as ReadonlyArray<{ id: string; by: string; at: string }>).find((i) => i.id === id);
    if (!item) throw new Error(`${field}: the new item ${id} is missing from the written doc`);
    return [{ ...base, kind: 'item', field, item, ...(attachment ? { attachment } : {}) }];
  };
  const newItem = (field: ItemField, next: JobDoc): string => {
    const before = new Set(job[field].map((i) => i.id));
    const added = next[field].find((i) => !before.has(i.id));
    if (!added) throw new Error(`${field}: no new item`);
    return added.id;
  };
  const room = (field: ItemField) => job[field].length < CAPS[field];

  switch (prng.pick(['status', 'scalar', 'scalar', 'checklist', 'note', 'reading', 'photo', 'caption'] as const)) {
    case 'status': {
      if (device.role === 'field' && job.status === 'cancelled') return null;
      const status = prng.pick(device.role === 'field' ? FIELD_STATUSES : LEAD_STATUSES);
      const next = setStatus(job, status, ctx);
      if (next === job) return null;
      return { next, edits: (n) => [{ ...base, kind: 'status', stamp: n.clock.status ?? '', value: n.status, role: device.role }] };
    }
    case 'scalar': {
      const field = prng.pick(SCALAR_FIELDS);
      const value = {
        title: `Job ${prng.int(1, 9999)}`,
        priority: prng.int(1, 4),
        assignee: prng.chance(0.2) ? null : `worker-${prng.int(1, 9)}`,
        due: prng.chance(0.2) ? null : `2026-0${prng.int(1, 9)}-1${prng.int(0, 9)}`,
        description: `Description ${prng.int(1, 1e6)}`,
        location: { lat: prng.int(-9000, 9000) / 100, lon: prng.int(-18000, 18000) / 100, accuracy: prng.int(1, 50) },
      }[field];
      const next = updateDoc(job, { [field]: value }, ctx);
      if (next === job) return null;
      return { next, edits: (n) => [{ ...base, kind: 'scalar', field, stamp: n.clock[field] ?? '', value: n[field] }] };
    }
    case 'checklist': {
      const existing = job.checklist.length > 0 && prng.chance(0.5) ? prng.pick(job.checklist) : null;
      if (existing) return { next: toggleChecklistItem(job, existing.id, ctx), edits: itemEdit('checklist', existing.id) };
      if (!room('checklist')) return null;
      const next = addChecklistItem(job, `Step ${prng.int(1, 999)}`, ctx);
      return { next, edits: itemEdit('checklist', newItem('checklist', next)) };
    }
    case 'note': {
      if (!room('notes')) return null;
      const next = addNote(job, `Note ${prng.int(1, 1e6)} from ${name}`, ctx);
      return { next, edits: itemEdit('notes', newItem('notes', next)) };
    }
    case 'reading': {
      if (!room('readings')) return null;
      const next = addReading(job, { label: prng.pick(['Pressure', 'Flow', 'Temp']), value: prng.int(-500, 5000) / 10, unit: prng.pick(['bar', 'l/s', 'C']) }, ctx);
      return { next, edits: itemEdit('readings', newItem('readings', next)) };
    }
    case 'photo': {
      if (!room('photos')) return null;
      const next = addPhoto(job, { caption: `Photo ${prng.int(1, 999)}`, contentType: 'image/jpeg', data: tinyJpeg(prng) }, ctx);
      const id = newItem('photos', next);
      // The attachment addPhoto added: the one name the job had not carried before.
      const attachment = Object.keys(next._attachments ?? {}).find((name) => !(name in (job._attachments ?? {})));
      return { next, edits: itemEdit('photos', id, attachment) };
    }
    case 'caption': {
      if (job.photos.length === 0) return null;
      const photo = prng.pick(job.photos);
      return { next: setPhotoCaption(job, photo.id, `Caption ${prng.int(1, 999)}`, ctx), edits: itemEdit('photos', photo.id) };
    }
  }
}

function isConflict(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { status?: unknown }).status === 409;
}

/**
 * Makes one random legal edit of one of `jobIds` on the device and returns what it did ([] when the picks did not
 * apply). A 409 (the engine wrote the doc in between, e.g. a conflict resolution) is retried on the new revision.
 */
export async function randomEdit(device: EditingDevice, jobIds: readonly string[], prng: Prng): Promise<Edit[]> {
  const docId = prng.pick(jobIds);
  for (let attempt = 0; attempt < 5; attempt++) {
    const job = (await device.local.get(docId)) as JobDoc;
    for (const stamp of Object.values(job.clock)) device.hlc.receive(stamp);
    const planned = plan(job, device, prng);
    if (!planned) return [];
    try {
      const { rev } = await device.local.put(planned.next as unknown as Doc);
      return planned.edits({ ...planned.next, _rev: rev });
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
  }
  return [];
}
