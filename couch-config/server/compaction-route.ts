/**
 * Compaction as CouchDB 3 answers it, for `couch compact` and `couch status`:
 * - `POST /{db}/_compact` answers 202 at once and compacts in the background (PouchDB's `compact()`: old
 *   revision bodies are dropped, the revision tree stays); `GET /{db}` reports `compact_running` meanwhile.
 * - `POST /{db}/_compact/{ddoc}` compacts that design doc's view indexes. PouchDB keeps each view in a
 *   database of its own (`<db>-mrview-<hash>`, listed in the source's `_local/mrviews`), compacted here too.
 * - `GET /{db}` carries `sizes.file`: bytes on disk of the database's leveldb directory. With in-memory storage
 *   there is no file, so `sizes` is left out rather than invented.
 * Stock express-pouchdb compacts before answering (a long request) and never reports either field.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Request, Response } from 'express';
import { sendError, sendJson } from './http';
import type { PouchApp, PouchLike, WrapperArgs } from './internals';
import { requireCjs } from './internals';

const wrappers = requireCjs('pouchdb-wrappers') as {
  installWrapperMethods(db: PouchLike, handlers: Record<string, (orig: () => Promise<unknown>, args: WrapperArgs) => Promise<unknown>>): void;
};
const utils = requireCjs('express-pouchdb/lib/utils') as { jsonParser: (req: Request, res: Response, next: () => void) => void };

interface CompactablePouch extends PouchLike {
  compact(): Promise<unknown>;
  adapter?: string;
  __opts?: { prefix?: string };
}

type CompactRequest = Request & { db?: CompactablePouch; PouchDB: { new: (name: string) => CompactablePouch } };

/** Bytes under a directory, or null when it does not exist (in-memory storage). */
export function directoryBytes(dir: string): number | null {
  let total = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return null;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += directoryBytes(full) ?? 0;
    else if (entry.isFile()) total += statSync(full).size;
  }
  return total;
}

/**
 * How long a measured size is reused. Every `GET /{db}` reports it, and replications (the devices' and the
 * server's own) ask after each batch: walking the directory each time cost the server a tenth of its CPU with a
 * few devices writing. Finishing a compaction forgets the database's size, so `couch compact` reads the new one.
 */
const SIZE_REUSE_MS = 1000;
const measuredSizes = new Map<string, { at: number; bytes: number | null }>();

function dbDirectory(db: CompactablePouch): string {
  return path.resolve(`${db.__opts?.prefix ?? ''}${db.name}`);
}

function fileBytes(db: CompactablePouch): number | null {
  if (db.adapter !== 'leveldb') return null;
  const dir = dbDirectory(db);
  const known = measuredSizes.get(dir);
  if (known && Date.now() - known.at < SIZE_REUSE_MS) return known.bytes;
  const bytes = directoryBytes(dir);
  measuredSizes.set(dir, { at: Date.now(), bytes });
  return bytes;
}

/** CouchDB refuses a compaction request that is not JSON (415); clients send an empty JSON body. */
function requireJson(req: Request, res: Response): boolean {
  if (req.is('application/json')) return true;
  sendJson(res, 415, { error: 'bad_content_type', reason: 'Content-Type must be application/json' });
  return false;
}

export function compactionRoutes(app: PouchApp): void {
  /** Databases being compacted right now, by name. Per server, so two test servers never mix. */
  const running = new Set<string>();

  function startCompaction(name: string, work: () => Promise<unknown>): void {
    if (running.has(name)) return; // as CouchDB: a second request joins the running compaction
    running.add(name);
    work()
      .catch(() => {
        /* a failed compaction leaves the database as it was; the next request tries again */
      })
      .finally(() => {
        running.delete(name);
        measuredSizes.clear();
      });
  }

  app.dbWrapper._wrappers.push((name, db, next) => {
    wrappers.installWrapperMethods(db, {
      info: async (orig) => {
        const info = (await orig()) as Record<string, unknown>;
        const file = fileBytes(db as CompactablePouch);
        return { ...info, compact_running: running.has(decodeURIComponent(name)), ...(file === null ? {} : { sizes: { file } }) };
      },
    });
    return next();
  });

  app.post('/:db/_compact', utils.jsonParser, (request: Request, res: Response) => {
    const req = request as CompactRequest;
    if (!requireJson(req, res) || !req.db) return;
    const db = req.db;
    startCompaction(decodeURIComponent(req.params.db ?? ''), () => db.compact());
    sendJson(res, 202, { ok: true });
  });

  app.post('/:db/_compact/:ddoc', utils.jsonParser, async (request: Request, res: Response) => {
    const req = request as CompactRequest;
    if (!requireJson(req, res) || !req.db) return;
    const db = req.db;
    const ddoc = req.params.ddoc ?? '';
    try {
      await db.get(`_design/${ddoc}`);
    } catch (err) {
      sendError(res, err);
      return;
    }
    const viewDbs = await viewDatabases(db, ddoc);
    startCompaction(decodeURIComponent(req.params.db ?? ''), async () => {
      for (const name of viewDbs) await req.PouchDB.new(name).compact();
    });
    sendJson(res, 202, { ok: true });
  });
}

/** The databases PouchDB's map/reduce keeps the views of design doc `ddoc` in (none until a view was queried). */
async function viewDatabases(db: CompactablePouch, ddoc: string): Promise<string[]> {
  try {
    const mrviews = (await db.get('_local/mrviews')) as { views?: Record<string, Record<string, boolean>> };
    return Object.entries(mrviews.views ?? {})
      .filter(([view]) => view.startsWith(`${ddoc}/`))
      .flatMap(([, dbs]) => Object.keys(dbs));
  } catch {
    return [];
  }
}
