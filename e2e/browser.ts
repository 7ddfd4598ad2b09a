/**
 * Which Chromium the e2e suite drives, in this order:
 *   1. Playwright's own build, if one is installed (`chromium.executablePath()` exists on disk);
 *   2. the system's `/usr/bin/chromium` (Debian's package);
 *   3. none: one line saying how to get one.
 */
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/** Flags that let Debian's Chromium run headless as root in a container, and keep it quiet on the network. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export type ChromiumLookup =
  | { readonly found: true; readonly executablePath: string; readonly source: 'playwright' | 'system' }
  | { readonly found: false; readonly message: string };

export interface LookupEnv {
  /** Where Playwright's own Chromium would be; may throw on platforms Playwright does not support. */
  playwrightPath(): string;
  exists(path: string): boolean;
}

const realEnv: LookupEnv = {
  playwrightPath: () => chromium.executablePath(),
  exists: existsSync,
};

export function findChromium(env: LookupEnv = realEnv): ChromiumLookup {
  let playwrightPath: string | null = null;
  try {
    playwrightPath = env.playwrightPath();
  } catch {
    playwrightPath = null;
  }
  if (playwrightPath && env.exists(playwrightPath)) return { found: true, executablePath: playwrightPath, source: 'playwright' };
  if (env.exists(SYSTEM_CHROMIUM)) return { found: true, executablePath: SYSTEM_CHROMIUM, source: 'system' };
  return {
    found: false,
    message:
      `e2e: no Chromium found (neither Playwright's ${playwrightPath ?? 'build'} nor ${SYSTEM_CHROMIUM}); ` +
      'install one with `apt-get install chromium` or `npx playwright install chromium`, then run the tests again.',
  };
}

/** The Chromium to use, or exit the process after printing one line saying how to get one. */
export function chromiumOrExit(env: LookupEnv = realEnv): string {
  const lookup = findChromium(env);
  if (lookup.found) return lookup.executablePath;
  process.stderr.write(`${lookup.message}\n`);
  process.exit(1);
}
