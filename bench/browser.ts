/**
 * Headless Chromium for the benchmark: bench/page/ bundled by esbuild, served by the app server (scripts/
 * app-server.ts) with `/couch/` proxied to the embedded server on the same origin — the app's own setup. The
 * profile lives on disk: an incognito context would keep IndexedDB in memory and flatter every contender.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { build } from 'esbuild';
import { CHROMIUM_ARGS, findChromium } from '../e2e/browser';
import { startAppServer } from '../scripts/app-server';
import type { BenchPage } from './page/index';

export interface BenchBrowser {
  page: Page;
  version: string;
  /** Calls `window.outpostBenchPage[method](...args)` in the page. */
  call<K extends keyof BenchPage>(method: K, ...args: Parameters<BenchPage[K]>): Promise<Awaited<ReturnType<BenchPage[K]>>>;
  /** Console errors and page errors seen so far (each once). */
  problems: Set<string>;
  close(): Promise<void>;
}

export async function startBenchBrowser(couchUrl: string): Promise<BenchBrowser> {
  const lookup = findChromium();
  if (!lookup.found) throw new Error(lookup.message);
  const dir = mkdtempSync(path.join(tmpdir(), 'outpost-bench-'));
  const site = path.join(dir, 'site');
  await build({
    entryPoints: [path.join(import.meta.dirname, 'page', 'index.ts')],
    outfile: path.join(site, 'page.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    // Readable names in CPU profiles (--profile); the run-time cost of not minifying is nil once parsed.
    minify: false,
    logLevel: 'warning',
  });
  writeFileSync(path.join(site, 'index.html'), '<!doctype html><meta charset="utf-8"><title>Outpost bench</title><link rel="icon" href="data:,"><script type="module" src="/page.js"></script>');
  const app = await startAppServer({ distDir: site, couchUrl, port: 0 });
  let context: BrowserContext | null = null;
  try {
    context = await chromium.launchPersistentContext(path.join(dir, 'profile'), { executablePath: lookup.executablePath, args: [...CHROMIUM_ARGS], headless: true });
    const page = context.pages()[0] ?? (await context.newPage());
    const problems = new Set<string>();
    page.on('console', (msg) => {
      // A 404 is PouchDB asking for a checkpoint that does not exist yet: expected on every fresh sync.
      if (msg.text().includes('status of 404')) return;
      if (msg.type() === 'error' || msg.type() === 'warning') problems.add(`console.${msg.type()}: ${msg.text().slice(0, 300)}`);
    });
    page.on('pageerror', (err) => problems.add(`page error: ${err.message}`));
    await page.goto(app.url);
    await page.waitForFunction(() => window.outpostBenchPage !== undefined);
    const ctx = context;
    return {
      page,
      version: context.browser()?.version() ?? 'chromium',
      problems,
      call: (method, ...args) =>
        page.evaluate(
          ([m, a]) => {
            const bench = window.outpostBenchPage as unknown as Record<string, (...xs: unknown[]) => Promise<unknown>>;
            const fn = bench[m];
            if (!fn) throw new Error(`no bench method ${m}`);
            return fn(...a);
          },
          [method, args] as [string, unknown[]],
        ) as Promise<Awaited<ReturnType<BenchPage[typeof method]>>>,
      async close() {
        await ctx.close();
        await app.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await context?.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
