// A malformed request from one device must never take the server down for everyone, and the client
// must get an error it can classify: CouchDB's JSON `{error, reason}` with a 4xx status.
// After every test the server must still answer /_up.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { couch, expectAlive, expectCouchError, putDesign, putDoc, uid, useFixtures, type AllDocs, type TestUser, memberDb } from './helpers';

const fx = useFixtures();

describe('malformed requests', () => {
  let db = '';
  let member: TestUser;

  beforeAll(async () => {
    ({ db, member } = await memberDb(fx));
    for (const n of [1, 2, 3]) await putDoc(db, { _id: `job-${n}`, type: 'job' });
    await putDesign(db, 'x', { views: { y: { map: 'function (doc) { emit(doc._id, null); }' } } });
  });

  afterEach(async () => {
    await expectAlive();
  });

  describe('bodies', () => {
    it('invalid JSON on _bulk_docs is 400 bad_request', async () => {
      expectCouchError(await couch(`/${db}/_bulk_docs`, { auth: member, body: '{"docs": [' }), 400, 'bad_request');
    });

    it('invalid JSON on a doc PUT is 400 bad_request and stores nothing', async () => {
      const res = await couch(`/${db}/broken`, { method: 'PUT', auth: member, body: '{"title": ' });
      expectCouchError(res, 400, 'bad_request');
      expect((await couch(`/${db}/broken`, { auth: 'admin' })).status).toBe(404);
    });

    it('a non-object body on _bulk_docs is 400 bad_request', async () => {
      expectCouchError(await couch(`/${db}/_bulk_docs`, { auth: member, body: [1, 2] }), 400, 'bad_request');
    });

    it('_bulk_docs without a docs array is 400 bad_request', async () => {
      expectCouchError(await couch(`/${db}/_bulk_docs`, { auth: member, body: {} }), 400, 'bad_request');
      expectCouchError(await couch(`/${db}/_bulk_docs`, { auth: member, body: { docs: 5 } }), 400, 'bad_request');
    });

    it('a non-object doc body on PUT is 400 bad_request', async () => {
      expectCouchError(await couch(`/${db}/array-doc`, { method: 'PUT', auth: member, body: [1] }), 400, 'bad_request');
      expectCouchError(await couch(`/${db}/string-doc`, { method: 'PUT', auth: member, body: '"text"' }), 400, 'bad_request');
    });

    it('_bulk_docs sent as text/plain is 415 bad_content_type', async () => {
      const res = await couch(`/${db}/_bulk_docs`, {
        auth: member,
        body: JSON.stringify({ docs: [{ _id: 'ctype' }] }),
        headers: { 'Content-Type': 'text/plain' },
      });
      expectCouchError(res, 415, 'bad_content_type');
    });

    it('_bulk_get without docs and _revs_diff with a non-object body are 400 bad_request', async () => {
      expectCouchError(await couch(`/${db}/_bulk_get`, { auth: member, body: {} }), 400, 'bad_request');
      expectCouchError(await couch(`/${db}/_revs_diff`, { auth: member, body: ['job-1'] }), 400, 'bad_request');
    });
  });

  describe('doc ids and revs', () => {
    it('PUT of a doc id starting with "_" is 400 illegal_docid', async () => {
      expectCouchError(await couch(`/${db}/_bad`, { method: 'PUT', auth: member, body: {} }), 400, 'illegal_docid');
    });

    it('POST /db of a doc whose _id starts with "_" is 400 illegal_docid', async () => {
      expectCouchError(await couch(`/${db}`, { auth: member, body: { _id: '_bad' } }), 400, 'illegal_docid');
    });

    it('a malformed rev is 400 bad_request', async () => {
      expectCouchError(await couch(`/${db}/job-1?rev=bogus`, { auth: member }), 400, 'bad_request');
    });

    it('a malformed open_revs is 400 bad_request', async () => {
      expectCouchError(await couch(`/${db}/job-1?open_revs=notjson`, { auth: member }), 400, 'bad_request');
    });
  });

  describe('_changes', () => {
    it('filter=_selector without a selector (GET) is 400 bad_request', async () => {
      expectCouchError(await couch(`/${db}/_changes?filter=_selector`, { auth: member }), 400, 'bad_request');
    });

    it('filter=_selector with a body lacking a selector (POST) is 400 bad_request', async () => {
      expectCouchError(await couch(`/${db}/_changes?filter=_selector`, { auth: member, body: {} }), 400, 'bad_request');
    });

    it('filter=missing/filter (no such design doc) is 404 not_found', async () => {
      expectCouchError(await couch(`/${db}/_changes?filter=missing/filter`, { auth: member }), 404, 'not_found');
    });

    it('filter=x/missing (design doc without that filter) is 404 not_found', async () => {
      expectCouchError(await couch(`/${db}/_changes?filter=x/missing`, { auth: member }), 404, 'not_found');
    });

    it('a malformed since is 400 bad_request', async () => {
      expectCouchError(await couch(`/${db}/_changes?since=${encodeURIComponent('not a seq!')}`, { auth: member }), 400, 'bad_request');
    });

    it('a non-numeric heartbeat is 400 bad_request', async () => {
      const res = await couch(`/${db}/_changes?feed=continuous&heartbeat=often`, { auth: member });
      expectCouchError(res, 400, 'bad_request');
    });
  });

  describe('_find', () => {
    it('a selector that is not an object is 400', async () => {
      const res = await couch(`/${db}/_find`, { auth: member, body: { selector: 'job' } });
      expectCouchError(res, 400);
    });

    it('an unknown operator is 400', async () => {
      expectCouchError(await couch(`/${db}/_find`, { auth: member, body: { selector: { type: { $like: 'j%' } } } }), 400);
    });

    it('a body without a selector is 400', async () => {
      expectCouchError(await couch(`/${db}/_find`, { auth: member, body: { limit: 1 } }), 400);
    });

    it('a non-object body is 400 bad_request', async () => {
      expectCouchError(await couch(`/${db}/_find`, { auth: member, body: [] }), 400, 'bad_request');
    });

    it('a negative limit is 400', async () => {
      expectCouchError(await couch(`/${db}/_find`, { auth: member, body: { selector: {}, limit: -1 } }), 400);
    });
  });

  describe('views and query parameters', () => {
    it('an unknown view in an existing design doc is 404 not_found', async () => {
      expectCouchError(await couch(`/${db}/_design/x/_view/nope`, { auth: member }), 404, 'not_found');
    });

    it('a view in a missing design doc is 404 not_found', async () => {
      expectCouchError(await couch(`/${db}/_design/nope/_view/nope`, { auth: member }), 404, 'not_found');
    });

    it('a large limit within CouchDB\'s maximum returns every row', async () => {
      const res = await couch<AllDocs>(`/${db}/_all_docs?limit=100000000`, { auth: member });
      expect(res.status).toBe(200);
      expect(res.body.rows.map((r) => r.id)).toEqual(['_design/x', 'job-1', 'job-2', 'job-3']);
    });

    it('a huge limit (beyond CouchDB\'s maximum view limit) is 400 query_parse_error', async () => {
      const res = await couch(`/${db}/_all_docs?limit=100000000000000000000`, { auth: member });
      expectCouchError(res, 400, 'query_parse_error');
    });

    it.each([
      ['limit=abc', 'limit=abc'],
      ['a negative limit', 'limit=-1'],
      ['a non-boolean descending', 'descending=maybe'],
      ['a negative skip', 'skip=-5'],
    ])('%s on _all_docs is 400 query_parse_error', async (_name, query) => {
      expectCouchError(await couch(`/${db}/_all_docs?${query}`, { auth: member }), 400, 'query_parse_error');
    });

    it('a startkey that is not JSON is 400', async () => {
      expectCouchError(await couch(`/${db}/_all_docs?startkey=job-1`, { auth: member }), 400);
    });

    it('bad view parameters are 400 query_parse_error', async () => {
      expectCouchError(await couch(`/${db}/_design/x/_view/y?limit=abc`, { auth: member }), 400, 'query_parse_error');
    });
  });

  describe('paths', () => {
    it('an unknown top-level endpoint is 404 not_found for the admin', async () => {
      expectCouchError(await couch('/_contract_no_such_endpoint', { auth: 'admin' }), 404, 'not_found');
    });

    it('a path below a missing database is 404 not_found', async () => {
      expectCouchError(await couch(`/${uid('contract-missing')}/doc`, { auth: 'admin' }), 404, 'not_found');
    });
  });
});
