/**
 * Initial JS: the scripts index.html loads before the app can draw (its module entry and every modulepreload),
 * gzipped. Built with the project's own vite config into a temporary directory, so `dist/` is never touched;
 * `--bundle-from dist` measures an existing build instead (quick, for the smoke run).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export interface BundleResult {
  source: 'build' | 'dist';
  /** Path relative to the build → gzip bytes, for each initially loaded script. */
  initial: Record<string, number>;
  initialGzip: number;
  /** Every .js file of the build (lazy chunks, service worker), gzip bytes. */
  allJsGzip: number;
}

const ROOT = path.resolve(import.meta.dirname, '..');

function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? jsFiles(full) : name.endsWith('.js') ? [full] : [];
  });
}

function measureBuild(outDir: string, source: BundleResult['source']): BundleResult {
  const html = readFileSync(path.join(outDir, 'index.html'), 'utf8');
  const refs = [
    ...[...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g)].map((m) => m[1]),
    ...[...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)].map((m) => m[1]),
  ].filter((ref): ref is string => ref !== undefined && !/^https?:/.test(ref));
  const gz = (file: string) => gzipSync(readFileSync(file)).length;
  const initial = Object.fromEntries([...new Set(refs)].map((ref) => [ref, gz(path.join(outDir, ref.replace(/^\//, '')))]));
  return {
    source,
    initial,
    initialGzip: Object.values(initial).reduce((a, b) => a + b, 0),
    allJsGzip: jsFiles(outDir).reduce((sum, file) => sum + gz(file), 0),
  };
}

export async function buildAndMeasure(): Promise<BundleResult> {
  const outDir = mkdtempSync(path.join(tmpdir(), 'outpost-bench-build-'));
  try {
    const { build } = await import('vite');
    await build({ root: ROOT, configFile: path.join(ROOT, 'vite.config.ts'), logLevel: 'error', build: { outDir, emptyOutDir: true, sourcemap: false } });
    return measureBuild(outDir, 'build');
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

export function measureDist(): BundleResult {
  return measureBuild(path.join(ROOT, 'dist'), 'dist');
}
