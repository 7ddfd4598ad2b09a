/**
 * Opening and deleting databases in one order, so a request can never bring a deleted database back.
 *
 * express-pouchdb checks that a database exists (`allDbs`) and only then opens it (`getOrCreateDB`), which
 * *creates* it when it is gone. A `DELETE /db` landing between the two — e.g. while devices' live feeds keep
 * asking, as when an operator restores a database from a backup — left a fresh empty database behind, and the
 * restore's `PUT /db` then failed with 412 `file_exists`. CouchDB never creates a database implicitly. Here the
 * existence check and the open run as one step, serialized with deletions, and a database that is gone is 404.
 */
import type { NextFunction, Response } from 'express';
import { sendJson } from './http';
import type { CouchRequest, PouchLike, PouchStatic } from './internals';
import { requireCjs } from './internals';

interface DbLifecycle {
  getOrCreateDB(PouchDB: PouchStatic, name: string): Promise<PouchLike>;
  deleteDB(PouchDB: PouchStatic, name: string, opts: unknown): Promise<unknown>;
}
interface DbWrapper {
  wrap(name: string, db: PouchLike): Promise<unknown>;
}
interface Utils {
  setDBOnReq(dbName: string, dbWrapper: DbWrapper, req: CouchRequest, res: Response, next: NextFunction): void;
}

const lifecycle = requireCjs('express-pouchdb/lib/create-or-delete-dbs') as DbLifecycle;
const utils = requireCjs('express-pouchdb/lib/utils') as Utils;
const cleanFilename = requireCjs('express-pouchdb/lib/clean-filename') as (name: string) => string;
const originalOpen = lifecycle.getOrCreateDB;
const originalDelete = lifecycle.deleteDB;

let queue: Promise<unknown> = Promise.resolve();
function inOrder<T>(step: () => Promise<T>): Promise<T> {
  const run = queue.then(step, step);
  queue = run.catch(() => {});
  return run;
}

/** Databases deleted so far: a database opened before the count last moved may be gone. */
let deletions = 0;

/** The database if it exists (opened), or null; never creates one. */
export function openExisting(PouchDB: PouchStatic, name: string): Promise<PouchLike | null> {
  return inOrder(async () => ((await PouchDB.allDbs()).includes(name) ? originalOpen(PouchDB, name) : null));
}

type RequestWithDb = CouchRequest & { openedDb?: { name: string; db: PouchLike; deletions: number } };

/**
 * openExisting, once per request: the gatekeeper (for `_security`) and the route both need the database, and
 * each check lists every database. The route reuses what the gatekeeper opened unless a database was deleted
 * in between, in which case it asks again.
 */
export async function openForRequest(request: CouchRequest, name: string): Promise<PouchLike | null> {
  const req = request as RequestWithDb;
  const opened = req.openedDb;
  if (opened && opened.name === name && opened.deletions === deletions) return opened.db;
  const seen = deletions;
  const db = await openExisting(req.PouchDB, name);
  if (db) req.openedDb = { name, db, deletions: seen };
  return db;
}

let installed = false;

/** Must run before express-pouchdb's routes load: they keep the functions they find at load time. */
export function installDbLifecycle(): void {
  if (installed) return;
  installed = true;
  lifecycle.deleteDB = (PouchDB, name, opts) =>
    inOrder(() => {
      deletions++;
      return originalDelete(PouchDB, name, opts);
    });
  lifecycle.getOrCreateDB = (PouchDB, name) => inOrder(() => originalOpen(PouchDB, name));
  utils.setDBOnReq = (dbName, dbWrapper, req, res, next) => {
    const name = cleanFilename(dbName);
    openForRequest(req, name)
      .then(async (db) => {
        if (!db) return sendJson(res, 404, { error: 'not_found', reason: 'Database does not exist.' });
        await dbWrapper.wrap(name, db);
        (req as CouchRequest & { db?: PouchLike }).db = db;
        next();
      })
      .catch(next);
  };
}
