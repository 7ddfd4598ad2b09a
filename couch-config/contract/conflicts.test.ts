// Conflict resolution (ARCHITECTURE.md §5) starts from the leaves: a pulled doc shows `_conflicts`,
// and the engine fetches every leaf with open_revs=all. Branches are made the way replication makes
// them, with `_bulk_docs` and new_edits:false.
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { couch, membersOnly, uid, useFixtures, type DocWrite, type TestUser } from './helpers';

const fx = useFixtures();

function revId(): string {
  return randomBytes(16).toString('hex');
}

interface JobDoc {
  _id: string;
  _rev: string;
  title: string;
  _conflicts?: string[];
}

interface Branches {
  root: string;
  winnerId: string;
  loserId: string;
  winner: string;
  loser: string;
}

/** Makes two second-generation leaves on one parent; CouchDB's winner is the higher rev id. */
function branches(): Branches {
  const [loserId, winnerId] = [revId(), revId()].sort() as [string, string];
  return { root: revId(), winnerId, loserId, winner: `2-${winnerId}`, loser: `2-${loserId}` };
}

async function writeBranches(db: string, auth: TestUser, id: string, b: Branches): Promise<void> {
  const res = await couch<DocWrite[]>(`/${db}/_bulk_docs`, {
    auth,
    body: {
      new_edits: false,
      docs: [
        { _id: id, _rev: b.winner, _revisions: { start: 2, ids: [b.winnerId, b.root] }, title: 'from device A' },
        { _id: id, _rev: b.loser, _revisions: { start: 2, ids: [b.loserId, b.root] }, title: 'from device B' },
      ],
    },
  });
  expect(res.status).toBe(201);
  expect(res.body.filter((r) => r.error !== undefined)).toEqual([]);
}

describe('conflicts', () => {
  let db = '';
  let member: TestUser;
  const id = 'job-conflicted';
  const b = branches();
  const { winner, loser } = b;

  beforeAll(async () => {
    const role = uid('team');
    db = await fx.db(membersOnly(role));
    member = await fx.user([role]);
    await writeBranches(db, member, id, b);
  });

  it('GET doc shows the deterministic winner', async () => {
    const res = await couch<JobDoc>(`/${db}/${id}`, { auth: member });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ _rev: winner, title: 'from device A' });
    expect(res.body._conflicts).toBeUndefined();
  });

  it('GET doc?conflicts=true lists the losing leaf in _conflicts', async () => {
    const res = await couch<JobDoc>(`/${db}/${id}?conflicts=true`, { auth: member });
    expect(res.status).toBe(200);
    expect(res.body._rev).toBe(winner);
    expect(res.body._conflicts).toEqual([loser]);
  });

  it('GET doc?open_revs=all (Accept: application/json) returns every leaf as {ok: doc}', async () => {
    const res = await couch<Array<{ ok?: JobDoc }>>(`/${db}/${id}?open_revs=all`, {
      auth: member,
      headers: { Accept: 'application/json' },
    });
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body)).toBe(true);
    const leaves = res.body.map((r) => r.ok).filter((d): d is JobDoc => d !== undefined);
    expect(leaves).toHaveLength(2);
    expect(leaves.map((d) => `${d._rev} ${d.title}`).sort()).toEqual(
      [`${winner} from device A`, `${loser} from device B`].sort(),
    );
  });

  it('GET doc?open_revs=[...] returns the asked leaves and reports a missing rev', async () => {
    const missing = `2-${revId()}`;
    const revs = encodeURIComponent(JSON.stringify([loser, missing]));
    const res = await couch<Array<{ ok?: JobDoc; missing?: string }>>(`/${db}/${id}?open_revs=${revs}`, {
      auth: member,
      headers: { Accept: 'application/json' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toContainEqual({ ok: expect.objectContaining({ _rev: loser, title: 'from device B' }) });
    expect(res.body).toContainEqual({ missing });
  });

  it('_changes?style=all_docs lists both leaves of the conflicted doc', async () => {
    const res = await couch<{ results: Array<{ id: string; changes: Array<{ rev: string }> }> }>(
      `/${db}/_changes?style=all_docs`,
      { auth: member },
    );
    const change = res.body.results.find((r) => r.id === id);
    expect(change?.changes.map((c) => c.rev).sort()).toEqual([winner, loser].sort());
  });

  it('resolving (deleting the losing leaf) clears _conflicts', async () => {
    const other = branches();
    await writeBranches(db, member, 'job-resolved', other);
    const del = await couch<DocWrite>(`/${db}/job-resolved?rev=${other.loser}`, { method: 'DELETE', auth: member });
    expect(del.status).toBe(200);
    const res = await couch<JobDoc>(`/${db}/job-resolved?conflicts=true`, { auth: member });
    expect(res.body._rev).toBe(other.winner);
    expect(res.body._conflicts).toBeUndefined();
  });

  it('new_edits:false with a leaf the server already has adds no branch', async () => {
    const other = branches();
    await writeBranches(db, member, 'job-replayed', other);
    await writeBranches(db, member, 'job-replayed', other);
    const leaves = await couch<unknown[]>(`/${db}/job-replayed?open_revs=all`, {
      auth: member,
      headers: { Accept: 'application/json' },
    });
    expect(leaves.body).toHaveLength(2);
  });
});
