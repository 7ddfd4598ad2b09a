import { describe, expect, it } from 'vitest';
import { parseEndpoint, parseReplicationDoc } from './replicator';

describe('parseEndpoint', () => {
  it('reads CouchDB 3 basic auth objects into an Authorization header', () => {
    const endpoint = parseEndpoint({ url: 'http://127.0.0.1:5984/hub', auth: { basic: { username: 'u', password: 'p' } } }, 'source');
    expect(endpoint).toEqual({ url: 'http://127.0.0.1:5984/hub', headers: { Authorization: 'Basic ' + Buffer.from('u:p').toString('base64') } });
  });

  it('moves credentials out of a URL', () => {
    expect(parseEndpoint('http://u:p%40ss@127.0.0.1:5984/db', 'target')).toEqual({
      url: 'http://127.0.0.1:5984/db',
      headers: { Authorization: 'Basic ' + Buffer.from('u:p@ss').toString('base64') },
    });
  });

  it('refuses local database names, like CouchDB 3', () => {
    expect(parseEndpoint('outpost-hub', 'source')).toHaveProperty('invalid');
  });
});

describe('parseReplicationDoc', () => {
  it('keeps the selector and continuity', () => {
    const parsed = parseReplicationDoc({ source: 'http://h/a', target: 'http://h/b', selector: { team: 'north' }, continuous: true });
    expect(parsed).toMatchObject({ ok: true, continuous: true, options: { selector: { team: 'north' } } });
  });

  it('explains what is wrong with a bad doc', () => {
    expect(parseReplicationDoc({ source: 'http://h/a', target: 'http://h/b', selector: [1] })).toEqual({ ok: false, reason: 'selector must be an object' });
  });
});
