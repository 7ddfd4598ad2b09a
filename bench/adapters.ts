/**
 * Browser benchmark of PouchDB 9's IndexedDB adapters for the initial-sync write pattern (sync/initial-sync.ts):
 * N jobs written with bulkDocs(batch, {new_edits: false}) in batches of 1,000 into a fresh database, by
 *   - idb        (pouchdb-browser's default adapter),
 *   - indexeddb  (pouchdb-adapter-indexeddb),
 *   - raw        IndexedDB: one transaction per batch, one object store, put() each doc — the floor;
 * then allDocs({include_docs}) and a pouchdb-find query on an index of ['type','status','due'].
 * Runs in headless Chromium with a profile on disk (an incognito context would keep IndexedDB in memory); every
 * contender starts from an empty origin and the order rotates each run. Prints medians of the runs.
 * Usage: npx tsx bench/adapters.ts [--docs 10000] [--runs 3] [--batch 1000]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { build } from 'esbuild';
import { CHROMIUM_ARGS, findChromium } from '../e2e/browser';
import type { Contender, RunResult } from './adapters-page';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i === -1 ? fallback : Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} wants a positive integer`);
  return value;
}
const DOCS = arg('docs', 10_000);
const RUNS = arg('runs', 3);
const BATCH = arg('batch', 1000);
const CONTENDERS: readonly Contender[] = ['idb', 'indexeddb', 'raw'];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const lookup = findChromium();
if (!lookup.found) {
  process.stderr.write(`${lookup.message}\n`);
  process.exit(1);
}

const dir = mkdtempSync(path.join(tmpdir(), 'outpost-bench-adapters-'));
await build({
  entryPoints: [path.join(import.meta.dirname, 'adapters-page.ts')],
  outfile: path.join(dir, 'page.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  // No global/process shims: PouchDB 9, pouchdb-find and ulid only touch them behind typeof checks; `events` is bundled.
  logLevel: 'warning',
});
const files: Record<string, [string, Buffer]> = {
  '/': ['text/html', Buffer.from('<!doctype html><meta charset="utf-8"><title>adapters</title><link rel="icon" href="data:,"><script type="module" src="/page.js"></script>')],
  '/page.js': ['text/javascript', readFileSync(path.join(dir, 'page.js'))],
};
const server = createServer((req, res) => {
  const file = files[req.url ?? ''];
  res.writeHead(file ? 200 : 404, { 'content-type': file?.[0] ?? 'text/plain' }).end(file?.[1] ?? 'not found');
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const context = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
  executablePath: lookup.executablePath,
  args: [...CHROMIUM_ARGS],
  headless: true,
});
try {
  const page = context.pages()[0] ?? (await context.newPage());
  const oddities = new Set<string>();
  let running = 'page';
  page.on('console', (msg) => {
    if (msg.type() === 'warning' || msg.type() === 'error') oddities.add(`${running}: console.${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => oddities.add(`${running}: page error: ${err.message}`));
  await page.goto(origin);
  await page.waitForFunction(() => window.outpostBench !== undefined);
  const info = await page.evaluate((jobs) => window.outpostBench?.prepare(jobs), DOCS);
  if (!info) throw new Error('page did not load');

  const results = new Map<Contender, RunResult[]>(CONTENDERS.map((c) => [c, []]));
  for (let r = 0; r < RUNS; r++) {
    const order = CONTENDERS.map((_, i) => CONTENDERS[(i + r) % CONTENDERS.length] as Contender);
    for (const contender of order) {
      running = contender;
      const result = await page.evaluate(([c, b]) => window.outpostBench?.run(c, b), [contender, BATCH] as const);
      if (!result) throw new Error('page lost its benchmark');
      process.stderr.write(`run ${r + 1}/${RUNS} ${contender.padEnd(9)} write ${(result.writeMs / 1000).toFixed(2)} s\n`);
      result.problems.forEach((p) => oddities.add(`${contender}: ${p}`));
      results.get(contender)?.push(result);
    }
  }

  const seconds = (ms: number | null) => (ms === null ? '—' : (ms / 1000).toFixed(2));
  const m = (c: Contender, key: 'writeMs' | 'readMs' | 'indexMs' | 'findMs') => {
    const xs = (results.get(c) ?? []).map((x) => x[key]).filter((x): x is number => x !== null);
    return xs.length ? median(xs) : null;
  };
  const rawWrite = m('raw', 'writeMs') ?? NaN;
  const rawRead = m('raw', 'readMs') ?? NaN;
  const rows: string[][] = [
    ['', 'write docs/s', 'write s', 'write ×raw time', 'allDocs s', 'read ×raw time', 'index+find s', 'find s', 'found'],
    ...CONTENDERS.map((c) => {
      const write = m(c, 'writeMs') ?? NaN;
      const read = m(c, 'readMs') ?? NaN;
      return [
        c === 'raw' ? 'raw IndexedDB' : c,
        String(Math.round(info.docs / (write / 1000))),
        seconds(write),
        (write / rawWrite).toFixed(2),
        seconds(read),
        (read / rawRead).toFixed(2),
        seconds(m(c, 'indexMs')),
        seconds(m(c, 'findMs')),
        String(results.get(c)?.[0]?.found ?? '—'),
      ];
    }),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => row[i]?.length ?? 0))) ?? [];
  console.log(`${info.docs} jobs (~${info.avgBytes} B of JSON each), batches of ${BATCH}, bulkDocs new_edits:false, median of ${RUNS} runs`);
  console.log(`${info.userAgent}, profile on disk; raw = one transaction per batch, put() each doc; read for raw = getAll()`);
  for (const row of rows) console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  '));
  if (oddities.size > 0) console.log(`\nOdd:\n${[...oddities].map((o) => `  ${o}`).join('\n')}`);
} finally {
  await context.close();
  server.close();
  rmSync(dir, { recursive: true, force: true });
}
