// Mango is what the CLI's indexes and the HQ views query. Indexes are design docs, so only a
// database admin creates them (the CLI, as admin); members query them with _find and _explain.
import { beforeAll, describe, expect, it } from 'vitest';
import { couch, expectCouchError, putDoc, useFixtures, type TestUser, memberDb } from './helpers';

const fx = useFixtures();

interface IndexResult {
  result: 'created' | 'exists';
  id: string;
  name: string;
}

interface FindResult<T> {
  docs: T[];
}

interface Job {
  _id: string;
  _rev: string;
  type: string;
  team: string;
  status: string;
  rank: number;
}

const jobs = [
  { _id: 'job-1', type: 'job', team: 'north', status: 'open', rank: 5 },
  { _id: 'job-2', type: 'job', team: 'north', status: 'done', rank: 3 },
  { _id: 'job-3', type: 'job', team: 'south', status: 'open', rank: 1 },
  { _id: 'job-4', type: 'job', team: 'north', status: 'open', rank: 4 },
  { _id: 'job-5', type: 'job', team: 'south', status: 'blocked', rank: 2 },
];

describe('Mango', () => {
  let db = '';
  let member: TestUser;

  beforeAll(async () => {
    ({ db, member } = await memberDb(fx));
    for (const job of jobs) await putDoc(db, job);
    await putDoc(db, { _id: 'site-1', type: 'site', name: 'Depot', rank: 0 });
    const index = await couch<IndexResult>(`/${db}/_index`, {
      auth: 'admin',
      body: { index: { fields: ['rank'] }, name: 'by-rank', ddoc: 'idx-rank', type: 'json' },
    });
    expect(index.status).toBe(200);
  });

  it('POST _index answers {result: "created"}, then {result: "exists"} for the same index', async () => {
    const body = { index: { fields: ['status'] }, name: 'by-status', ddoc: 'idx-status' };
    const first = await couch<IndexResult>(`/${db}/_index`, { auth: 'admin', body });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ result: 'created', id: '_design/idx-status', name: 'by-status' });
    const again = await couch<IndexResult>(`/${db}/_index`, { auth: 'admin', body });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ result: 'exists', id: '_design/idx-status', name: 'by-status' });
  });

  it('GET _index lists the index for a member', async () => {
    const res = await couch<{ indexes: Array<{ ddoc: string | null; name: string; type: string; def: unknown }> }>(
      `/${db}/_index`,
      { auth: member },
    );
    expect(res.status).toBe(200);
    expect(res.body.indexes).toContainEqual(
      expect.objectContaining({
        ddoc: '_design/idx-rank',
        name: 'by-rank',
        type: 'json',
        def: expect.objectContaining({ fields: [{ rank: 'asc' }] }),
      }),
    );
  });

  it('_find returns the docs matching a selector', async () => {
    const res = await couch<FindResult<Job>>(`/${db}/_find`, {
      auth: member,
      body: { selector: { type: 'job', team: 'north', status: { $ne: 'done' } } },
    });
    expect(res.status).toBe(200);
    expect(res.body.docs.map((d) => d._id).sort()).toEqual(['job-1', 'job-4']);
    expect(res.body.docs[0]).toHaveProperty('_rev');
  });

  it('_find with sort on an indexed field, limit and fields returns exactly those fields in order', async () => {
    const res = await couch<FindResult<Record<string, unknown>>>(`/${db}/_find`, {
      auth: member,
      body: {
        selector: { type: 'job', rank: { $gte: 2 } },
        sort: [{ rank: 'asc' }],
        limit: 3,
        fields: ['_id', 'rank'],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.docs).toEqual([
      { _id: 'job-5', rank: 2 },
      { _id: 'job-2', rank: 3 },
      { _id: 'job-4', rank: 4 },
    ]);
  });

  it('_find sorts descending and skips', async () => {
    const res = await couch<FindResult<Job>>(`/${db}/_find`, {
      auth: member,
      body: { selector: { rank: { $gt: 0 } }, sort: [{ rank: 'desc' }], skip: 1, limit: 2, fields: ['_id'] },
    });
    expect(res.status).toBe(200);
    expect(res.body.docs.map((d) => d._id)).toEqual(['job-4', 'job-2']);
  });

  it('_find with a sort no index covers is 400 no_usable_index', async () => {
    const res = await couch(`/${db}/_find`, {
      auth: member,
      body: { selector: { type: 'job' }, sort: [{ team: 'asc' }] },
    });
    expectCouchError(res, 400, 'no_usable_index');
  });

  it('_explain names the index a query would use', async () => {
    const res = await couch<{ index: { ddoc: string | null; name: string; type: string }; selector: unknown }>(
      `/${db}/_explain`,
      { auth: member, body: { selector: { rank: { $gt: 0 } }, sort: [{ rank: 'asc' }] } },
    );
    expect(res.status).toBe(200);
    expect(res.body.index).toMatchObject({ ddoc: '_design/idx-rank', name: 'by-rank', type: 'json' });
    expect(res.body.selector).toBeDefined();
  });
});
