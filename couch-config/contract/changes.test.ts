// The sync engine's live pull is a filtered changes feed: `_selector` (what replicate({selector})
// sends), `_doc_ids`, resumed from an opaque checkpoint `since`, as longpoll or continuous. Browsers
// always send Accept-Encoding: gzip, so the continuous feed must stream with it.
// `seq` values are opaque: they are only ever passed back, never compared or parsed.
import { beforeAll, describe, expect, it } from 'vitest';
import { couch, couchFetch, putDoc, sleep, uid, useFixtures, waitFor, type ChangesResponse, type CouchRequest, type Seq, type TestUser, memberDb } from './helpers';

const fx = useFixtures();

interface Change {
  id: string;
  seq: Seq;
  changes: Array<{ rev: string }>;
}

/** A continuous feed read in the background: its change lines and how many heartbeats arrived. */
interface Feed {
  changes: Change[];
  heartbeats(): number;
  status: number;
  close(): void;
}

async function openContinuous(path: string, req: CouchRequest): Promise<Feed> {
  const stop = new AbortController();
  const res = await couchFetch(path, { ...req, signal: AbortSignal.any([stop.signal, AbortSignal.timeout(25_000)]) });
  const changes: Change[] = [];
  let heartbeats = 0;
  const body = res.body;
  if (body) {
    void (async () => {
      let buffer = '';
      const reader = body.pipeThrough(new TextDecoderStream()).getReader();
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let newline = buffer.indexOf('\n');
          while (newline >= 0) {
            const line = buffer.slice(0, newline).trim();
            buffer = buffer.slice(newline + 1);
            if (line === '') heartbeats += 1;
            else {
              const parsed = JSON.parse(line) as Partial<Change>;
              if (parsed.id !== undefined) changes.push(parsed as Change);
            }
            newline = buffer.indexOf('\n');
          }
        }
      } catch {
        // Aborted by close() or by the timeout: the assertions say what was missing.
      }
    })();
  }
  return { changes, heartbeats: () => heartbeats, status: res.status, close: () => stop.abort() };
}

describe('_changes', () => {
  let db = '';
  let member: TestUser;

  beforeAll(async () => {
    ({ db, member } = await memberDb(fx));
  });

  async function lastSeq(): Promise<Seq> {
    const res = await couch<ChangesResponse>(`/${db}/_changes`, { auth: member });
    expect(res.status).toBe(200);
    expect(['string', 'number']).toContain(typeof res.body.last_seq);
    return res.body.last_seq;
  }

  function since(seq: Seq): string {
    return encodeURIComponent(String(seq));
  }

  it('filter=_selector (POST {selector}) returns only matching docs', async () => {
    const tag = uid('sel');
    await putDoc(db, { _id: `${tag}-north`, tag, team: 'north' });
    await putDoc(db, { _id: `${tag}-south`, tag, team: 'south' });
    const res = await couch<ChangesResponse>(`/${db}/_changes?filter=_selector`, {
      auth: member,
      body: { selector: { tag, team: 'north' } },
    });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r) => r.id)).toEqual([`${tag}-north`]);
  });

  it('filter=_selector with include_docs=true carries the docs', async () => {
    const tag = uid('sel');
    await putDoc(db, { _id: `${tag}-1`, tag, team: 'north', title: 'pump' });
    const res = await couch<{ results: Array<{ id: string; doc: { title: string } }> }>(
      `/${db}/_changes?filter=_selector&include_docs=true`,
      { auth: member, body: { selector: { tag } } },
    );
    expect(res.status).toBe(200);
    expect(res.body.results).toHaveLength(1);
    expect(res.body.results[0]?.doc.title).toBe('pump');
  });

  it('filter=_doc_ids (POST {doc_ids}) returns only the listed docs', async () => {
    const tag = uid('ids');
    for (const n of [1, 2, 3]) await putDoc(db, { _id: `${tag}-${n}` });
    const res = await couch<ChangesResponse>(`/${db}/_changes?filter=_doc_ids`, {
      auth: member,
      body: { doc_ids: [`${tag}-1`, `${tag}-3`] },
    });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r) => r.id).sort()).toEqual([`${tag}-1`, `${tag}-3`]);
  });

  it('since=<last_seq of an earlier response> returns only later changes', async () => {
    const tag = uid('since');
    await putDoc(db, { _id: `${tag}-before` });
    const checkpoint = await lastSeq();
    await putDoc(db, { _id: `${tag}-after` });
    const res = await couch<ChangesResponse>(`/${db}/_changes?since=${since(checkpoint)}`, { auth: member });
    expect(res.status).toBe(200);
    const ids = res.body.results.map((r) => r.id);
    expect(ids).toContain(`${tag}-after`);
    expect(ids).not.toContain(`${tag}-before`);
  });

  it('since works with filter=_selector as well (a resumed filtered pull)', async () => {
    const tag = uid('since-sel');
    await putDoc(db, { _id: `${tag}-old`, tag });
    const checkpoint = await lastSeq();
    await putDoc(db, { _id: `${tag}-new`, tag });
    await putDoc(db, { _id: `${tag}-other`, tag: 'other' });
    const res = await couch<ChangesResponse>(`/${db}/_changes?filter=_selector&since=${since(checkpoint)}`, {
      auth: member,
      body: { selector: { tag } },
    });
    expect(res.body.results.map((r) => r.id)).toEqual([`${tag}-new`]);
  });

  it('feed=longpoll waits for the next change and returns it', async () => {
    const tag = uid('longpoll');
    const checkpoint = await lastSeq();
    const pending = couch<ChangesResponse>(`/${db}/_changes?feed=longpoll&timeout=10000&since=${since(checkpoint)}`, {
      auth: member,
      timeoutMs: 15_000,
    });
    // Nothing has changed yet, so the request must still be open when the write happens.
    await sleep(300);
    await putDoc(db, { _id: `${tag}-1` });
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.body.results.map((r) => r.id)).toContain(`${tag}-1`);
    expect(['string', 'number']).toContain(typeof res.body.last_seq);
  });

  it('feed=continuous streams heartbeats and a new change while the client sends Accept-Encoding: gzip', async () => {
    const tag = uid('continuous');
    const checkpoint = await lastSeq();
    const feed = await openContinuous(`/${db}/_changes?feed=continuous&heartbeat=300&since=${since(checkpoint)}`, {
      auth: member,
      headers: { 'Accept-Encoding': 'gzip' },
    });
    try {
      expect(feed.status).toBe(200);
      // A heartbeat proves the stream reaches the client before anything changes.
      await waitFor('a heartbeat', async () => (feed.heartbeats() > 0 ? true : undefined), 5_000);
      await putDoc(db, { _id: `${tag}-1` }, member);
      const change = await waitFor('the change line', async () => feed.changes.find((c) => c.id === `${tag}-1`), 10_000);
      expect(change.changes[0]?.rev).toMatch(/^1-/);
    } finally {
      feed.close();
    }
  });

  it('feed=continuous with filter=_selector streams only matching changes', async () => {
    const tag = uid('cont-sel');
    const checkpoint = await lastSeq();
    const feed = await openContinuous(
      `/${db}/_changes?feed=continuous&filter=_selector&heartbeat=300&since=${since(checkpoint)}`,
      { auth: member, body: { selector: { tag, team: 'north' } }, headers: { 'Accept-Encoding': 'gzip' } },
    );
    try {
      expect(feed.status).toBe(200);
      await waitFor('a heartbeat', async () => (feed.heartbeats() > 0 ? true : undefined), 5_000);
      // The non-matching doc is written first: if the filter leaked it, it would arrive first.
      await putDoc(db, { _id: `${tag}-south`, tag, team: 'south' }, member);
      await putDoc(db, { _id: `${tag}-north`, tag, team: 'north' }, member);
      await waitFor('the matching change', async () => feed.changes.find((c) => c.id === `${tag}-north`), 10_000);
      expect(feed.changes.map((c) => c.id)).toEqual([`${tag}-north`]);
    } finally {
      feed.close();
    }
  });
});
