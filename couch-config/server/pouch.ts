/**
 * The PouchDB 7.3.1 constructor the embedded server stores its databases with.
 * leveldb on disk by default; memory for tests (a unique prefix keeps two servers in one process apart).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { requireCjs } from './internals';

export type Storage = 'leveldb' | 'memory';

interface PouchConstructor {
  plugin(plugin: unknown): PouchConstructor;
  defaults(opts: Record<string, unknown>): unknown;
}

/**
 * A PouchDB class of its own for each server. Plugins patch the class, and PouchDB announces created and
 * destroyed databases on it, so two servers in one process (tests) sharing a class would see each other's
 * database names. Loading pouchdb-core afresh gives each server its own class.
 */
function freshCore(): PouchConstructor {
  const corePath = requireCjs.resolve('pouchdb-core');
  delete requireCjs.cache[corePath];
  return requireCjs(corePath) as PouchConstructor;
}

function freshPouch(): PouchConstructor {
  return freshCore()
    .plugin(requireCjs('pouchdb-adapter-http'))
    .plugin(requireCjs('pouchdb-mapreduce'))
    .plugin(requireCjs('pouchdb-replication'))
    .plugin(requireCjs('pouchdb-adapter-memory'))
    .plugin(requireCjs('pouchdb-adapter-leveldb'));
}

export function createServerPouch(storage: Storage, dataDir: string): unknown {
  if (storage === 'memory') return freshPouch().defaults({ adapter: 'memory', prefix: `outpost-${randomUUID()}-` });
  const dbDir = path.join(dataDir, 'db');
  mkdirSync(dbDir, { recursive: true });
  return freshPouch().defaults({ adapter: 'leveldb', prefix: dbDir + path.sep });
}

/**
 * A plain HTTP-only PouchDB class for the `_replicator` daemon. It must not be the server's own class, which
 * express-pouchdb wraps with security and validation plugins meant for local databases (a replication started
 * through them never begins).
 */
export function createHttpPouch(): unknown {
  return freshCore().plugin(requireCjs('pouchdb-adapter-http')).plugin(requireCjs('pouchdb-replication'));
}
