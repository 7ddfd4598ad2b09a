/**
 * The PouchDB 7.3.1 constructor the embedded server stores its databases with.
 * leveldb on disk by default; memory for tests (a unique prefix keeps two servers in one process apart).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { requireCjs } from './internals';

export type Storage = 'leveldb' | 'memory';

export function createServerPouch(storage: Storage, dataDir: string): unknown {
  const PouchDB = requireCjs('pouchdb-core')
    .plugin(requireCjs('pouchdb-adapter-http'))
    .plugin(requireCjs('pouchdb-mapreduce'))
    .plugin(requireCjs('pouchdb-replication'));
  if (storage === 'memory') {
    PouchDB.plugin(requireCjs('pouchdb-adapter-memory'));
    return PouchDB.defaults({ adapter: 'memory', prefix: `outpost-${randomUUID()}-` });
  }
  PouchDB.plugin(requireCjs('pouchdb-adapter-leveldb'));
  const dbDir = path.join(dataDir, 'db');
  mkdirSync(dbDir, { recursive: true });
  return PouchDB.defaults({ adapter: 'leveldb', prefix: dbDir + path.sep });
}
