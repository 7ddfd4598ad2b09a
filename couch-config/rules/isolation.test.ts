// Read security comes from `_security`, not from the replication filter (ARCHITECTURE.md §2): a user of one team
// can neither read nor write anything in another team's database or in the hub, through any endpoint. Each refusal
// is 403, and the server admin then confirms nothing changed. HQ reads the hub, including the dashboard view.
import { beforeAll, describe, expect, it } from 'vitest';
import { couch, type CouchResponse } from '../contract/helpers';
import { DASHBOARD_DDOC } from '../design-docs';
import { HUB_DB } from '../model';
import { job, type JobDoc } from './docs';
import { create, docPath, expectNotMember, stored, useWorld, type RuleUser } from './world';

const world = useWorld();

const enc = encodeURIComponent;
const LOCAL_ID = '_local/rules-checkpoint';

interface Seeded {
  db: string;
  /** The team whose docs a write into this database would carry. */
  team: string;
  doc: JobDoc & { _rev: string };
  local: Record<string, unknown>;
}

const seeded = new Map<'south' | 'hub', Seeded>();
function target(key: 'south' | 'hub'): Seeded {
  const s = seeded.get(key);
  if (!s) throw new Error(`${key} is seeded in beforeAll`);
  return s;
}
let hubNorthJobs: Array<JobDoc & { _rev: string }> = [];

beforeAll(async () => {
  const { north, south, hq } = world();
  for (const [key, db, team, author] of [
    ['south', south.db, south.id, south.worker.user],
    ['hub', HUB_DB, south.id, hq.user],
  ] as const) {
    const doc = await create(db, job({ team, by: author }), 'admin');
    const local = { checkpoint: `${key}-1` };
    const res = await couch(`/${enc(db)}/${LOCAL_ID}`, { method: 'PUT', body: local, auth: 'admin' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    seeded.set(key, { db, team, doc, local });
  }
  // Jobs of north in the hub, counted by the dashboard view below.
  hubNorthJobs = [];
  for (const status of ['open', 'open', 'done'] as const) {
    hubNorthJobs.push(await create(HUB_DB, job({ team: north.id, by: hq.user }, { status }), hq));
  }
});

type Read = [label: string, call: (s: Seeded, user: RuleUser) => Promise<CouchResponse<unknown>>];

const reads: Read[] = [
  ['GET /db', (s, u) => couch(`/${enc(s.db)}`, { auth: u })],
  ['GET a doc', (s, u) => couch(docPath(s.db, s.doc._id), { auth: u })],
  ['GET _all_docs', (s, u) => couch(`/${enc(s.db)}/_all_docs?include_docs=true`, { auth: u })],
  ['GET _changes', (s, u) => couch(`/${enc(s.db)}/_changes?include_docs=true`, { auth: u })],
  ['POST _changes?filter=_selector', (s, u) => couch(`/${enc(s.db)}/_changes?filter=_selector`, { body: { selector: { type: 'job' } }, auth: u })],
  ['POST _find', (s, u) => couch(`/${enc(s.db)}/_find`, { body: { selector: { type: 'job' } }, auth: u })],
  ['POST _bulk_get', (s, u) => couch(`/${enc(s.db)}/_bulk_get`, { body: { docs: [{ id: s.doc._id }] }, auth: u })],
  ['GET a _local doc', (s, u) => couch(`/${enc(s.db)}/${LOCAL_ID}`, { auth: u })],
  ['GET the dashboard view', (s, u) => couch(`/${enc(s.db)}/${DASHBOARD_DDOC}/_view/jobs_by_team_status?group_level=2`, { auth: u })],
];

/** A write attempt: the request, and the id of the doc it would create (if any). */
type Write = [label: string, attempt: (s: Seeded, user: RuleUser) => { newId: string | null; response: Promise<CouchResponse<unknown>> }];

/** A new job the intruder tries to create, valid in every other respect. */
const intruderJob = (s: Seeded, u: RuleUser) => job({ team: s.team, by: u.user });

const writes: Write[] = [
  [
    'PUT a new doc',
    (s, u) => {
      const doc = intruderJob(s, u);
      return { newId: doc._id, response: couch(docPath(s.db, doc._id), { method: 'PUT', body: doc, auth: u }) };
    },
  ],
  [
    'POST a new doc',
    (s, u) => {
      const doc = intruderJob(s, u);
      return { newId: doc._id, response: couch(`/${enc(s.db)}`, { body: doc, auth: u }) };
    },
  ],
  [
    'PUT an update of a doc',
    (s, u) => ({
      newId: null,
      response: couch(docPath(s.db, s.doc._id), { method: 'PUT', body: { ...s.doc, title: 'Taken over', updatedBy: u.user }, auth: u }),
    }),
  ],
  ['DELETE a doc', (s, u) => ({ newId: null, response: couch(`${docPath(s.db, s.doc._id)}?rev=${enc(s.doc._rev)}`, { method: 'DELETE', auth: u }) })],
  [
    'POST _bulk_docs',
    (s, u) => {
      const doc = intruderJob(s, u);
      const docs = [doc, { _id: s.doc._id, _rev: s.doc._rev, _deleted: true }];
      return { newId: doc._id, response: couch(`/${enc(s.db)}/_bulk_docs`, { body: { docs }, auth: u }) };
    },
  ],
  [
    'POST _bulk_docs with new_edits:false',
    (s, u) => {
      const doc = { ...intruderJob(s, u), _rev: '1-0123456789abcdef0123456789abcdef' };
      return { newId: doc._id, response: couch(`/${enc(s.db)}/_bulk_docs`, { body: { new_edits: false, docs: [doc] }, auth: u }) };
    },
  ],
  ['PUT a _local doc', (s, u) => ({ newId: null, response: couch(`/${enc(s.db)}/${LOCAL_ID}`, { method: 'PUT', body: { checkpoint: 'forged' }, auth: u }) })],
];

/** Nothing in the target changed: the seeded doc and _local doc are as they were, and no new doc appeared. */
async function expectNothingChanged(s: Seeded, newId: string | null): Promise<void> {
  expect(await stored(s.db, s.doc._id)).toEqual(s.doc);
  const local = await couch<Record<string, unknown>>(`/${enc(s.db)}/${LOCAL_ID}`, { auth: 'admin' });
  expect(local.body).toMatchObject(s.local);
  if (newId) expect(await stored(s.db, newId), `${newId} must not be stored`).toBeNull();
}

const targets: Array<[string, 'south' | 'hub']> = [
  ["team B's database", 'south'],
  ['the hub', 'hub'],
];

describe.each(targets)('a user of team A in %s', (_where, key) => {
  const intruders = (): RuleUser[] => [world().north.worker, world().north.lead];

  it.each(reads)('cannot read: %s → 403', async (_label, call) => {
    for (const user of intruders()) {
      const res = await call(target(key), user);
      expectNotMember(res);
      expect(JSON.stringify(res.body), 'a refusal must not leak the doc').not.toContain(target(key).doc._id);
    }
  });

  it.each(writes)('cannot write: %s → 403, nothing changes', async (_label, attempt) => {
    for (const user of intruders()) {
      const { newId, response } = attempt(target(key), user);
      expectNotMember(await response);
      await expectNothingChanged(target(key), newId);
    }
  });
});

describe('positive controls', () => {
  it("a team member can read its own team's database (the 403s above are about membership)", async () => {
    const { north } = world();
    expect((await couch(`/${enc(north.db)}`, { auth: north.worker })).status).toBe(200);
    expect((await couch(`/${enc(north.db)}/_all_docs`, { auth: north.worker })).status).toBe(200);
    expect((await couch(`/${enc(north.db)}/_changes`, { auth: north.lead })).status).toBe(200);
  });

  it("HQ is not a member of a team's database (403 to read and to write)", async () => {
    const { north, hq } = world();
    expectNotMember(await couch(`/${enc(north.db)}/_all_docs`, { auth: hq }));
    const doc = job({ team: north.id, by: hq.user });
    expectNotMember(await couch(docPath(north.db, doc._id), { method: 'PUT', body: doc, auth: hq }));
    expect(await stored(north.db, doc._id)).toBeNull();
  });
});

describe('HQ reads the hub', () => {
  it('_all_docs lists the hub docs (GET and POST with keys)', async () => {
    const { hq } = world();
    const ids = [target('hub').doc._id, ...hubNorthJobs.map((d) => d._id)];
    type Rows = { rows: Array<{ id: string; value: { rev: string } }> };
    const post = await couch<Rows>(`/${HUB_DB}/_all_docs`, { body: { keys: ids }, auth: hq });
    expect(post.status, JSON.stringify(post.body)).toBe(200);
    expect(post.body.rows.map((r) => r.id)).toEqual(ids);
    const get = await couch<Rows>(`/${HUB_DB}/_all_docs?keys=${enc(JSON.stringify(ids))}`, { auth: hq });
    expect(get.status, JSON.stringify(get.body)).toBe(200);
    expect(get.body.rows.map((r) => [r.id, r.value.rev])).toEqual([target('hub').doc, ...hubNorthJobs].map((d) => [d._id, d._rev]));
  });

  it('a doc', async () => {
    const res = await couch(docPath(HUB_DB, target('hub').doc._id), { auth: world().hq });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(target('hub').doc);
  });

  it('the dashboard view jobs_by_team_status?group_level=2 counts jobs by team and status', async () => {
    const { north, hq } = world();
    const res = await couch<{ rows: Array<{ key: [string, string]; value: number }> }>(
      `/${HUB_DB}/${DASHBOARD_DDOC}/_view/jobs_by_team_status?group_level=2`,
      { auth: hq },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.rows.filter((r) => r.key[0] === north.id)).toEqual([
      { key: [north.id, 'done'], value: 1 },
      { key: [north.id, 'open'], value: 2 },
    ]);
  });
});
