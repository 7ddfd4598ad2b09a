/**
 * Every change the embedded server makes to express-pouchdb's request pipeline, in one place.
 * See parts.ts for the mechanism and EMBEDDED-SERVER-NOTES.md for why each exists.
 */
import type { NextFunction, Request, Response } from 'express';
import { bulkDocsRoutes } from './bulk-docs-route';
import { bulkGetRoutes } from './bulk-get-route';
import { changesRoutes } from './changes-route';
import { compactionRoutes } from './compaction-route';
import { gatekeeper } from './gatekeeper';
import { installCouchErrors } from './http';
import type { PouchApp } from './internals';
import { requireCjs } from './internals';
import { nodeConfigRoutes, rootRoutes, schedulerRoutes } from './node-routes';
import { overridePart } from './parts';
import { installNativePasswordHashing } from './password-hashing';
import type { Replicator } from './replicator';
import { requestGuards } from './request-guards';
import { securityRoutes } from './security-route';

const compression = requireCjs('compression') as {
  (opts: { filter: (req: Request, res: Response) => boolean }): (req: Request, res: Response, next: NextFunction) => void;
  filter(req: Request, res: Response): boolean;
};

/** Feeds stream for minutes; gzip would buffer them and the client would see nothing (stock behaviour). */
export function isStreamingFeed(req: Request): boolean {
  const feed = req.query.feed;
  return feed === 'continuous' || feed === 'longpoll' || feed === 'eventsource';
}

/** Parts the embedded server leaves out: not part of CouchDB 3, or not needed by Outpost and unsafe by default. */
export const EXCLUDED_PARTS = [
  'routes/fauxton', // the admin UI bundle; not served
  'replicator', // replaced by Outpost's _replicator daemon (replicator.ts)
  'routes/replicate', // POST /_replicate; replications are _replicator documents
  'routes/special-test-auth',
  'routes/vhosts',
  'routes/rewrite',
  'routes/cluster-rewrite',
  'routes/config', // legacy /_config: CouchDB 3 answers 404; see /_node/{node}/_config
  'routes/log',
  'routes/http-log', // would log every URL, which carries document ids
  'routes/temp-views', // _temp_view is gone in CouchDB 3
  'disk-size', // `disk_size` is gone in CouchDB 3 (`sizes.file` is reported instead); it walked the directory on every GET /{db}
];

let installed = false;

export function installOverrides(): void {
  if (installed) return;
  installed = true;
  installNativePasswordHashing();
  installCouchErrors(requireCjs('express-pouchdb/lib/utils'));

  overridePart('compression', (app) => {
    app.use(compression({ filter: (req, res) => !isStreamingFeed(req) && compression.filter(req, res) }));
  });
  overridePart('routes/authentication', (app, original) => {
    original(app);
    app.use(gatekeeper(app));
    app.use(requestGuards(app));
  });
  overridePart('routes/root', (app: PouchApp) => {
    rootRoutes(app);
    nodeConfigRoutes(app);
    schedulerRoutes(app, () => (app.locals.replicator as Replicator | undefined)?.status() ?? []);
  });
  overridePart('routes/changes', (app) => changesRoutes(app));
  overridePart('routes/bulk-get', (app) => bulkGetRoutes(app));
  overridePart('routes/bulk-docs', (app) => bulkDocsRoutes(app));
  overridePart('routes/compact', (app) => compactionRoutes(app));
  overridePart('routes/security', (app, original) => {
    securityRoutes(app);
    original(app);
  });
}
