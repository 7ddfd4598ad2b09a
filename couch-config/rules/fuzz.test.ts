// Fuzzing Outpost's write rules over HTTP, as a field worker of a team database set up like `couch setup` does.
// The verdict comes from an independent model of the rules (ARCHITECTURE §3, validate.js's documented checks),
// written here without reading validate.js at run time: a doc the model finds invalid must be refused with 403
// naming one of the fields the model names, a doc it finds valid must be stored, and the server never answers 5xx.
// Then oversized and malformed requests: each a clear 4xx, and the server stays up. fast-check prints the seed
// and path of a failing case (rerun with `fc.assert(..., { seed, path })`).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAlive, couch, putDesign, putDoc, uid, useFixtures, type TestUser } from '../contract/helpers';
import { teamSecurity, validateDesignDoc, VALIDATE_DDOC } from '../design-docs';

const fx = useFixtures();
const enc = encodeURIComponent;
let team = '';
let db = '';
let worker: TestUser;

beforeAll(async () => {
  team = `t-${uid('f').slice(2, 14)}`;
  db = await fx.db(teamSecurity(team));
  await putDesign(db, VALIDATE_DDOC.slice('_design/'.length), validateDesignDoc(team));
  worker = await fx.user([`team:${team}`]);
});

afterAll(async () => {
  await expectAlive();
});

// ── the model ────────────────────────────────────────────────────────────────────────────────────────────────
// Every function returns the fields a write must be refused for ([] = no rule broken), named as the server's
// reasons name them (`title`, `checklist[2].label`, `_attachments.photo-x.jpg`).

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const STAMP = /^\d{13,}-\d+-[A-Za-z0-9_.:-]{1,64}$/;
const PHOTO_NAME = /^photo-[A-Za-z0-9_-]{1,64}\.(jpg|jpeg|png|webp)$/;
const PHOTO_CAP = 1_572_864;
const FIELD_STATUSES = ['open', 'assigned', 'en_route', 'on_site', 'done', 'blocked'];

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';

function text(field: string, v: unknown, max: number, optional = false): string[] {
  if (optional && (v === undefined || v === null)) return [];
  return isString(v) && v.length <= max ? [] : [field];
}
const nonEmpty = (field: string, v: unknown, max: number) => (isString(v) && v.length > 0 && v.length <= max ? [] : [field]);
const inRange = (field: string, v: unknown, min: number, max: number) => (typeof v === 'number' && v >= min && v <= max ? [] : [field]);

function items(field: string, v: unknown, max: number, item: (at: string, i: Json) => string[]): string[] {
  if (!Array.isArray(v) || v.length > max) return [field];
  const seen = new Set<unknown>();
  const problems: string[] = [];
  v.forEach((raw: unknown, n) => {
    const at = `${field}[${n}]`;
    if (!isObject(raw)) return problems.push(at);
    problems.push(...nonEmpty(`${at}.id`, raw.id, 64));
    if (seen.has(raw.id)) problems.push(`${at}.id`);
    seen.add(raw.id);
    problems.push(...text(`${at}.by`, raw.by, 100));
    if (!isString(raw.at) || !ISO.test(raw.at)) problems.push(`${at}.at`);
    problems.push(...item(at, raw));
  });
  return problems;
}

function geo(field: string, v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (!isObject(v)) return [field];
  return [
    ...inRange(`${field}.lat`, v.lat, -90, 90),
    ...inRange(`${field}.lon`, v.lon, -180, 180),
    ...(v.accuracy === undefined ? [] : inRange(`${field}.accuracy`, v.accuracy, 0, 100_000)),
  ];
}

function base64Bytes(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.floor((data.length * 3) / 4) - padding;
}

/** Why a field worker's new doc must be refused in team `team`'s database. */
function refusals(doc: Json, user: string): string[] {
  const problems: string[] = [];
  if (doc.retiredAt !== undefined) problems.push('retiredAt');
  if (!isString(doc.type)) problems.push('type');
  if (doc.team !== team) problems.push('team');
  if (typeof doc.schema !== 'number' || !Number.isInteger(doc.schema) || doc.schema < 1) problems.push('schema');
  for (const f of ['createdAt', 'updatedAt']) if (!isString(doc[f]) || !ISO.test(doc[f])) problems.push(f);
  if (doc.createdBy !== user) problems.push('createdBy');
  if (doc.updatedBy !== user) problems.push('updatedBy');
  if (!isObject(doc.clock)) problems.push('clock');
  else for (const [f, s] of Object.entries(doc.clock)) if (!isString(s) || !STAMP.test(s)) problems.push(`clock.${f}`);
  for (const [name, att] of Object.entries(isObject(doc._attachments) ? doc._attachments : {})) {
    const a = isObject(att) ? att : {};
    const bytes = isString(a.data) ? base64Bytes(a.data) : 0;
    if (!PHOTO_NAME.test(name) || !isString(a.content_type) || !a.content_type.startsWith('image/') || bytes > PHOTO_CAP) problems.push(`_attachments.${name}`);
  }
  if (doc.type !== 'job') return doc.type === 'site' || doc.type === 'conflict' ? problems.concat('(other type)') : problems.concat('type');
  problems.push(...nonEmpty('title', doc.title, 200));
  problems.push(...text('siteId', doc.siteId, 100, true));
  if (!FIELD_STATUSES.includes(doc.status as string)) problems.push('status');
  if (typeof doc.priority !== 'number' || !Number.isInteger(doc.priority) || doc.priority < 1 || doc.priority > 4) problems.push('priority');
  problems.push(...text('assignee', doc.assignee, 100, true));
  if (doc.due !== undefined && doc.due !== null && !(isString(doc.due) && DATE.test(doc.due))) problems.push('due');
  problems.push(...text('description', doc.description, 10_000, true));
  problems.push(...items('checklist', doc.checklist, 200, (at, i) => [...nonEmpty(`${at}.label`, i.label, 200), ...(typeof i.done === 'boolean' ? [] : [`${at}.done`])]));
  problems.push(...items('notes', doc.notes, 500, (at, i) => nonEmpty(`${at}.text`, i.text, 5000)));
  problems.push(...items('readings', doc.readings, 500, (at, i) => [...nonEmpty(`${at}.label`, i.label, 100), ...inRange(`${at}.value`, i.value, -1e12, 1e12), ...text(`${at}.unit`, i.unit, 20)]));
  problems.push(...items('photos', doc.photos, 50, (at, i) => text(`${at}.caption`, i.caption, 500)));
  problems.push(...geo('location', doc.location));
  return problems;
}

// ── arbitraries: mostly valid, each field sometimes broken ───────────────────────────────────────────────────

const T0 = '2026-01-01T00:00:00.000Z';
// Each field breaks rarely, so that about half the docs are valid and half break one or two rules.
const often = <T, U>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<U>) => fc.oneof({ arbitrary: valid, weight: 30 }, { arbitrary: invalid, weight: 1 });
const shortText = fc.string({ minLength: 1, maxLength: 30 });
const stamp = fc.constantFrom('1767225600000-0-dev', '1767225600001-3-dev.2', '1767225600000-0-a:b_c');
const badStamp = fc.constantFrom('yesterday', '176722560000-0-dev', '1767225600000-x-dev', '', 5);
const isoTime = fc.constantFrom(T0, '2026-03-04T05:06:07Z', '2026-03-04T05:06:07.123456Z');
const badIso = fc.constantFrom('2026-01-01', 'now', 1767225600000, '2026-01-01T00:00:00.000+01:00');
/** A valid id, made unique per list by `uniqueIds`; the invalid ones include a repeat of the first item's id. */
const itemId = fc.constant('@unique');
const badItemId = fc.constantFrom('', 'x'.repeat(65), 7, null, 'item-0');
const uniqueIds = <I extends { id: unknown }>(list: I[]): I[] => list.map((item, n) => (item.id === '@unique' ? { ...item, id: n === 0 ? 'item-0' : `item-${n}-${'x'.repeat(n)}` } : item));

function itemArb(user: string, extra: Record<string, fc.Arbitrary<unknown>>) {
  return fc.record({
    id: often(itemId, badItemId),
    by: often(fc.constant(user), fc.constantFrom(42, 'y'.repeat(101))),
    at: often(isoTime, badIso),
    ...extra,
  });
}

function jobArb(user: string) {
  const optionalText = (max: number) => often(fc.oneof(fc.constant(null), shortText), fc.constantFrom('z'.repeat(max + 1), 12, true));
  return fc.record({
    type: often(fc.constant('job'), fc.constantFrom('widget', 42, 'Job')),
    team: often(fc.constant(team), fc.constantFrom('other-team', '', 'UPPER', 7)),
    schema: often(fc.constant(1), fc.constantFrom(0, -1, 1.5, '1')),
    createdAt: often(isoTime, badIso),
    updatedAt: often(isoTime, badIso),
    createdBy: often(fc.constant(user), fc.constantFrom('someone-else', '')),
    updatedBy: often(fc.constant(user), fc.constantFrom('someone-else', '')),
    clock: often(fc.dictionary(fc.constantFrom('title', 'status', 'notes'), stamp), fc.oneof(fc.dictionary(fc.constantFrom('title', 'status'), badStamp, { minKeys: 1 }), fc.constantFrom([], 'clock', null))),
    title: often(shortText, fc.constantFrom('', 't'.repeat(201), 5, null)),
    siteId: optionalText(100),
    status: often(fc.constantFrom(...FIELD_STATUSES), fc.constantFrom('cancelled', 'closed', 3)),
    priority: often(fc.integer({ min: 1, max: 4 }), fc.constantFrom(0, 5, 2.5, '2')),
    assignee: optionalText(100),
    due: often(fc.constantFrom(null, '2026-01-31'), fc.constantFrom('tomorrow', 20260131, '31/01/2026')),
    description: optionalText(10_000),
    checklist: fc.array(itemArb(user, { label: often(shortText, fc.constantFrom('', 'l'.repeat(201))), done: often(fc.boolean(), fc.constantFrom('yes', 1)) }), { maxLength: 3 }).map(uniqueIds),
    notes: fc.array(itemArb(user, { text: often(shortText, fc.constantFrom('', 5)) }), { maxLength: 3 }).map(uniqueIds),
    readings: fc.array(itemArb(user, { label: often(shortText, fc.constant('')), value: often(fc.double({ min: -1e12, max: 1e12, noNaN: true }), fc.constantFrom(1e13, '3.2', null)), unit: often(fc.constantFrom('bar', ''), fc.constantFrom('u'.repeat(21), 3)) }), { maxLength: 3 }).map(uniqueIds),
    photos: fc.array(itemArb(user, { caption: often(fc.string({ maxLength: 30 }), fc.constantFrom('c'.repeat(501), null)) }), { maxLength: 2 }).map(uniqueIds),
    location: often(fc.oneof(fc.constant(null), fc.record({ lat: fc.double({ min: -90, max: 90, noNaN: true }), lon: fc.double({ min: -180, max: 180, noNaN: true }) })), fc.constantFrom({ lat: 91, lon: 0 }, { lat: 0, lon: -181 }, 'here', [1, 2], { lat: 1, lon: 1, accuracy: -1 })),
    extra: fc.option(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !k.startsWith('_')), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 }), { nil: undefined }),
    retiredAt: often(fc.constant(undefined), fc.constantFrom(T0, 'soon')),
  }).map(({ extra, ...fields }) => ({ ...extra, ...fields }));
}

const verdicts = { valid: 0, invalid: 0 };

/** PUTs a new doc as the worker and holds the answer to the model's verdict. */
async function check(doc: Json): Promise<void> {
  const id = `job:${uid('fuzz')}`;
  const body = { ...doc, _id: id };
  const problems = refusals(JSON.parse(JSON.stringify(body)) as Json, worker.user);
  const res = await couch<{ ok?: boolean; error?: string; reason?: string }>(`/${db}/${enc(id)}`, { method: 'PUT', body, auth: worker });
  expect(res.status, `a 5xx for ${JSON.stringify(body).slice(0, 500)}`).toBeLessThan(500);
  const stored = await couch(`/${db}/${enc(id)}`, { auth: 'admin' });
  verdicts[problems.length === 0 ? 'valid' : 'invalid']++;
  if (problems.length === 0) {
    expect(res.status, `the model finds no broken rule, the server said ${JSON.stringify(res.body)}`).toBe(201);
    return;
  }
  expect(res.status, `the model expects a refusal for ${problems.join(', ')}; the server said ${JSON.stringify(res.body)}`).toBe(403);
  expect(res.body.error).toBe('forbidden');
  expect(stored.status).toBe(404);
  if (problems.includes('(other type)')) return; // a site or conflict doc: refused for fields this job model does not describe
  const field = (res.body.reason ?? '').split(': ')[0] ?? '';
  expect(problems, `refused for "${res.body.reason}", the model names ${problems.join(', ')}`).toContain(field);
}

describe('fuzzed writes against validate_doc_update (model vs server)', () => {
  it('near-valid jobs: refused exactly when a rule is broken, for a field the model names', async () => {
    await fc.assert(fc.asyncProperty(jobArb('WORKER'), async (doc) => check(withUser(doc))), { numRuns: 150 });
    // Both sides of the model were exercised, not only refusals.
    expect(verdicts.valid).toBeGreaterThan(10);
    expect(verdicts.invalid).toBeGreaterThan(10);
  });

  it('photo attachments: only images named photo-<id>.<ext> up to the size cap are stored', async () => {
    const attachment = fc.record({
      name: fc.constantFrom('photo-a1.jpg', 'photo-x_y.png', 'photo-9.webp', 'photo-b.jpeg', 'evil.exe', 'photo-.jpg', 'photo-a.gif', 'photo-a.jpg.exe', 'notes.txt'),
      type: fc.constantFrom('image/jpeg', 'image/png', 'image/webp', 'text/html', 'application/octet-stream', 'image'),
      bytes: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 2_000 }), weight: 8 }, { arbitrary: fc.constantFrom(PHOTO_CAP, PHOTO_CAP + 1), weight: 1 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(attachment, { maxLength: 3, selector: (a) => a.name }), async (atts) => {
        const _attachments = Object.fromEntries(atts.map((a) => [a.name, { content_type: a.type, data: Buffer.alloc(a.bytes, 0xd8).toString('base64') }]));
        await check({ ...validJob(worker.user), _attachments });
      }),
      { numRuns: 25 },
    );
  });

  it('arbitrary JSON objects: never a 5xx, and whatever is stored satisfies the rules', async () => {
    const arbitraryDoc = fc.dictionary(fc.string({ maxLength: 10 }).filter((k) => !k.startsWith('_')), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 8 });
    const mixed = fc.oneof(arbitraryDoc, fc.tuple(fc.constant(validJob('WORKER')), arbitraryDoc).map(([job, extra]) => ({ ...job, ...extra })));
    await fc.assert(
      fc.asyncProperty(mixed, async (raw) => {
        const doc = withUser(raw);
        const id = `job:${uid('fuzz')}`;
        const res = await couch(`/${db}/${enc(id)}`, { method: 'PUT', body: { ...doc, _id: id }, auth: worker });
        expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
        if (res.status === 201) {
          const stored = await couch<Json>(`/${db}/${enc(id)}`, { auth: 'admin' });
          expect(refusals(stored.body, worker.user), JSON.stringify(stored.body).slice(0, 500)).toEqual([]);
        } else {
          expect([400, 403], JSON.stringify(res.body)).toContain(res.status);
        }
      }),
      { numRuns: 100 },
    );
    await expectAlive();
  });
});

/** Generated docs name the author 'WORKER'; the real user name is only known after beforeAll. */
function withUser(doc: Json): Json {
  return JSON.parse(JSON.stringify(doc).replaceAll('"WORKER"', JSON.stringify(worker.user))) as Json;
}

function validJob(user: string): Json {
  return {
    type: 'job', team, schema: 1, createdAt: T0, createdBy: user, updatedAt: T0, updatedBy: user,
    clock: { title: '1767225600000-0-dev' }, title: 'Fuzzed job', siteId: null, status: 'open', priority: 2,
    assignee: null, due: null, description: null, checklist: [], notes: [], readings: [], photos: [], location: null,
  };
}

describe('oversized and malformed requests', () => {
  it('a document over the size limit is 413 and is not stored', async () => {
    const id = `job:${uid('huge')}`;
    const res = await couch(`/${db}/${enc(id)}`, { method: 'PUT', body: { ...validJob(worker.user), padding: 'x'.repeat(9_000_000) }, auth: worker, timeoutMs: 60_000 });
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(413);
    expect((await couch(`/${db}/${enc(id)}`, { auth: 'admin' })).status).toBe(404);
    await expectAlive();
  });

  it('an attachment over the photo cap is refused, inline or on its own', async () => {
    const big = Buffer.alloc(PHOTO_CAP + 1_000, 0xd8);
    const id = `job:${uid('bigphoto')}`;
    const inline = await couch(`/${db}/${enc(id)}`, { method: 'PUT', body: { ...validJob(worker.user), _attachments: { 'photo-big.jpg': { content_type: 'image/jpeg', data: big.toString('base64') } } }, auth: worker, timeoutMs: 60_000 });
    expect([403, 413], JSON.stringify(inline.body)).toContain(inline.status);
    const rev = await putDoc(db, { ...validJob(worker.user), _id: id }, worker);
    const alone = await couch(`/${db}/${enc(id)}/photo-big.jpg?rev=${enc(rev)}`, { method: 'PUT', body: new Uint8Array(big), headers: { 'Content-Type': 'image/jpeg' }, auth: worker, timeoutMs: 60_000 });
    expect([403, 413], JSON.stringify(alone.body)).toContain(alone.status);
    const stored = await couch<{ _rev: string; _attachments?: unknown }>(`/${db}/${enc(id)}`, { auth: 'admin' });
    expect(stored.body._rev).toBe(rev);
    expect(stored.body._attachments).toBeUndefined();
    await expectAlive();
  });

  it('a non-image attachment on its own is refused', async () => {
    const id = `job:${uid('html')}`;
    const rev = await putDoc(db, { ...validJob(worker.user), _id: id }, worker);
    const res = await couch(`/${db}/${enc(id)}/photo-a.jpg?rev=${enc(rev)}`, { method: 'PUT', body: '<script>alert(1)</script>', headers: { 'Content-Type': 'text/html' }, auth: worker });
    expect(res.status, JSON.stringify(res.body)).toBe(403);
    await expectAlive();
  });

  it('deeply nested JSON is answered with a 4xx or stored intact, never a 5xx', async () => {
    const depth = 5_000;
    const nested = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const id = `job:${uid('deep')}`;
    const body = JSON.stringify({ ...validJob(worker.user), _id: id }).replace(/}$/, `,"deep":${nested}}`);
    const res = await couch(`/${db}/${enc(id)}`, { method: 'PUT', body, auth: worker });
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBeLessThan(500);
    if (res.status >= 400) expect(res.body).toMatchObject({ error: expect.any(String), reason: expect.any(String) });
    await expectAlive();
  });

  it.each([
    ['truncated JSON', '{"type": "job", "title": '],
    ['a bare string', '"job"'],
    ['JSON with a trailing comma', '{"type": "job",}'],
  ])('%s as a doc body is 400 and stores nothing', async (_label, body) => {
    const id = `job:${uid('bad')}`;
    const res = await couch(`/${db}/${enc(id)}`, { method: 'PUT', body, auth: worker });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect((await couch(`/${db}/${enc(id)}`, { auth: 'admin' })).status).toBe(404);
    await expectAlive();
  });
});
