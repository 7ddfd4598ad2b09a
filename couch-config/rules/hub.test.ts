// The hub `outpost-hub` runs the same validate_doc_update generated with no team: only HQ writes there, and every
// doc must carry a valid team id, which never changes.
import { describe, expect, it } from 'vitest';
import { putDesign, useFixtures } from '../contract/helpers';
import { validateDesignDoc } from '../design-docs';
import { HUB_DB } from '../model';
import { edited, job, MISSING, withField } from './docs';
import { create, deleteKeepingTeam, expectForbidden, expectNotMember, put, stored, useWorld } from './world';

const world = useWorld();
const fx = useFixtures();

const hqJob = (team: string) => job({ team, by: world().hq.user });

describe('writing to the hub', () => {
  it('HQ can write a job of any team to the hub (201)', async () => {
    const { north, south, hq } = world();
    for (const team of [north.id, south.id]) {
      const doc = await create(HUB_DB, hqJob(team), hq);
      expect(await stored(HUB_DB, doc._id)).toEqual(doc);
    }
  });

  it('a field worker and a lead cannot write to the hub (403) and nothing is stored', async () => {
    const { north } = world();
    for (const user of [north.worker, north.lead]) {
      const doc = job({ team: north.id, by: user.user });
      expectNotMember(await put(HUB_DB, doc, user));
      expect(await stored(HUB_DB, doc._id)).toBeNull();
    }
  });

  it.each([
    ['missing', MISSING],
    ['empty', ''],
    ['a number', 42],
    ['with capitals and spaces', 'North Team'],
    ['starting with a digit', '9lives'],
    ['longer than 31 characters', `t${'x'.repeat(31)}`],
  ])('a team id %s is refused (team:)', async (_what, team) => {
    const { hq } = world();
    const doc = withField(hqJob('placeholder'), 'team', team);
    expectForbidden(await put(HUB_DB, doc, hq), 'team');
    expect(await stored(HUB_DB, doc._id)).toBeNull();
  });

  it('HQ can update a hub doc that keeps its team', async () => {
    const { north, hq } = world();
    const doc = await create(HUB_DB, hqJob(north.id), hq);
    await create(HUB_DB, edited(doc, hq.user, { priority: 1 }), hq);
  });

  it("HQ cannot move a hub doc to another team (team: cannot change) and it keeps its team", async () => {
    const { north, south, hq } = world();
    const doc = await create(HUB_DB, hqJob(north.id), hq);
    const res = await put(HUB_DB, edited(doc, hq.user, { team: south.id }), hq);
    expectForbidden(res, 'team');
    expect((res.body as { reason?: string }).reason).toContain('cannot change');
    expect(await stored(HUB_DB, doc._id)).toEqual(doc);
  });

  it("HQ's updatedBy must be HQ's own name (updatedBy:)", async () => {
    const { north, hq } = world();
    const doc = job({ team: north.id, by: north.lead.user });
    expectForbidden(await put(HUB_DB, doc, hq), 'updatedBy');
    expect(await stored(HUB_DB, doc._id)).toBeNull();
  });

  it('the shape rules hold in the hub too (title over its cap → title:)', async () => {
    const { north, hq } = world();
    const doc = job({ team: north.id, by: hq.user }, { title: 'x'.repeat(201) });
    expectForbidden(await put(HUB_DB, doc, hq), 'title');
    expect(await stored(HUB_DB, doc._id)).toBeNull();
  });

  it('HQ counts as a lead: it can cancel and delete a job in the hub', async () => {
    const { north, hq } = world();
    const doc = await create(HUB_DB, hqJob(north.id), hq);
    const cancelled = await create(HUB_DB, edited(doc, hq.user, { status: 'cancelled' }), hq);
    const res = await deleteKeepingTeam(HUB_DB, cancelled, hq);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(await stored(HUB_DB, doc._id)).toBeNull();
  });

  describe("the hub's validate_doc_update on its own (its `_security` widened to let a team in)", () => {
    let scratch = '';
    const scratchDb = async () => {
      if (!scratch) {
        scratch = await fx.db({ admins: { names: [], roles: [] }, members: { names: [], roles: ['hq', `team:${world().north.id}`] } });
        const { _id, ...ddoc } = validateDesignDoc(null);
        await putDesign(scratch, _id.slice('_design/'.length), ddoc);
      }
      return scratch;
    };

    it('HQ passes the role check', async () => {
      await create(await scratchDb(), hqJob(world().north.id), world().hq);
    });

    it('a team member without the hq role is refused with userCtx:', async () => {
      const db = await scratchDb();
      const { north } = world();
      const doc = job({ team: north.id, by: north.lead.user });
      expectForbidden(await put(db, doc, north.lead), 'userCtx');
      expect(await stored(db, doc._id)).toBeNull();
    });
  });
});
