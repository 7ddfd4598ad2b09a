// The same rules through `_bulk_docs`, which is how devices push and how replication writes (new_edits:false).
// CouchDB answers 201 even when validate_doc_update refuses a doc; the refusal is a per-doc
// `{error: "forbidden", reason}`. So every test here judges by what the server admin finds stored.
import { describe, expect, it } from 'vitest';
import { couch, type DocWrite } from '../contract/helpers';
import { edited, job, site, type JobDoc } from './docs';
import { create, expectBulkForbidden, stored, useWorld, type RuleUser } from './world';

const world = useWorld();

function bulk(db: string, body: { docs: object[]; new_edits?: boolean }, user: RuleUser) {
  return couch<DocWrite[]>(`/${encodeURIComponent(db)}/_bulk_docs`, { body, auth: user });
}

/** A made-up revision id of the given generation, as a replicating peer would send it. */
function rev(generation: number, seed: string): string {
  return `${generation}-${Buffer.from(seed.padEnd(16, '.')).toString('hex').slice(0, 32)}`;
}

describe('_bulk_docs', () => {
  it('a refused doc gets 201 with a per-doc forbidden naming the field and is not stored; the good docs in the batch are', async () => {
    const { north } = world();
    const a = { team: north.id, by: north.worker.user };
    const good1 = job(a);
    const tooLong = job(a, { title: 'x'.repeat(201) });
    const good2 = site(a);
    const cancelled = job(a, { status: 'cancelled' });
    const res = await bulk(north.db, { docs: [good1, tooLong, good2, cancelled] }, north.worker);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.map((r) => r.id)).toEqual([good1._id, tooLong._id, good2._id, cancelled._id]);
    expect(res.body[0]).toMatchObject({ ok: true, id: good1._id });
    expectBulkForbidden(res.body[1], 'title');
    expect(res.body[2]).toMatchObject({ ok: true, id: good2._id });
    expectBulkForbidden(res.body[3], 'status');
    expect(await stored(north.db, good1._id)).toMatchObject({ title: good1.title, _rev: res.body[0]?.rev });
    expect(await stored(north.db, tooLong._id)).toBeNull();
    expect(await stored(north.db, good2._id)).toMatchObject({ name: good2.name, _rev: res.body[2]?.rev });
    expect(await stored(north.db, cancelled._id)).toBeNull();
  });

  it("refused updates in a batch (a field worker's delete, a team change) leave the stored docs as they were", async () => {
    const { north, south } = world();
    const a = { team: north.id, by: north.worker.user };
    const first = await create(north.db, job(a), north.worker);
    const second = await create(north.db, job(a), north.worker);
    const third = await create(north.db, job(a), north.worker);
    const res = await bulk(
      north.db,
      {
        docs: [
          { ...edited(first, north.worker.user, {}), _deleted: true },
          edited(second, north.worker.user, { team: south.id }),
          edited(third, north.worker.user, { status: 'on_site' }),
        ],
      },
      north.worker,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expectBulkForbidden(res.body.find((r) => r.id === first._id), '_deleted');
    expectBulkForbidden(res.body.find((r) => r.id === second._id), 'team');
    expect(res.body.find((r) => r.id === third._id)).toMatchObject({ ok: true });
    expect(await stored(north.db, first._id)).toEqual(first);
    expect(await stored(north.db, second._id)).toEqual(second);
    expect(await stored<JobDoc>(north.db, third._id)).toMatchObject({ status: 'on_site' });
  });

  it('a lead may delete through _bulk_docs', async () => {
    const { north } = world();
    const doc = await create(north.db, job({ team: north.id, by: north.worker.user }), north.worker);
    const res = await bulk(north.db, { docs: [{ _id: doc._id, _rev: doc._rev, _deleted: true, team: north.id }] }, north.lead);
    expect(res.status).toBe(201);
    expect(res.body[0]).toMatchObject({ ok: true, id: doc._id });
    expect(await stored(north.db, doc._id)).toBeNull();
  });

  describe('with new_edits:false (what replication sends)', () => {
    it('a refused doc is reported as forbidden and not stored; a good doc in the same batch is stored with its revision', async () => {
      const { north } = world();
      const good = { ...job({ team: north.id, by: north.worker.user }), _rev: rev(1, 'good') };
      const forged = { ...job({ team: north.id, by: north.lead.user }), _rev: rev(1, 'forged') };
      const res = await bulk(north.db, { new_edits: false, docs: [good, forged] }, north.worker);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      // CouchDB lists only the failures here.
      expectBulkForbidden(res.body.find((r) => r.id === forged._id), 'updatedBy');
      expect(res.body.find((r) => r.id === good._id)?.error).toBeUndefined();
      expect(await stored(north.db, good._id)).toEqual(good);
      expect(await stored(north.db, forged._id)).toBeNull();
    });

    it('a valid update on top of the stored revision (what a device pushes) is stored with its revision', async () => {
      const { north } = world();
      const doc = await create(north.db, job({ team: north.id, by: north.worker.user }), north.worker);
      const next = rev(2, 'update');
      const update = {
        ...edited(doc, north.worker.user, { status: 'en_route' }),
        _rev: next,
        _revisions: { start: 2, ids: [next.slice(2), doc._rev.split('-')[1] ?? ''] },
      };
      const res = await bulk(north.db, { new_edits: false, docs: [update] }, north.worker);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.find((r) => r.id === doc._id)?.error).toBeUndefined();
      const { _revisions: _sent, ...expected } = update;
      expect(await stored(north.db, doc._id)).toEqual(expected);
    });

    it('an update on one branch of a conflict is judged against its own parent, not against the winning branch', async () => {
      const { north } = world();
      const doc = await create(north.db, job({ team: north.id, by: north.lead.user }), north.lead);
      const root = doc._rev.split('-')[1] ?? '';
      // Two branches from the same revision: the lead cancelled (this branch wins: its id sorts higher) …
      const cancelledRev = rev(2, 'zzzz-cancel');
      const cancelled = { ...edited(doc, north.lead.user, { status: 'cancelled', statusRole: 'lead' }), _rev: cancelledRev, _revisions: { start: 2, ids: [cancelledRev.slice(2), root] } };
      // … while the worker, offline, set off to the site.
      const enRouteRev = rev(2, 'aaaa-enroute');
      const enRoute = { ...edited(doc, north.worker.user, { status: 'en_route', statusRole: 'field' }), _rev: enRouteRev, _revisions: { start: 2, ids: [enRouteRev.slice(2), root] } };
      for (const [branch, user] of [[cancelled, north.lead], [enRoute, north.worker]] as const) {
        const res = await bulk(north.db, { new_edits: false, docs: [branch] }, user);
        expect(res.body.find((r) => r.id === doc._id)?.error, JSON.stringify(res.body)).toBeUndefined();
      }
      // The worker's next edit continues their own branch: it reopens nothing, so it is allowed.
      const nextRev = rev(3, 'bbbb-onsite');
      const { _revisions: _r, _rev: _p, ...enRouteBody } = enRoute;
      const onSite = {
        ...edited({ ...enRouteBody, _rev: enRouteRev } as JobDoc & { _rev: string }, north.worker.user, { status: 'on_site' }),
        _rev: nextRev,
        _revisions: { start: 3, ids: [nextRev.slice(2), enRouteRev.slice(2), root] },
      };
      const res = await bulk(north.db, { new_edits: false, docs: [onSite] }, north.worker);
      expect(res.body.find((r) => r.id === doc._id)?.error, JSON.stringify(res.body)).toBeUndefined();
      const leaf = await couch<Record<string, unknown>>(`/${encodeURIComponent(north.db)}/${encodeURIComponent(doc._id)}?rev=${nextRev}`, { auth: north.worker });
      expect(leaf.status).toBe(200);
      expect(leaf.body.status).toBe('on_site');
    });

    it("a field worker cannot graft a deletion onto a doc's history (_deleted:) and it stays live", async () => {
      const { north } = world();
      const doc = await create(north.db, job({ team: north.id, by: north.worker.user }), north.worker);
      const parent = doc._rev.split('-')[1] ?? '';
      const tombstone = { _id: doc._id, _rev: rev(2, 'tomb'), _deleted: true, _revisions: { start: 2, ids: [rev(2, 'tomb').slice(2), parent] } };
      const res = await bulk(north.db, { new_edits: false, docs: [tombstone] }, north.worker);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expectBulkForbidden(res.body.find((r) => r.id === doc._id), '_deleted');
      expect(await stored(north.db, doc._id)).toEqual(doc);
    });

    it("a doc of another team is refused (team:) even with an explicit revision", async () => {
      const { north, south } = world();
      const foreign = { ...job({ team: south.id, by: north.worker.user }), _rev: rev(1, 'foreign') };
      const res = await bulk(north.db, { new_edits: false, docs: [foreign] }, north.worker);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expectBulkForbidden(res.body.find((r) => r.id === foreign._id), 'team');
      expect(await stored(north.db, foreign._id)).toBeNull();
    });
  });
});
