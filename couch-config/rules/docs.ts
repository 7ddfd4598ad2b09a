// Valid Outpost documents (ARCHITECTURE.md §2), shaped to pass couch-config/design/validate.js, and a way to
// break one field at a time. Every factory returns a fresh doc with a new `<type>:<ulid>` id.
import { ulid } from 'ulid';

export type JobStatus = 'open' | 'assigned' | 'en_route' | 'on_site' | 'done' | 'blocked' | 'cancelled';

/** Fields every domain doc has. `clock` maps a field name to the stamp of its last write. */
export interface DomainDoc {
  _id: string;
  _rev?: string;
  _deleted?: boolean;
  _attachments?: Record<string, InlineAttachment>;
  type: 'job' | 'site' | 'conflict';
  team: string;
  schema: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
  clock: Record<string, string>;
}

export interface InlineAttachment {
  content_type: string;
  /** base64 */
  data: string;
}

export interface ListItem {
  id: string;
  by: string;
  at: string;
}

export interface JobDoc extends DomainDoc {
  type: 'job';
  title: string;
  siteId?: string | null;
  status: JobStatus;
  /** Role of whoever last set `status`. */
  statusRole?: 'field' | 'lead' | 'hq';
  priority: 1 | 2 | 3 | 4;
  assignee?: string | null;
  due?: string | null;
  description?: string;
  checklist: Array<ListItem & { label: string; done: boolean }>;
  notes: Array<ListItem & { text: string }>;
  readings: Array<ListItem & { label: string; value: number; unit: string }>;
  photos: Array<ListItem & { caption: string }>;
  location?: { lat: number; lon: number; accuracy?: number } | null;
}

export interface SiteDoc extends DomainDoc {
  type: 'site';
  name: string;
  address?: string | null;
  geo?: { lat: number; lon: number; accuracy?: number } | null;
  contact?: { name?: string; phone?: string; email?: string } | null;
}

export interface ConflictDoc extends DomainDoc {
  type: 'conflict';
  docId: string;
  revisions: string[];
  handler: string;
  device: string;
  decidedFields: string[];
}

export type OutpostDoc = JobDoc | SiteDoc | ConflictDoc;

/** A write whose body is deliberately not a valid OutpostDoc. */
export type RawDoc = { _id: string } & Record<string, unknown>;

export const T0 = '2026-01-01T00:00:00.000Z';
export const T1 = '2026-01-01T09:30:00.000Z';
export const MS0 = Date.parse(T0); // 1767225600000

/** A hybrid logical clock stamp `<ms>-<counter>-<deviceId>`. */
export function stamp(device = 'devA', ms = MS0, counter = 0): string {
  return `${ms}-${counter}-${device}`;
}

function clockFor(fields: readonly string[], device: string): Record<string, string> {
  return Object.fromEntries(fields.map((f) => [f, stamp(device)]));
}

/** Who writes and where: `by` is the writing user's name (it becomes createdBy and updatedBy). */
export interface Author {
  team: string;
  by: string;
  device?: string;
}

function base<T extends DomainDoc['type']>(type: T, author: Author, fields: readonly string[]) {
  const device = author.device ?? 'devA';
  return {
    _id: `${type}:${ulid()}`,
    type,
    team: author.team,
    schema: 1,
    createdAt: T0,
    createdBy: author.by,
    updatedAt: T0,
    updatedBy: author.by,
    clock: clockFor(fields, device),
  };
}

export function job(author: Author, overrides: Partial<Omit<JobDoc, 'type'>> = {}): JobDoc {
  const doc: JobDoc = {
    ...base('job', author, ['title', 'status', 'priority', 'assignee', 'due', 'description']),
    title: 'Replace the pump seal',
    siteId: null,
    status: 'open',
    priority: 2,
    assignee: author.by,
    due: '2026-01-31',
    description: 'The seal on pump 2 leaks.',
    checklist: [{ id: 'c1', label: 'Isolate the pump', done: false, by: author.by, at: T0 }],
    notes: [{ id: 'n1', text: 'Bring the spare seal kit.', by: author.by, at: T0 }],
    readings: [{ id: 'r1', label: 'Pressure', value: 3.2, unit: 'bar', by: author.by, at: T0 }],
    photos: [],
    location: { lat: 59.91, lon: 10.75, accuracy: 12 },
  };
  return { ...doc, ...overrides };
}

export function site(author: Author, overrides: Partial<Omit<SiteDoc, 'type'>> = {}): SiteDoc {
  const doc: SiteDoc = {
    ...base('site', author, ['name', 'address', 'geo', 'contact']),
    name: 'Pumping station 4',
    address: 'Harbour road 12',
    geo: { lat: 59.9, lon: 10.7 },
    contact: { name: 'Kari Nordmann', phone: '+47 555 01 234', email: 'kari@example.com' },
  };
  return { ...doc, ...overrides };
}

export function conflict(author: Author, overrides: Partial<Omit<ConflictDoc, 'type'>> = {}): ConflictDoc {
  const doc: ConflictDoc = {
    ...base('conflict', author, []),
    docId: `job:${ulid()}`,
    revisions: ['2-0123456789abcdef0123456789abcdef', '2-fedcba9876543210fedcba9876543210'],
    handler: 'job',
    device: author.device ?? 'devA',
    decidedFields: ['title', 'status'],
  };
  return { ...doc, ...overrides };
}

/** Marks a value as "remove this field" in `withField`. */
export const MISSING = Symbol('missing');

/** The doc with one field replaced (or removed with MISSING): the way to build an invalid write. */
export function withField(doc: OutpostDoc | RawDoc, field: string, value: unknown): RawDoc {
  const copy: RawDoc = { ...doc };
  if (value === MISSING) delete copy[field];
  else copy[field] = value;
  return copy;
}

/** An update of `doc` by user `by`: sets updatedBy/updatedAt and stamps the changed fields with a later clock. */
export function edited<T extends OutpostDoc>(doc: T & { _rev: string }, by: string, changes: Partial<T>, device = 'devB'): T {
  const clock = { ...doc.clock };
  for (const field of Object.keys(changes)) clock[field] = stamp(device, MS0 + 60_000, 1);
  return { ...doc, ...changes, updatedBy: by, updatedAt: T1, clock };
}

export function listItems<T>(count: number, make: (i: number) => T): T[] {
  return Array.from({ length: count }, (_, i) => make(i));
}

/** A tiny valid JPEG header plus filler, base64: the content does not matter to the server, the type does. */
export function jpegBase64(bytes: number): string {
  const data = Buffer.alloc(bytes, 0x42);
  data[0] = 0xff;
  data[1] = 0xd8;
  data[2] = 0xff;
  return data.toString('base64');
}
