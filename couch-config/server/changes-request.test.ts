import { describe, expect, it } from 'vitest';
import { parseChangesRequest } from './changes-request';

describe('parseChangesRequest', () => {
  it('maps filter=_selector to a PouchDB selector', () => {
    const parsed = parseChangesRequest({ filter: '_selector', feed: 'longpoll', since: 5, heartbeat: 10000 }, { selector: { team: 'north' } });
    expect(parsed).toMatchObject({ feed: 'longpoll', heartbeatMs: 10000, options: { selector: { team: 'north' }, since: 5 } });
  });

  it('refuses _selector without a selector', () => {
    expect(parseChangesRequest({ filter: '_selector' }, {})).toMatchObject({ error: { status: 400, error: 'bad_request' } });
  });

  it('takes doc_ids from the body or the query', () => {
    expect(parseChangesRequest({ filter: '_doc_ids' }, { doc_ids: ['a'] })).toMatchObject({ options: { doc_ids: ['a'] } });
    expect(parseChangesRequest({ filter: '_doc_ids', doc_ids: ['b'] }, undefined)).toMatchObject({ options: { doc_ids: ['b'] } });
    expect(parseChangesRequest({ filter: '_doc_ids', doc_ids: 'b' }, undefined)).toHaveProperty('error');
  });

  it('names the design-doc filter to check', () => {
    expect(parseChangesRequest({ filter: 'app/by_team' }, undefined)).toMatchObject({ designFilter: { ddoc: 'app', name: 'by_team' } });
    expect(parseChangesRequest({ filter: 'nonsense' }, undefined)).toHaveProperty('error');
  });

  it.each([
    [{ feed: 'sideways' }],
    [{ since: 'g1AAAA-opaque' }],
    [{ limit: -1 }],
    [{ limit: 'ten' }],
    [{ include_docs: 'maybe' }],
    [{ heartbeat: 0 }],
    [{ style: 'every' }],
  ])('refuses %j with a 400', (query) => {
    expect(parseChangesRequest(query, undefined)).toMatchObject({ error: { status: 400 } });
  });

  it('accepts since=now and treats limit=0 as 1, like CouchDB', () => {
    expect(parseChangesRequest({ since: 'now', limit: 0 }, undefined)).toMatchObject({ options: { since: 'now', limit: 1 } });
  });
});
