/**
 * `GET|POST /{db}/_changes` for the embedded server: normal, longpoll and continuous feeds with
 * `_selector`, `_doc_ids`, `_design`, `_view` and design-doc filters.
 *
 * Replaces express-pouchdb's route, which crashed the process on any feed error (an unhandled `error`
 * event), most visibly on `filter=_selector`, the filter every selector replication sends.
 */
import type { Request, Response } from 'express';
import { parseChangesRequest, type ChangesRequest } from './changes-request';
import type { ChangeRow, ChangesFeed, CouchRequest, PouchApp, PouchLike } from './internals';
import { requireCjs } from './internals';
import { sendError, sendJson } from './http';

const { jsonParser } = requireCjs('express-pouchdb/lib/utils') as { jsonParser: import('express').RequestHandler };

/** How long a feed without heartbeat or timeout stays open when idle, as CouchDB's default. */
const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

type DbRequest = CouchRequest & { db: PouchLike };

async function checkDesignFilter(db: PouchLike, filter: { ddoc: string; name: string }): Promise<string | null> {
  try {
    const ddoc = await db.get(`_design/${filter.ddoc}`);
    const filters = ddoc.filters as Record<string, unknown> | undefined;
    return filters && typeof filters[filter.name] === 'string' ? null : `missing json key: ${filter.name}`;
  } catch {
    return 'missing';
  }
}

export function changesRoutes(app: PouchApp): void {
  const handler = async (request: Request, res: Response) => {
    const req = request as CouchRequest;
    const db = (req as DbRequest).db;
    const parsed = parseChangesRequest(req.query as Record<string, unknown>, req.body);
    if ('error' in parsed) {
      sendJson(res, parsed.error.status, { error: parsed.error.error, reason: parsed.error.reason });
      return;
    }
    if (parsed.designFilter) {
      const missing = await checkDesignFilter(db, parsed.designFilter);
      if (missing) {
        sendJson(res, 404, { error: 'not_found', reason: missing });
        return;
      }
    }
    try {
      if (parsed.feed === 'continuous') streamContinuous(req, res, db, parsed);
      else if (parsed.feed === 'longpoll') await longpoll(req, res, db, parsed);
      else sendJson(res, 200, await db.changes({ ...parsed.options, return_docs: true }));
    } catch (err) {
      sendError(res, err);
    }
  };
  app.get('/:db/_changes', handler);
  app.post('/:db/_changes', jsonParser, handler);
}

/**
 * A PouchDB feed is also a promise, which rejects when the feed fails (e.g. a selector PouchDB 7 cannot
 * evaluate). The failure is answered through the 'error' event; this keeps the rejection from going unhandled,
 * which would bring the whole server down.
 */
function settleQuietly(feed: PromiseLike<unknown>): void {
  Promise.resolve(feed).catch(() => {});
}

function startStream(res: Response): void {
  res.status(200);
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Cache-Control', 'must-revalidate');
  res.flushHeaders();
}

/** Runs `onIdle` when nothing was written for the feed's timeout; heartbeats keep the connection alive instead. */
function keepAlive(res: Response, request: ChangesRequest, onIdle: () => void): { touch(): void; stop(): void } {
  if (request.heartbeatMs !== null) {
    const beat = setInterval(() => res.write('\n'), request.heartbeatMs);
    return { touch() {}, stop: () => clearInterval(beat) };
  }
  const idleMs = request.timeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  let timer = setTimeout(onIdle, idleMs);
  return {
    touch() {
      clearTimeout(timer);
      timer = setTimeout(onIdle, idleMs);
    },
    stop: () => clearTimeout(timer),
  };
}

function streamContinuous(req: CouchRequest, res: Response, db: PouchLike, request: ChangesRequest): void {
  startStream(res);
  let lastSeq: number | string = (request.options.since as number | string | undefined) ?? 0;
  let finished = false;
  const finish = (writeLastSeq: boolean) => {
    if (finished) return;
    finished = true;
    alive.stop();
    feed.cancel();
    if (writeLastSeq && !res.writableEnded) res.write(JSON.stringify({ last_seq: lastSeq }) + '\n');
    res.end();
  };
  const alive = keepAlive(res, request, () => finish(true));
  const feed: ChangesFeed = db.changes({ ...request.options, live: true, return_docs: false });
  settleQuietly(feed);
  feed.on('change', (change: ChangeRow) => {
    lastSeq = change.seq;
    alive.touch();
    res.write(JSON.stringify(change) + '\n');
  });
  feed.on('complete', () => finish(true));
  feed.on('error', () => finish(false));
  res.on('close', () => finish(false));
}

async function longpoll(req: CouchRequest, res: Response, db: PouchLike, request: ChangesRequest): Promise<void> {
  const pending = await db.changes({ ...request.options, return_docs: true });
  if (pending.results.length > 0) {
    sendJson(res, 200, pending);
    return;
  }
  // Nothing yet: hold the request open until the next matching change, the timeout, or the client leaves.
  startStream(res);
  let finished = false;
  const finish = (body: { results: ChangeRow[]; last_seq: number | string } | null) => {
    if (finished) return;
    finished = true;
    alive.stop();
    feed.cancel();
    if (body && !res.writableEnded) res.write(JSON.stringify(body) + '\n');
    res.end();
  };
  const since = pending.last_seq;
  const alive = keepAlive(res, request, () => finish({ results: [], last_seq: since }));
  const feed: ChangesFeed = db.changes({ ...request.options, since, live: true, return_docs: false });
  settleQuietly(feed);
  feed.on('change', (change: ChangeRow) => finish({ results: [change], last_seq: change.seq }));
  feed.on('complete', () => finish({ results: [], last_seq: since }));
  feed.on('error', () => finish(null));
  res.on('close', () => finish(null));
}
