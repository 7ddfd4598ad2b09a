/**
 * Real on-disk PouchDB 9 databases (leveldb, each in a temp folder) for tests of the engine's parts. Call once at
 * the top of a test file; every database opened in a test is closed, and its folder removed, after that test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import PouchDB from 'pouchdb-node';
import { afterEach } from 'vitest';

/** Returns `open()`, which makes a fresh, empty database each call. */
export function useTempDbs<Db>(prefix: string): () => Db {
  const dirs: string[] = [];
  const dbs: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    await Promise.all(dbs.splice(0).map((db) => db.close().catch(() => {})));
    // LevelDB may still be releasing its files: retry instead of failing the run.
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  });
  return () => {
    const dir = mkdtempSync(path.join(tmpdir(), `outpost-${prefix}-`));
    dirs.push(dir);
    const db = new PouchDB(path.join(dir, 'local'));
    dbs.push(db);
    return db as unknown as Db;
  };
}
