/** The benchmark's output: one table on the terminal, and every run with its medians in bench/results/. */
import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Row {
  scenario: string;
  outpost: string;
  baseline: string;
  ratio: string;
  target: string;
  /** null: no target (informative row), or smoke sizes. */
  met: boolean | null;
}

export const median = (xs: readonly number[]): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

export function formatTable(rows: readonly Row[]): string {
  const header = ['scenario', 'Outpost', 'baseline (same run)', 'ratio', 'target', 'met'];
  const cells = [header, ...rows.map((r) => [r.scenario, r.outpost, r.baseline, r.ratio, r.target, r.met === null ? '—' : r.met ? 'yes' : 'NO'])];
  const widths = header.map((_, i) => Math.max(...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]) => `| ${c.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(cells[0] as string[]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.slice(1).map(line)].join('\n');
}

function git(args: string): string {
  try {
    return execSync(`git ${args}`, { cwd: path.resolve(import.meta.dirname, '..'), stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return 'unknown';
  }
}

export function machine(chromium: string | null) {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    chromium,
  };
}

/** Writes bench/results/<date>-<sha>.json and returns its path. */
export function writeResults(data: Record<string, unknown>): string {
  const sha = git('rev-parse --short HEAD');
  const dirty = git('status --porcelain') !== '';
  const date = new Date().toISOString().replace(/[:]/g, '').replace(/\..*/, '');
  const dir = path.resolve(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${date}-${sha}.json`);
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), commit: sha, uncommittedChanges: dirty, ...data }, null, 2)}\n`);
  return file;
}
