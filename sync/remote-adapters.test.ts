/** What the push's `_revs_diff` still asks once known revisions are dropped (the server side is a recording stand-in). */
import { describe, expect, it } from 'vitest';
import type { RemoteDb } from './db';
import { skipKnownRevisions } from './remote-adapters';

function recordingRemote() {
  const asked: Array<Record<string, string[]>> = [];
  const remote = {
    fetch: () => Promise.reject(new Error('no requests here')),
    revsDiff: (diff: Record<string, string[]>) => {
      asked.push(diff);
      return Promise.resolve(Object.fromEntries(Object.entries(diff).map(([id, revs]) => [id, { missing: revs }])));
    },
  };
  return { remote: remote as RemoteDb & { revsDiff(diff: Record<string, string[]>): Promise<Record<string, { missing: string[] }>> }, asked };
}

describe('skipKnownRevisions', () => {
  const pulled = new Map([['job:a', '3-pulled'], ['job:b', '2-pulled']]);
  const known = (id: string, rev: string) => id.startsWith('_design/') || pulled.get(id) === rev;

  it('asks only about revisions the server is not known to have, revision by revision', async () => {
    const { remote, asked } = recordingRemote();
    skipKnownRevisions(remote, known);
    // job:a has two leaves: the pulled winner and the device's own edit that lost to it.
    const missing = await remote.revsDiff({ 'job:a': ['3-pulled', '3-mine'], 'job:b': ['2-pulled'], 'job:c': ['1-new'], '_design/jobs': ['1-index'] });
    expect(asked).toEqual([{ 'job:a': ['3-mine'], 'job:c': ['1-new'] }]);
    expect(missing).toEqual({ 'job:a': { missing: ['3-mine'] }, 'job:c': { missing: ['1-new'] } });
  });

  it('sends no request when every revision is known, and answers that nothing is missing', async () => {
    const { remote, asked } = recordingRemote();
    skipKnownRevisions(remote, known);
    expect(await remote.revsDiff({ 'job:b': ['2-pulled'], '_design/jobs': ['1-index'] })).toEqual({});
    expect(asked).toEqual([]);
  });
});
