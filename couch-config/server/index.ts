/**
 * Outpost's embedded CouchDB-compatible server, for development and CI only (never production).
 *
 * express-pouchdb 4.2.0 on PouchDB 7.3.1, wrapped so that it behaves like CouchDB 3 on everything Outpost
 * uses: no admin party, `_security` enforced on every endpoint, admin-only `_users`/`_replicator`, working
 * selector `_changes` feeds, a `_replicator` daemon, and no request able to crash the process.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { installDbFixes } from './db-fixes';
import { installDbLifecycle } from './db-lifecycle';
import { sendError, sendJson } from './http';
import type { PouchApp, PouchStatic } from './internals';
import { requireCjs } from './internals';
import { EXCLUDED_PARTS, installOverrides } from './overrides';
import { createHttpPouch, createServerPouch, type Storage } from './pouch';
import { startReplicator, type Replicator } from './replicator';
import { ephemeralSecrets, loadOrCreateSecrets, type ServerSecrets } from './secrets';
import { configureServer, savedConfigPath } from './server-config';

export interface EmbeddedServerOptions {
  /** 0 picks a free port. Default: COUCH_PORT, else 5984. */
  port?: number;
  /** leveldb (default) keeps data under dataDir; memory is for tests. */
  storage?: Storage;
  /** Default: OUTPOST_DATA_DIR, else `.outpost` in the current directory. */
  dataDir?: string;
  /** Default: COUCH_ADMIN_USER / COUCH_ADMIN_PASSWORD, else generated into `<dataDir>/secrets.json`. */
  admin?: { user: string; password: string };
  /** No start-up line on stdout. */
  quiet?: boolean;
}

export interface EmbeddedServer {
  /** e.g. http://127.0.0.1:5984 — no trailing slash, no credentials. */
  url: string;
  admin: { user: string; password: string };
  secrets: ServerSecrets;
  close(): Promise<void>;
}

/** Largest request body accepted, attachments included (bytes). */
export const MAX_REQUEST_BYTES = 64 * 1024 * 1024;
export const HOST = '127.0.0.1';

export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(`Port ${port} on ${HOST} is already in use. Stop whatever is using it, or start Outpost's server on another port with COUCH_PORT=<port>.`);
    this.name = 'PortInUseError';
  }
}

function defaultPort(): number {
  const fromEnv = process.env.COUCH_PORT;
  if (fromEnv === undefined || fromEnv === '') return 5984;
  const port = Number(fromEnv);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`COUCH_PORT must be a port number (0-65535), got "${fromEnv}".`);
  return port;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new PortInUseError(port) : err);
    server.once('error', onError);
    server.listen(port, HOST, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Refuse oversized bodies up front, before anything buffers them. */
function limitRequestSize(req: Request, res: Response, next: NextFunction): void {
  const length = Number(req.headers['content-length'] ?? 0);
  if (length > MAX_REQUEST_BYTES) {
    sendJson(res, 413, { error: 'too_large', reason: `The request is larger than ${MAX_REQUEST_BYTES} bytes.` });
    return;
  }
  next();
}

/** The last line of defence: whatever a route throws becomes a CouchDB-shaped JSON error, and the server stays up. */
function errorHandler(err: unknown, _req: Request, res: Response, _next: NextFunction): void {
  const e = err as { type?: string; status?: number };
  if (e.type === 'entity.parse.failed') {
    sendJson(res, 400, { error: 'bad_request', reason: 'invalid_json' });
    return;
  }
  if (e.type === 'entity.too.large') {
    sendJson(res, 413, { error: 'too_large', reason: 'the request entity is too large' });
    return;
  }
  sendError(res, err);
}

export async function startEmbeddedServer(opts: EmbeddedServerOptions = {}): Promise<EmbeddedServer> {
  const storage = opts.storage ?? 'leveldb';
  const dataDir = path.resolve(opts.dataDir ?? process.env.OUTPOST_DATA_DIR ?? '.outpost');
  const secrets = storage === 'memory' ? ephemeralSecrets() : loadOrCreateSecrets(dataDir);
  const admin = opts.admin ?? { user: secrets.adminUser, password: secrets.adminPassword };

  installDbLifecycle();
  installOverrides();
  const expressPouchDB = requireCjs('express-pouchdb') as typeof import('express-pouchdb');
  const pouchApp = expressPouchDB({
    mode: 'fullCouchDB',
    inMemoryConfig: true,
    logPath: storage === 'memory' ? '/dev/null' : path.join(dataDir, 'server.log'),
    overrideMode: { exclude: EXCLUDED_PARTS },
  }) as unknown as PouchApp;
  await configureServer({
    config: pouchApp.couchConfig,
    secrets,
    admin,
    savedConfigFile: storage === 'memory' ? null : savedConfigPath(dataDir),
  });
  installDbFixes(pouchApp);
  const PouchDB = createServerPouch(storage, dataDir) as PouchStatic;
  await pouchApp.setPouchDB(PouchDB);

  const outer = express();
  outer.disable('x-powered-by');
  outer.set('trust proxy', 'loopback');
  outer.use(limitRequestSize);
  outer.use(pouchApp);
  outer.use(errorHandler);

  const server = createServer(outer);
  // Long feeds are held open by heartbeats; do not cut them off.
  server.requestTimeout = 0;
  const port = await listen(server, opts.port ?? defaultPort());
  const url = `http://${HOST}:${port}`;

  let replicator: Replicator | null = null;
  try {
    replicator = await startReplicator(PouchDB, createHttpPouch() as PouchStatic);
    pouchApp.locals.replicator = replicator;
  } catch (err) {
    server.close();
    throw err;
  }
  if (!opts.quiet) console.log(`Outpost embedded CouchDB-compatible server on ${url} (${storage}${storage === 'leveldb' ? `, ${dataDir}` : ''})`);

  return {
    url,
    admin,
    secrets,
    async close() {
      await replicator?.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
