/**
 * Server-level endpoints CouchDB 3 has and express-pouchdb lacks or answers differently:
 * `GET /` (welcome), `GET /_up`, and `/_node/{node}/_config` (CouchDB 3's home for configuration;
 * the legacy `/_config` answers 404, as on CouchDB 3).
 */
import express, { type Request, type Response } from 'express';
import type { PouchApp } from './internals';
import type { ReplicationStatus } from './replicator';
import { sendJson } from './http';

/** Config values are bare JSON strings (`"true"`), which a strict JSON parser refuses. */
const jsonValueParser = express.json({ strict: false, type: () => true });

/** The CouchDB API level this stand-in follows; `vendor` says what it really is. */
export const COUCH_API_VERSION = '3.5.0';
/** The node name express-pouchdb reports in /_membership. */
export const NODE_NAME = 'node1@127.0.0.1';

function configCall(op: (cb: (err: unknown, previous?: unknown) => void) => void): Promise<unknown> {
  return new Promise((resolve, reject) => op((err, previous) => (err ? reject(err) : resolve(previous))));
}

function asConfigString(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function rootRoutes(app: PouchApp): void {
  app.get('/', (_req: Request, res: Response) => {
    sendJson(res, 200, {
      couchdb: 'Welcome',
      version: COUCH_API_VERSION,
      uuid: app.couchConfig.get('couchdb', 'uuid'),
      features: ['access-ready', 'scheduler'],
      vendor: { name: 'Outpost embedded server (express-pouchdb 4.2.0, not for production)' },
    });
  });
  app.get('/_up', (_req: Request, res: Response) => sendJson(res, 200, { status: 'ok', seeds: {} }));
}

/** `GET /_scheduler/docs`: the state of each `_replicator` document's replication, in CouchDB 3's shape. */
export function schedulerRoutes(app: PouchApp, statuses: () => ReplicationStatus[]): void {
  app.get('/_scheduler/docs', (_req: Request, res: Response) => {
    const docs = statuses().map((s) => ({
      database: '_replicator',
      doc_id: s.docId,
      id: null,
      node: NODE_NAME,
      source: s.source,
      target: s.target,
      state: s.state,
      info: { docs_read: s.docsRead, docs_written: s.docsWritten, doc_write_failures: s.docWriteFailures, error: s.lastError ?? undefined },
      error_count: s.lastError ? 1 : 0,
      last_updated: s.lastUpdated,
    }));
    sendJson(res, 200, { total_rows: docs.length, offset: 0, docs });
  });
}

export function nodeConfigRoutes(app: PouchApp): void {
  const config = app.couchConfig;
  const nodePath = '/_node/:node/_config';
  const knownNode = (req: Request, res: Response): boolean => {
    if (req.params.node === '_local' || req.params.node === NODE_NAME) return true;
    sendJson(res, 404, { error: 'not_found', reason: 'no such node' });
    return false;
  };

  app.get(nodePath, (req, res) => {
    if (knownNode(req, res)) sendJson(res, 200, config.getAll());
  });
  app.get(`${nodePath}/:section`, (req, res) => {
    if (knownNode(req, res)) sendJson(res, 200, config.getSection(req.params.section ?? ''));
  });
  app.get(`${nodePath}/:section/:key`, (req, res) => {
    if (!knownNode(req, res)) return;
    const value = config.get(req.params.section ?? '', req.params.key ?? '');
    if (value === undefined) sendJson(res, 404, { error: 'not_found', reason: 'unknown_config_value' });
    else sendJson(res, 200, asConfigString(value));
  });
  app.put(`${nodePath}/:section/:key`, jsonValueParser, async (req, res) => {
    if (!knownNode(req, res)) return;
    if (typeof req.body !== 'string') {
      sendJson(res, 400, { error: 'bad_request', reason: 'The config value must be a JSON string, e.g. "true".' });
      return;
    }
    const previous = await configCall((cb) => config.set(req.params.section ?? '', req.params.key ?? '', req.body, cb));
    sendJson(res, 200, previous === undefined ? '' : asConfigString(previous));
  });
  app.delete(`${nodePath}/:section/:key`, async (req, res) => {
    if (!knownNode(req, res)) return;
    const section = req.params.section ?? '';
    const key = req.params.key ?? '';
    if (config.get(section, key) === undefined) {
      sendJson(res, 404, { error: 'not_found', reason: 'unknown_config_value' });
      return;
    }
    const previous = await configCall((cb) => config.delete(section, key, cb));
    sendJson(res, 200, asConfigString(previous ?? ''));
  });
}
