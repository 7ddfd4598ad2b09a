// The server-side replications `setup` writes to `_replicator` (ARCHITECTURE.md §2): hub → team filtered by
// `{"team": <team>}`, team → hub unfiltered, both continuous, run by the server itself. Every wait is a bounded poll.
import { describe, expect, it } from 'vitest';
import { couch, waitFor } from '../contract/helpers';
import { HUB_DB } from '../model';
import { edited, job, type JobDoc } from './docs';
import { create, deleteKeepingTeam, docPath, useWorld, type RuleUser } from './world';

const world = useWorld();

const ROUTE_MS = 15_000;

type Stored = JobDoc & { _rev: string };

/** The doc as `user` sees it in `db`, or undefined while it is not there (yet). */
async function readAs(db: string, id: string, user: RuleUser): Promise<Stored | undefined> {
  const res = await couch<Stored>(docPath(db, id), { auth: user });
  expect([200, 404], `GET ${db}/${id} as ${user.user}: ${JSON.stringify(res.body)}`).toContain(res.status);
  return res.status === 200 ? res.body : undefined;
}

/** Waits until `db` holds `id` at revision `rev` (or any revision when rev is omitted). */
function arrives(db: string, id: string, user: RuleUser, rev?: string): Promise<Stored> {
  return waitFor(
    `${id}${rev ? ` at ${rev}` : ''} in ${db}`,
    async () => {
      const doc = await readAs(db, id, user);
      return doc && (!rev || doc._rev === rev) ? doc : undefined;
    },
    ROUTE_MS,
  );
}

describe('hub → team (filtered by team)', () => {
  it("a job HQ creates in the hub for team A reaches A's database and never B's", async () => {
    const { north, south, hq } = world();
    const forNorth = await create(HUB_DB, job({ team: north.id, by: hq.user }), hq);
    expect(await arrives(north.db, forNorth._id, north.worker)).toEqual(forNorth);

    // "Never": once a later marker for B has reached B, the replication into B has passed A's doc.
    const forSouth = await create(HUB_DB, job({ team: south.id, by: hq.user }), hq);
    expect(await arrives(south.db, forSouth._id, south.worker)).toEqual(forSouth);
    expect(await readAs(south.db, forNorth._id, south.lead)).toBeUndefined();
    expect(await readAs(north.db, forSouth._id, north.lead)).toBeUndefined();
  });

  it("HQ's edit in the hub of a team-A job reaches A's database", async () => {
    const { north, hq } = world();
    const original = await create(HUB_DB, job({ team: north.id, by: hq.user }), hq);
    await arrives(north.db, original._id, north.worker);
    const edit = await create(HUB_DB, edited(original, hq.user, { priority: 1, assignee: north.lead.user }), hq);
    const seen = await arrives(north.db, original._id, north.worker, edit._rev);
    expect(seen).toEqual(edit);
  });

  it("a cancellation by HQ reaches A's database although A's field workers could not make it", async () => {
    const { north, hq } = world();
    const original = await create(HUB_DB, job({ team: north.id, by: hq.user }), hq);
    await arrives(north.db, original._id, north.worker);
    const cancelled = await create(HUB_DB, edited(original, hq.user, { status: 'cancelled' }), hq);
    expect(await arrives(north.db, original._id, north.worker, cancelled._rev)).toMatchObject({ status: 'cancelled' });
  });
});

describe('team → hub', () => {
  it("a job A's field worker writes in A's database reaches the hub, and is not routed to B", async () => {
    const { north, south, hq } = world();
    const doc = await create(north.db, job({ team: north.id, by: north.worker.user }), north.worker);
    expect(await arrives(HUB_DB, doc._id, hq)).toEqual(doc);

    const marker = await create(HUB_DB, job({ team: south.id, by: hq.user }), hq);
    await arrives(south.db, marker._id, south.worker);
    expect(await readAs(south.db, doc._id, south.worker)).toBeUndefined();
  });

  it("an edit in A's database reaches the hub", async () => {
    const { north, hq } = world();
    const original = await create(north.db, job({ team: north.id, by: north.worker.user }), north.worker);
    await arrives(HUB_DB, original._id, hq);
    const edit = await create(north.db, edited(original, north.worker.user, { status: 'on_site' }), north.worker);
    expect(await arrives(HUB_DB, original._id, hq, edit._rev)).toEqual(edit);
  });

  it("a lead's deletion in A's database reaches the hub", async () => {
    const { north, hq } = world();
    const doc = await create(north.db, job({ team: north.id, by: north.worker.user }), north.worker);
    await arrives(HUB_DB, doc._id, hq);
    const res = await deleteKeepingTeam(north.db, doc, north.lead);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    await waitFor(`deletion of ${doc._id} in the hub`, async () => ((await readAs(HUB_DB, doc._id, hq)) ? undefined : true), ROUTE_MS);
  });
});

describe('round trip', () => {
  it("a job edited in the hub and then in A's database ends up the same in both", async () => {
    const { north, hq } = world();
    const original = await create(HUB_DB, job({ team: north.id, by: hq.user }), hq);
    const inTeam = await arrives(north.db, original._id, north.worker);
    const teamEdit = await create(north.db, edited(inTeam, north.worker.user, { status: 'en_route' }), north.worker);
    expect(await arrives(HUB_DB, original._id, hq, teamEdit._rev)).toEqual(teamEdit);
    const hubEdit = await create(HUB_DB, edited(teamEdit, hq.user, { priority: 4 }), hq);
    expect(await arrives(north.db, original._id, north.worker, hubEdit._rev)).toEqual(hubEdit);
  });
});

describe('deletions made in the hub', () => {
  async function deletedIn(db: string, id: string, user: RuleUser): Promise<void> {
    await waitFor(`deletion of ${id} in ${db}`, async () => ((await readAs(db, id, user)) ? undefined : true), ROUTE_MS);
  }

  it("HQ's deletion that keeps the doc's fields (PUT _deleted: true) reaches A's database", async () => {
    const { north, hq } = world();
    const doc = await create(HUB_DB, job({ team: north.id, by: hq.user }), hq);
    await arrives(north.db, doc._id, north.worker);
    await create(HUB_DB, { ...edited(doc, hq.user, {}), _deleted: true }, hq);
    await deletedIn(north.db, doc._id, north.worker);
  });

  it("HQ's bare DELETE in the hub is refused (team:), so a team's copy can never be left behind alive", async () => {
    const { north, hq } = world();
    const doc = await create(HUB_DB, job({ team: north.id, by: hq.user }), hq);
    const res = await couch<{ error?: string; reason?: string }>(`${docPath(HUB_DB, doc._id)}?rev=${encodeURIComponent(doc._rev)}`, { method: 'DELETE', auth: hq });
    expect(res.status, JSON.stringify(res.body)).toBe(403);
    expect(res.body.reason).toMatch(/^team: /);
    expect((await readAs(HUB_DB, doc._id, hq))?._rev).toBe(doc._rev);
  });
});
