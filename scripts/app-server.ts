/**
 * Serves the built app (`dist/`) and proxies `/couch/*` to CouchDB on the same origin — what the production
 * TLS proxy does — so the AuthSession cookie works and no CORS is needed.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export const COUCH_PREFIX = '/couch/';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function proxyToCouch(couchUrl: URL, req: IncomingMessage, res: ServerResponse): void {
  const target = new URL(couchUrl.toString());
  const upstreamPath = (req.url ?? '/').slice(COUCH_PREFIX.length - 1);
  const headers = { ...req.headers, host: target.host };
  const upstream = httpRequest(
    { hostname: target.hostname, port: target.port, method: req.method, path: upstreamPath, headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (res.headersSent) res.destroy();
    else sendJson(res, 502, { error: 'bad_gateway', reason: 'The Outpost database server is not reachable. Try again in a moment.' });
  });
  // A client that goes away (e.g. an aborted live feed) ends the upstream request too.
  res.on('close', () => upstream.destroy());
  req.pipe(upstream);
}

/** Hashed build assets never change; the service worker and HTML must always be revalidated. */
function cacheControl(file: string): string {
  if (/[.-][A-Za-z0-9_-]{8,}\.(js|css|png|woff2)$/.test(file) && file.includes(`${path.sep}assets${path.sep}`)) {
    return 'public, max-age=31536000, immutable';
  }
  return 'no-cache';
}

function serveStatic(distDir: string, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' });
    res.end();
    return;
  }
  const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  let file = path.join(distDir, path.normalize(pathname));
  if (!file.startsWith(distDir)) {
    res.writeHead(403);
    res.end();
    return;
  }
  if (!existsSync(file) || statSync(file).isDirectory()) {
    // Client-side routes get the app shell; missing assets get a 404.
    if (path.extname(pathname) !== '') {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Not found');
      return;
    }
    file = path.join(distDir, 'index.html');
  }
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
    'cache-control': cacheControl(file),
    'x-content-type-options': 'nosniff',
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
}

export interface AppServer {
  url: string;
  close(): Promise<void>;
}

export async function startAppServer(opts: { distDir: string; couchUrl: string; port: number }): Promise<AppServer> {
  const distDir = path.resolve(opts.distDir);
  const couchUrl = new URL(opts.couchUrl);
  const server: Server = createServer((req, res) => {
    if ((req.url ?? '').startsWith(COUCH_PREFIX)) proxyToCouch(couchUrl, req, res);
    else serveStatic(distDir, req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new Error(`Port ${opts.port} on 127.0.0.1 is already in use. Stop whatever is using it, or set APP_PORT=<port>.`) : err),
    );
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
