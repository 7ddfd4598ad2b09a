// ARCHITECTURE.md §3, rule by rule, in a team database made by `setup`: each rule has a write it allows and a write
// it refuses, made over HTTP by real users with their own credentials. A refusal is 403 `forbidden` whose reason
// starts with the field it is about, and the server admin then confirms that nothing was stored or changed.
import { describe, expect, it } from 'vitest';
import { validateDesignDoc } from '../design-docs';
import { putDesign, useFixtures } from '../contract/helpers';
import {
  conflict,
  edited,
  job,
  listItems,
  MISSING,
  site,
  T0,
  withField,
  type Author,
  type OutpostDoc,
  type RawDoc,
} from './docs';
import { create, del as deleteAs, deleteKeepingTeam, expectForbidden, expectNotMember, put, stored, useWorld, type RuleUser, type Team } from './world';

const world = useWorld();
const fx = useFixtures();

const by = (team: Team, user: RuleUser): Author => ({ team: team.id, by: user.user });
const worker = (): Author => by(world().north, world().north.worker);

/** Nothing with this id is in the database (checked by the server admin). */
async function expectAbsent(db: string, id: string): Promise<void> {
  expect(await stored(db, id), `${id} must not be stored`).toBeNull();
}

/** The stored doc is still exactly `doc` (same rev, same body). */
async function expectUnchanged(db: string, doc: OutpostDoc & { _rev: string }): Promise<void> {
  expect(await stored(db, doc._id)).toEqual(doc);
}

describe('who may write to a team database', () => {
  it('a field worker of the team writes a job, a site and a conflict entry (201, stored as sent)', async () => {
    const { north } = world();
    for (const doc of [job(worker()), site(worker()), conflict(worker())]) {
      const written = await create(north.db, doc, north.worker);
      expect(await stored(north.db, doc._id)).toEqual(written);
    }
  });

  it("a field worker and a lead of another team are refused by _security (403) and nothing is stored", async () => {
    const { north, south } = world();
    for (const outsider of [south.worker, south.lead]) {
      const doc = job({ team: north.id, by: outsider.user });
      expectNotMember(await put(north.db, doc, outsider));
      await expectAbsent(north.db, doc._id);
    }
  });

  describe('validate_doc_update on its own (its `_security` widened to let both teams in)', () => {
    // With the shipped `_security`, every member also passes the VDU's role check, so that check is only reachable
    // in a database whose `_security` admits more: here both teams, with north's validation installed.
    let scratch = '';
    const scratchDb = async () => {
      if (!scratch) {
        const { north, south } = world();
        scratch = await fx.db({ admins: { names: [], roles: [] }, members: { names: [], roles: [`team:${north.id}`, `team:${south.id}`] } });
        const { _id, ...ddoc } = validateDesignDoc(north.id);
        await putDesign(scratch, _id.slice('_design/'.length), ddoc);
      }
      return scratch;
    };

    it('a member of the team passes the role check', async () => {
      const db = await scratchDb();
      await create(db, job(worker()), world().north.worker);
    });

    it('a user without the team roles is refused with userCtx:', async () => {
      const db = await scratchDb();
      const { north, south } = world();
      const doc = job({ team: north.id, by: south.worker.user });
      expectForbidden(await put(db, doc, south.worker), 'userCtx');
      await expectAbsent(db, doc._id);
    });
  });

  describe('the outpost-replicator role (what server-side replication writes as)', () => {
    it('may store a doc last updated by someone else', async () => {
      const { north } = world();
      const replicator = await fx.user(['outpost-replicator']);
      await create(north.db, job(by(north, north.lead)), replicator);
    });

    it("still cannot put another team's doc into this database (team:)", async () => {
      const { north, south } = world();
      const replicator = await fx.user(['outpost-replicator']);
      const doc = job(by(south, south.worker));
      expectForbidden(await put(north.db, doc, replicator), 'team');
      await expectAbsent(north.db, doc._id);
    });
  });
});

describe('team', () => {
  it('a doc of this team is accepted', async () => {
    const { north } = world();
    await create(north.db, job(worker()), north.worker);
  });

  it("a doc naming another team is refused (team:) and not stored", async () => {
    const { north, south } = world();
    const doc = job({ team: south.id, by: north.worker.user });
    expectForbidden(await put(north.db, doc, north.worker), 'team');
    await expectAbsent(north.db, doc._id);
  });

  it('an update that keeps the team is accepted', async () => {
    const { north } = world();
    const doc = await create(north.db, job(worker()), north.worker);
    await create(north.db, edited(doc, north.worker.user, { title: 'Seal replaced' }), north.worker);
  });

  it('an update that changes the team is refused (team:) and the doc keeps it', async () => {
    const { north, south } = world();
    const doc = await create(north.db, job(worker()), north.worker);
    expectForbidden(await put(north.db, edited(doc, north.lead.user, { team: south.id }), north.lead), 'team');
    await expectUnchanged(north.db, doc);
  });

  it.each([
    ['type', 'site'],
    ['createdBy', 'someone-else'],
    ['createdAt', '2025-12-31T23:59:59.000Z'],
  ])('%s cannot change on update either (refused, doc unchanged)', async (field, value) => {
    const { north } = world();
    const doc = await create(north.db, job(worker()), north.worker);
    const update = withField(edited(doc, north.lead.user, {}), field, value);
    expectForbidden(await put(north.db, update, north.lead), field);
    await expectUnchanged(north.db, doc);
  });
});

describe('updatedBy', () => {
  it('is accepted when it names the writing user (a worker creates, a lead edits)', async () => {
    const { north } = world();
    const doc = await create(north.db, job(worker()), north.worker);
    const edit = await create(north.db, edited(doc, north.lead.user, { priority: 1 }), north.lead);
    expect(await stored(north.db, doc._id)).toMatchObject({ createdBy: north.worker.user, updatedBy: north.lead.user, _rev: edit._rev });
  });

  it("is refused on create when it names someone else (updatedBy:)", async () => {
    const { north } = world();
    const doc = job({ team: north.id, by: north.lead.user });
    expectForbidden(await put(north.db, doc, north.worker), 'updatedBy');
    await expectAbsent(north.db, doc._id);
  });

  it("is refused on update when it names someone else (updatedBy:) and the doc is unchanged", async () => {
    const { north } = world();
    const doc = await create(north.db, job(worker()), north.worker);
    expectForbidden(await put(north.db, edited(doc, north.worker.user, { title: 'Forged' }), north.lead), 'updatedBy');
    await expectUnchanged(north.db, doc);
  });
});

describe('required fields and their types', () => {
  type Make = (a: Author) => OutpostDoc;
  const factories: Record<'job' | 'site' | 'conflict', Make> = { job, site, conflict };
  // [doc type, field, bad value, field named in the reason]
  const table: Array<[keyof typeof factories, string, unknown, string]> = [
    ['job', 'type', MISSING, 'type'],
    ['job', 'type', 7, 'type'],
    ['job', 'type', 'invoice', 'type'],
    ['job', 'team', MISSING, 'team'],
    ['job', 'team', 42, 'team'],
    ['job', 'schema', MISSING, 'schema'],
    ['job', 'schema', '1', 'schema'],
    ['job', 'schema', 0, 'schema'],
    ['job', 'schema', 1.5, 'schema'],
    ['job', 'createdAt', MISSING, 'createdAt'],
    ['job', 'createdAt', 'yesterday', 'createdAt'],
    ['job', 'createdBy', MISSING, 'createdBy'],
    ['job', 'createdBy', '', 'createdBy'],
    ['job', 'updatedAt', MISSING, 'updatedAt'],
    ['job', 'updatedAt', Date.parse(T0), 'updatedAt'],
    ['job', 'updatedBy', MISSING, 'updatedBy'],
    ['job', 'updatedBy', 12, 'updatedBy'],
    ['job', 'clock', MISSING, 'clock'],
    ['job', 'clock', ['1767225600000-0-devA'], 'clock'],
    ['job', 'clock', { title: 'yesterday' }, 'clock.title'],
    ['job', 'title', MISSING, 'title'],
    ['job', 'title', 7, 'title'],
    ['job', 'title', '', 'title'],
    ['job', 'siteId', 5, 'siteId'],
    ['job', 'status', MISSING, 'status'],
    ['job', 'status', 'closed', 'status'],
    ['job', 'priority', MISSING, 'priority'],
    ['job', 'priority', 0, 'priority'],
    ['job', 'priority', 5, 'priority'],
    ['job', 'priority', '2', 'priority'],
    ['job', 'priority', 2.5, 'priority'],
    ['job', 'assignee', 3, 'assignee'],
    ['job', 'due', '31/01/2026', 'due'],
    ['job', 'description', 5, 'description'],
    ['job', 'checklist', MISSING, 'checklist'],
    ['job', 'checklist', [{ id: 'c1', label: 'Isolate', done: 'yes', by: 'x', at: T0 }], 'checklist[0].done'],
    ['job', 'checklist', [{ id: 'c1', label: 'A', done: false, by: 'x', at: T0 }, { id: 'c1', label: 'B', done: false, by: 'x', at: T0 }], 'checklist[1].id'],
    ['job', 'checklist', ['Isolate the pump'], 'checklist[0]'],
    ['job', 'notes', 'Bring the kit', 'notes'],
    ['job', 'notes', [{ id: 'n1', text: '', by: 'x', at: T0 }], 'notes[0].text'],
    ['job', 'notes', [{ id: 'n1', text: 'ok', by: 'x', at: 'now' }], 'notes[0].at'],
    ['job', 'readings', [{ id: 'r1', label: 'Pressure', value: '3.2', unit: 'bar', by: 'x', at: T0 }], 'readings[0].value'],
    ['job', 'photos', {}, 'photos'],
    ['job', 'location', 'here', 'location'],
    ['job', 'location', { lat: 91, lon: 0 }, 'location.lat'],
    ['site', 'name', MISSING, 'name'],
    ['site', 'address', 12, 'address'],
    ['site', 'geo', { lat: 'north', lon: 0 }, 'geo.lat'],
    ['site', 'contact', 'Kari', 'contact'],
    ['site', 'contact', { email: 5 }, 'contact.email'],
    ['conflict', 'docId', MISSING, 'docId'],
    ['conflict', 'revisions', '2-abc', 'revisions'],
    ['conflict', 'revisions', [5], 'revisions[0]'],
    ['conflict', 'handler', MISSING, 'handler'],
    ['conflict', 'device', '', 'device'],
    ['conflict', 'decidedFields', MISSING, 'decidedFields'],
  ];

  const shown = (value: unknown) => {
    if (value === MISSING) return 'missing';
    const json = JSON.stringify(value);
    return `= ${json.length > 48 ? `${json.slice(0, 47)}…` : json}`;
  };
  const cases = table.map(([type, field, value, reason]) => [`${type}: ${field} ${shown(value)} is refused (${reason}:)`, { type, field, value, reason }] as const);

  it.each(['job', 'site', 'conflict'] as const)('a complete %s is accepted', async (type) => {
    const { north } = world();
    await create(north.db, factories[type](worker()), north.worker);
  });

  it.each(cases)('%s', async (_name, { type, field, value, reason: reasonField }) => {
    const { north } = world();
    const doc = withField(factories[type](worker()), field, value);
    expectForbidden(await put(north.db, doc, north.worker), reasonField);
    await expectAbsent(north.db, doc._id);
  });
});

describe('string and list caps', () => {
  const note = (i: number) => ({ id: `n${i}`, text: 'checked', by: 'w', at: T0 });
  const item = (i: number) => ({ id: `c${i}`, label: 'step', done: false, by: 'w', at: T0 });
  const reading = (i: number) => ({ id: `r${i}`, label: 'Pressure', value: i, unit: 'bar', by: 'w', at: T0 });
  const photo = (i: number) => ({ id: `p${i}`, caption: '', by: 'w', at: T0 });
  // [what, field named in the reason, the doc with the value at `n` items/characters, the cap]
  const caps: Array<[string, string, (a: Author, n: number) => OutpostDoc | RawDoc, number]> = [
    ['job title', 'title', (a, n) => job(a, { title: 'x'.repeat(n) }), 200],
    ['job description', 'description', (a, n) => job(a, { description: 'x'.repeat(n) }), 10_000],
    ['job assignee', 'assignee', (a, n) => job(a, { assignee: 'x'.repeat(n) }), 100],
    ['job checklist', 'checklist', (a, n) => job(a, { checklist: listItems(n, item) }), 200],
    ['job notes', 'notes', (a, n) => job(a, { notes: listItems(n, note) }), 500],
    ['job readings', 'readings', (a, n) => job(a, { readings: listItems(n, reading) }), 500],
    ['job photos', 'photos', (a, n) => job(a, { photos: listItems(n, photo) }), 50],
    ['a note text', 'notes[0].text', (a, n) => job(a, { notes: [{ ...note(0), text: 'x'.repeat(n) }] }), 5_000],
    ['a checklist label', 'checklist[0].label', (a, n) => job(a, { checklist: [{ ...item(0), label: 'x'.repeat(n) }] }), 200],
    ['site name', 'name', (a, n) => site(a, { name: 'x'.repeat(n) }), 200],
    ['site address', 'address', (a, n) => site(a, { address: 'x'.repeat(n) }), 500],
    ['site contact phone', 'contact.phone', (a, n) => site(a, { contact: { phone: '5'.repeat(n) } }), 50],
    ['conflict revisions', 'revisions', (a, n) => conflict(a, { revisions: listItems(n, (i) => `2-${i}`) }), 100],
  ];

  it.each(caps)('%s at its cap is accepted', async (_what, _field, make, cap) => {
    const { north } = world();
    await create(north.db, make(worker(), cap), north.worker);
  });

  it.each(caps)('%s over its cap is refused (%s:)', async (_what, field, make, cap) => {
    const { north } = world();
    const doc = make(worker(), cap + 1);
    expectForbidden(await put(north.db, doc, north.worker), field);
    await expectAbsent(north.db, doc._id);
  });
});

describe('cancelling a job', () => {
  it('a lead can create a cancelled job and cancel an open one', async () => {
    const { north } = world();
    await create(north.db, job(by(north, north.lead), { status: 'cancelled' }), north.lead);
    const doc = await create(north.db, job(worker()), north.worker);
    await create(north.db, edited(doc, north.lead.user, { status: 'cancelled' }), north.lead);
    expect(await stored(north.db, doc._id)).toMatchObject({ status: 'cancelled', updatedBy: north.lead.user });
  });

  it('a field worker cannot create a cancelled job (status:)', async () => {
    const { north } = world();
    const doc = job(worker(), { status: 'cancelled' });
    expectForbidden(await put(north.db, doc, north.worker), 'status');
    await expectAbsent(north.db, doc._id);
  });

  it('a field worker cannot cancel an open job (status:) and it stays open', async () => {
    const { north } = world();
    const doc = await create(north.db, job(worker()), north.worker);
    expectForbidden(await put(north.db, edited(doc, north.worker.user, { status: 'cancelled' }), north.worker), 'status');
    await expectUnchanged(north.db, doc);
  });

  it('a field worker can still move a job along its other statuses', async () => {
    const { north } = world();
    let doc = await create(north.db, job(worker()), north.worker);
    for (const status of ['assigned', 'en_route', 'on_site', 'blocked', 'done'] as const) {
      doc = await create(north.db, edited(doc, north.worker.user, { status }), north.worker);
    }
    expect(await stored(north.db, doc._id)).toMatchObject({ status: 'done', _rev: doc._rev });
  });
});

describe('deleting a doc', () => {
  it('a lead can delete with a tombstone that keeps the team, and the doc is gone', async () => {
    const { north } = world();
    const doc = await create(north.db, job(worker()), north.worker);
    const del = await deleteKeepingTeam(north.db, doc, north.lead);
    expect(del.status, JSON.stringify(del.body)).toBe(201);
    await expectAbsent(north.db, doc._id);
  });

  it('a bare DELETE (no team in the tombstone) is refused (team:), since it could never replicate to the team', async () => {
    const { north } = world();
    const doc = await create(north.db, job(worker()), north.worker);
    expectForbidden(await deleteAs(north.db, doc, north.lead), 'team');
    await expectUnchanged(north.db, doc);
  });

  it('a field worker cannot delete with DELETE (403 _deleted:) and the doc stays', async () => {
    const { north } = world();
    const doc = await create(north.db, job(worker()), north.worker);
    expectForbidden(await deleteAs(north.db, doc, north.worker), '_deleted');
    await expectUnchanged(north.db, doc);
  });

  it('a field worker cannot delete with a PUT of _deleted: true either', async () => {
    const { north } = world();
    const doc = await create(north.db, job(worker()), north.worker);
    expectForbidden(await put(north.db, { ...edited(doc, north.worker.user, {}), _deleted: true }, north.worker), '_deleted');
    await expectUnchanged(north.db, doc);
  });
});


describe('reopening, authorship on create, and conflict resolutions', () => {
  it('a field worker cannot reopen a cancelled job (status:); a lead can', async () => {
    const { north } = world();
    const doc = await create(north.db, job(worker()), north.worker);
    const cancelled = await create(north.db, edited(doc, north.lead.user, { status: 'cancelled' }), north.lead);
    expectForbidden(await put(north.db, edited(cancelled, north.worker.user, { status: 'open' }), north.worker), 'status');
    await expectUnchanged(north.db, cancelled);
    await create(north.db, edited(cancelled, north.lead.user, { status: 'open' }), north.lead);
  });

  it('createdBy must name the creating user (createdBy:)', async () => {
    const { north } = world();
    const doc = { ...job(worker()), createdBy: north.lead.user };
    expectForbidden(await put(north.db, doc, north.worker), 'createdBy');
    await expectAbsent(north.db, doc._id);
  });

  it("a conflict resolution may keep the parent's updatedBy and updatedAt (it claims no authorship)", async () => {
    const { north } = world();
    const doc = await create(north.db, job(worker()), north.worker);
    const byLead = await create(north.db, edited(doc, north.lead.user, { priority: 3 }), north.lead);
    // The worker's device writes a merge on top of the lead's revision, keeping the lead's authorship fields.
    const merged = { ...byLead, checklist: [...byLead.checklist].reverse() };
    const res = await put(north.db, merged, north.worker);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });

  it("claiming someone else's authorship with a new updatedAt is still refused (updatedBy:)", async () => {
    const { north } = world();
    const doc = await create(north.db, job(worker()), north.worker);
    const byLead = await create(north.db, edited(doc, north.lead.user, { priority: 3 }), north.lead);
    const forged = { ...byLead, priority: 1, updatedAt: new Date(Date.parse(byLead.updatedAt) + 1000).toISOString() };
    expectForbidden(await put(north.db, forged, north.worker), 'updatedBy');
    await expectUnchanged(north.db, byLead);
  });
});

describe('what a conflict resolution may write', () => {
  it('a field worker may close a losing branch (tombstone with conflictResolution), the doc lives on', async () => {
    const { north } = world();
    const doc = await create(north.db, job(worker()), north.worker);
    const tombstone = { _id: doc._id, _rev: doc._rev, _deleted: true, team: doc.team, conflictResolution: true };
    const res = await put(north.db, tombstone, north.worker);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });

  it("a resolution that keeps the parent's authorship may carry a lead's cancellation", async () => {
    const { north } = world();
    const doc = await create(north.db, job(worker()), north.worker);
    const carried = { ...doc, status: 'cancelled', statusRole: 'lead', clock: { ...doc.clock, status: `${Date.now()}-0-devL` } };
    const res = await put(north.db, carried, north.worker);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });

  it("a field worker's own cancellation is still refused, even when it claims a lead's role (status:)", async () => {
    const { north } = world();
    const doc = await create(north.db, job(worker()), north.worker);
    const claimed = { ...edited(doc, north.worker.user, { status: 'cancelled' }), statusRole: 'lead' };
    expectForbidden(await put(north.db, claimed, north.worker), 'status');
    await expectUnchanged(north.db, doc);
  });
});
