import { describe, expect, it } from 'vitest';
import { MESSAGES, problemMessage } from './messages';

describe('problemMessage', () => {
  it('says wrong name or password for a 401 on sign-in', () => {
    expect(problemMessage('sign-in', { kind: 'unauthorized', reason: 'Name or password is incorrect.' })).toBe(
      'Wrong name or password. Check both and try again.',
    );
  });

  it('says the server is out of reach, and what to do', () => {
    expect(problemMessage('sign-in', { kind: 'unreachable' })).toBe(
      "Can't reach the Outpost server. Check your connection and try again.",
    );
    expect(problemMessage('check', { kind: 'unreachable' })).toBe(MESSAGES.unreachable);
  });

  it('tells a person who could not sign out that they are still signed in', () => {
    expect(problemMessage('sign-out', { kind: 'unreachable' })).toMatch(/still signed in\. Check your connection/);
    expect(problemMessage('sign-out', { kind: 'http', status: 500, error: 'x', reason: 'y' })).toMatch(/You are still signed in\./);
  });

  it("quotes the server's reason and status, then what to do", () => {
    expect(problemMessage('sign-in', { kind: 'http', status: 500, error: 'unknown_error', reason: 'function_clause.' })).toBe(
      "The server couldn't sign you in: function_clause (HTTP 500). Try again in a minute; if it keeps happening, tell your Outpost admin.",
    );
    expect(problemMessage('sign-in', { kind: 'http', status: 400, error: 'bad_request', reason: null })).toBe(
      "The server couldn't sign you in: bad_request (HTTP 400). Try again; if it keeps happening, tell your Outpost admin.",
    );
    expect(problemMessage('check', { kind: 'http', status: 418, error: null, reason: null })).toMatch(
      /^The server couldn't check whether you are signed in: no reason given \(HTTP 418\)\./,
    );
  });

  it('cuts very long reasons', () => {
    const message = problemMessage('sign-in', { kind: 'http', status: 500, error: null, reason: 'x'.repeat(5000) });
    expect(message.length).toBeLessThan(400);
    expect(message).toContain('…');
  });

  it('explains a reply that is not from CouchDB', () => {
    expect(problemMessage('sign-in', { kind: 'bad-reply', status: 200 })).toMatch(/HTTP 200.*\/couch\/.*try again/);
  });

  it('explains a cookie the browser did not keep', () => {
    expect(problemMessage('sign-in', { kind: 'cookie-not-kept' })).toMatch(/Allow cookies for this site and try again\.$/);
  });
});
