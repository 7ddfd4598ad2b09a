/**
 * Real on-disk PouchDB databases (pouchdb-node, with pouchdb-find as on the device) for the job tests, in a
 * temporary folder that goes away after the file's tests. Call once at the top of a test file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import PouchDB from 'pouchdb-node';
import find from 'pouchdb-find/lib/index.js';
import { afterAll, beforeAll } from 'vitest';
import { createHlc, type WriteContext } from '../../../sync';

(PouchDB as unknown as { plugin(plugin: unknown): void }).plugin(find);

/** Returns `open()`, which makes a fresh, empty database each call. */
export function useLocalDbs<Db>(prefix: string): () => Db {
  let dir = '';
  let count = 0;
  const opened: Array<{ close(): Promise<void> }> = [];
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), `outpost-${prefix}-`));
  });
  // Every database is closed first: one still open can write a file while its folder is being removed.
  afterAll(async () => {
    await Promise.all(opened.splice(0).map((db) => db.close().catch(() => {})));
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  });
  return () => {
    const db = new PouchDB(path.join(dir, `db-${++count}`));
    opened.push(db);
    return db as unknown as Db;
  };
}

/** A writer on a clock of its own, one millisecond per tick, from 2026-01-01. */
export function testWriter(user: string, role: WriteContext['role'] = 'field'): WriteContext {
  let t = Date.UTC(2026, 0, 1);
  const now = () => ++t;
  return { user, role, now, hlc: createHlc({ deviceId: `dev-${user}`, now }) };
}
