// Server-side replications hub ⇄ team are `_replicator` docs (ARCHITECTURE.md §2): continuous,
// filtered by a selector, authenticated with user credentials in the CouchDB 3 `auth.basic` form.
import { describe, expect, it } from 'vitest';
import { couch, membersOnly, putDoc, sleep, target, uid, useFixtures, waitFor, type AllDocs, type TestUser } from './helpers';

const fx = useFixtures();

function endpoint(db: string, user: TestUser) {
  return { url: `${target.url}/${db}`, auth: { basic: { username: user.user, password: user.password } } };
}

async function docIds(db: string): Promise<string[]> {
  const res = await couch<AllDocs>(`/${db}/_all_docs`, { auth: 'admin' });
  expect(res.status).toBe(200);
  return res.body.rows.map((r) => r.id).filter((id) => !id.startsWith('_design/'));
}

/** Deletes a `_replicator` doc, retrying if the replicator updated it in between. */
async function deleteReplication(id: string): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const doc = await couch<{ _rev?: string }>(`/_replicator/${id}`, { auth: 'admin' });
    if (doc.status === 404) return;
    const res = await couch(`/_replicator/${id}?rev=${encodeURIComponent(doc.body._rev ?? '')}`, {
      method: 'DELETE',
      auth: 'admin',
    });
    if (res.status === 200 || res.status === 202) return;
  }
  throw new Error(`could not delete _replicator/${id}`);
}

describe('_replicator', () => {
  it('a continuous replication doc with a selector and user credentials copies only matching docs', async () => {
    const role = uid('team');
    const source = await fx.db(membersOnly(role));
    const targetDb = await fx.db(membersOnly(role));
    const user = await fx.user([role]);
    for (const n of [1, 2, 3]) await putDoc(source, { _id: `job-north-${n}`, team: 'north' });
    for (const n of [1, 2]) await putDoc(source, { _id: `job-south-${n}`, team: 'south' });

    const id = uid('contract-rep');
    const created = await couch(`/_replicator/${id}`, {
      method: 'PUT',
      auth: 'admin',
      body: {
        source: endpoint(source, user),
        target: endpoint(targetDb, user),
        selector: { team: 'north' },
        continuous: true,
      },
    });
    expect([201, 202], JSON.stringify(created.body)).toContain(created.status);

    try {
      await waitFor(
        'the matching docs in the target',
        async () => ((await docIds(targetDb)).filter((d) => d.startsWith('job-north-')).length === 3 ? true : undefined),
        20_000,
      );
      expect(await docIds(targetDb)).toEqual(['job-north-1', 'job-north-2', 'job-north-3']);

      // Continuous: later writes flow too, still filtered (the non-matching one is written first).
      await putDoc(source, { _id: 'job-south-3', team: 'south' });
      await putDoc(source, { _id: 'job-north-4', team: 'north' });
      await waitFor('a later matching doc in the target', async () =>
        (await docIds(targetDb)).includes('job-north-4') ? true : undefined,
      20_000);
      expect((await docIds(targetDb)).filter((d) => d.startsWith('job-south-'))).toEqual([]);
    } finally {
      await deleteReplication(id);
    }

    expect((await couch(`/_replicator/${id}`, { auth: 'admin' })).status).toBe(404);
    // Deleting the doc stops the replication.
    await sleep(1_000);
    await putDoc(source, { _id: 'job-north-after', team: 'north' });
    await sleep(3_000);
    expect(await docIds(targetDb)).not.toContain('job-north-after');
  });
});
