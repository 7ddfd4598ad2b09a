// A device replicates its team database with PouchDB 9: a filtered pull (`selector`) and a push,
// both live, as a member user. Each simulated user gets its own fetch with basic auth, because
// PouchDB 9 on Node shares one cookie jar across instances (EMBEDDED-SERVER-NOTES.md).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import PouchDB, { type Database, type Replication } from 'pouchdb-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  basicAuth,
  couch,
  membersOnly,
  putDoc,
  target,
  uid,
  useFixtures,
  waitFor,
  type Credentials,
  type TestUser,
} from './helpers';

const fx = useFixtures();

function fetchAs(creds: Credentials): (url: string | Request, init?: RequestInit) => Promise<Response> {
  return (url, init = {}) => {
    const headers = new Headers(init.headers);
    headers.set('Authorization', basicAuth(creds));
    return fetch(url, { ...init, headers });
  };
}

async function localIds(db: Database): Promise<string[]> {
  return (await db.allDocs()).rows.map((r) => r.id).sort();
}

async function has(db: Database, id: string): Promise<boolean> {
  try {
    await db.get(id);
    return true;
  } catch {
    return false;
  }
}

describe('PouchDB 9 replication as a member', () => {
  let db = '';
  let member: TestUser;
  let dir = '';
  let remote: Database;
  const locals: Database[] = [];
  const running: Replication[] = [];

  function newLocal(): Database {
    const local = new PouchDB(path.join(dir, uid('local')));
    locals.push(local);
    return local;
  }

  beforeAll(async () => {
    const role = uid('team');
    db = await fx.db(membersOnly(role));
    member = await fx.user([role]);
    for (const n of [1, 2, 3]) await putDoc(db, { _id: `job-north-${n}`, team: 'north' });
    for (const n of [1, 2]) await putDoc(db, { _id: `job-south-${n}`, team: 'south' });
    dir = mkdtempSync(path.join(tmpdir(), 'outpost-contract-'));
    remote = new PouchDB(`${target.url}/${db}`, { fetch: fetchAs(member), skip_setup: true });
  });

  afterAll(async () => {
    for (const replication of running) replication.cancel();
    await Promise.allSettled([remote.close(), ...locals.map((l) => l.close())]);
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  });

  it('a one-shot pull with a selector brings only the matching docs', async () => {
    const local = newLocal();
    const result = await PouchDB.replicate(remote, local, { selector: { team: 'north' } });
    expect(result.ok).toBe(true);
    expect(await localIds(local)).toEqual(['job-north-1', 'job-north-2', 'job-north-3']);
  });

  it('a one-shot push stores a local write on the server', async () => {
    const local = newLocal();
    await local.put({ _id: 'job-pushed', team: 'north', title: 'from the device' });
    const result = await PouchDB.replicate(local, remote);
    expect(result.ok).toBe(true);
    expect(result.docs_written).toBe(1);
    const doc = await couch<{ title: string }>(`/${db}/job-pushed`, { auth: 'admin' });
    expect(doc.status).toBe(200);
    expect(doc.body.title).toBe('from the device');
  });

  it('live replication carries changes both ways, and the pull keeps honouring the selector', async () => {
    const local = newLocal();
    const errors: unknown[] = [];
    const pull = PouchDB.replicate(remote, local, { live: true, retry: false, selector: { team: 'north' } });
    const push = PouchDB.replicate(local, remote, { live: true, retry: false });
    for (const replication of [pull, push]) {
      running.push(replication);
      replication.on('error', (e) => errors.push(e)).on('denied', (e) => errors.push(e));
    }
    const north = ['job-north-1', 'job-north-2', 'job-north-3'];
    await waitFor('the initial pull', async () => {
      const ids = await localIds(local);
      return north.every((id) => ids.includes(id)) ? true : undefined;
    });
    expect((await localIds(local)).filter((id) => id.startsWith('job-south-'))).toEqual([]);

    // Server → device. The non-matching doc is written first: had the filter leaked it, it would be there by now.
    await putDoc(db, { _id: 'job-live-south', team: 'south' });
    await putDoc(db, { _id: 'job-live-north', team: 'north' });
    await waitFor('job-live-north on the device', async () => ((await has(local, 'job-live-north')) ? true : undefined));
    expect(await has(local, 'job-live-south')).toBe(false);

    // Device → server.
    await local.put({ _id: 'job-live-device', team: 'north' });
    await waitFor('job-live-device on the server', async () => {
      const res = await couch(`/${db}/job-live-device`, { auth: 'admin' });
      return res.status === 200 ? true : undefined;
    });

    // An edit made on the server to a doc the device pushed comes back to the device.
    const current = await couch<{ _rev: string }>(`/${db}/job-live-device`, { auth: 'admin' });
    await putDoc(db, { _id: 'job-live-device', _rev: current.body._rev, team: 'north', status: 'assigned' });
    await waitFor('the server edit on the device', async () => {
      const doc = await local.get('job-live-device');
      return doc.status === 'assigned' ? true : undefined;
    });

    pull.cancel();
    push.cancel();
    expect(errors).toEqual([]);
  });
});
