/**
 * `couch status --prometheus --listen <host:port>`: serves `couch status` as Prometheus metrics on GET /metrics.
 * CouchDB's own `/_node/_local/_prometheus` has no metric for stored conflicts or for how far a team database
 * is behind the hub, so docker-compose.yml runs this as the `outpost-exporter` service next to the nodes.
 * Each scrape reads the server afresh, but at most once per `minIntervalMs`: several scrapers (or a retry) share
 * one reading instead of each scanning every database. A failed reading answers 503, so Prometheus records the
 * target as down (alert OutpostExporterDown) instead of stale numbers.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AdminClient } from '../admin-client';
import { silentReporter } from './report';
import { collectStatus, prometheusText } from './status';

export interface ExporterOptions {
  host: string;
  port: number;
  minIntervalMs?: number;
}

export function parseListen(value: string): { host: string; port: number } | null {
  const match = /^(?:(.+):)?(\d{1,5})$/.exec(value);
  const port = Number(match?.[2]);
  if (!match || !Number.isInteger(port) || port > 65535) return null;
  return { host: match[1] ?? '127.0.0.1', port };
}

export async function serveMetrics(client: AdminClient, opts: ExporterOptions): Promise<{ server: Server; url: string }> {
  let cached: { at: number; text: Promise<string> } | null = null;
  const reading = (): Promise<string> => {
    if (cached && Date.now() - cached.at < (opts.minIntervalMs ?? 15_000)) return cached.text;
    const text = collectStatus(client, silentReporter).then(prometheusText);
    cached = { at: Date.now(), text };
    text.catch(() => (cached = null));
    return text;
  };
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('GET /metrics\n');
      return;
    }
    reading().then(
      (text) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(text),
      (err: unknown) => res.writeHead(503, { 'content-type': 'text/plain' }).end(`couch status failed: ${err instanceof Error ? err.message : String(err)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return { server, url: `http://${opts.host}:${address.port}/metrics` };
}
