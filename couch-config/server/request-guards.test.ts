import { describe, expect, it } from 'vitest';
import { allDocsQueryProblem, bodyProblem, docIdProblem, docQueryProblem } from './request-guards';

const q = (s: string) => new URLSearchParams(s);

describe('request guards', () => {
  it.each(['limit=abc', 'limit=-1', 'skip=-5', 'descending=maybe', 'limit=100000000000000000000'])('refuses _all_docs?%s as query_parse_error', (query) => {
    expect(allDocsQueryProblem(q(query))).toMatchObject({ status: 400, error: 'query_parse_error' });
  });

  it('refuses a startkey that is not JSON, accepts one that is', () => {
    expect(allDocsQueryProblem(q('startkey=job-1'))).toMatchObject({ status: 400, error: 'bad_request' });
    expect(allDocsQueryProblem(q('startkey="job-1"&limit=10&include_docs=true'))).toBeNull();
  });

  it('checks rev and open_revs on document reads', () => {
    expect(docQueryProblem(q('rev=bogus'))).toMatchObject({ reason: 'Invalid rev format' });
    expect(docQueryProblem(q('open_revs=notjson'))).toMatchObject({ status: 400 });
    expect(docQueryProblem(q('open_revs=all'))).toBeNull();
    expect(docQueryProblem(q('open_revs=["1-abc"]&rev=2-def'))).toBeNull();
  });

  it('reserves ids that start with an underscore', () => {
    expect(docIdProblem('_bad')).toMatchObject({ error: 'illegal_docid' });
    expect(docIdProblem('_design/app')).toBeNull();
    expect(docIdProblem('job:01J')).toBeNull();
  });

  it('refuses a negative _find limit and a reserved _id in POST /db', () => {
    expect(bodyProblem('_find', { selector: {}, limit: -1 })).toMatchObject({ error: 'invalid_non_neg_integer' });
    expect(bodyProblem(undefined, { _id: '_oops' })).toMatchObject({ error: 'illegal_docid' });
    expect(bodyProblem('_find', { selector: {}, limit: 5 })).toBeNull();
  });
});
