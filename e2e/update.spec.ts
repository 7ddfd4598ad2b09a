/**
 * The update flow between two real builds: a page running build A learns that build B is on the server, says
 * "A new version of Outpost is ready.", and "Reload" brings up build B — never a worker stuck waiting.
 *
 * Slow (two production builds), so it lives in its own file and builds once for all its tests.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { startAppServer, type AppServer } from '../scripts/app-server';
import { expect, test } from './fixtures';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const VITE = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
const stamp = Date.now().toString(36);
const BUILD_A = `e2e-a-${stamp}`;
const BUILD_B = `e2e-b-${stamp}`;

let work: string;
let server: AppServer;
/** The app server serves this symlink; pointing it at another build is a deploy. */
let served: string;

function build(outDir: string, buildId: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [VITE, 'build', '--outDir', outDir, '--emptyOutDir', '--sourcemap', 'false', '--logLevel', 'error'], {
      cwd: ROOT,
      env: { ...process.env, OUTPOST_BUILD_ID: buildId },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`vite build for ${buildId} exited with ${code}`))));
  });
}

/** Swaps what the server serves in one step (rename over the old link), as a deploy would. */
function deploy(dir: string): void {
  const next = `${served}.next`;
  symlinkSync(dir, next, 'dir');
  renameSync(next, served);
}

async function waitingWorker(page: Page): Promise<boolean> {
  return page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting != null);
}

test.describe('updating to a new build', () => {
  test.describe.configure({ timeout: 180_000 });

  test.beforeAll(async ({ outpost }) => {
    test.setTimeout(180_000);
    work = mkdtempSync(path.join(tmpdir(), 'outpost-update-'));
    await Promise.all([build(path.join(work, 'a'), BUILD_A), build(path.join(work, 'b'), BUILD_B)]);
    served = path.join(work, 'served');
    deploy(path.join(work, 'a'));
    server = await startAppServer({ distDir: served, couchUrl: outpost.couchUrl, port: 0 });
  });

  test.afterAll(async () => {
    await server?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('a page on build A offers build B, and Reload switches to it', async ({ browser }) => {
    const context = await browser.newContext({ baseURL: server.url });
    const page = await context.newPage();
    try {
      await page.goto('/');
      await expect(page.getByTestId('build-id')).toHaveText(BUILD_A);
      await expect(page.getByTestId('pwa-banner')).toHaveText(/ready to work offline/);
      await page.reload();
      await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

      deploy(path.join(work, 'b'));
      // A navigation makes the browser check for a new worker; build A's page stays until the person agrees.
      await page.reload();
      const banner = page.getByTestId('pwa-banner');
      await expect(banner).toContainText('A new version of Outpost is ready.', { timeout: 30_000 });
      await expect(page.getByTestId('build-id')).toHaveText(BUILD_A);
      expect(await waitingWorker(page)).toBe(true);

      await banner.getByRole('button', { name: 'Reload' }).click();
      await expect(page.getByTestId('build-id')).toHaveText(BUILD_B, { timeout: 30_000 });
      await expect(page.getByText('A new version of Outpost is ready.')).toHaveCount(0);
      await expect.poll(() => waitingWorker(page)).toBe(false);
      // And it stays on B after another visit, from the new worker.
      const again = await page.reload();
      expect(again?.fromServiceWorker()).toBe(true);
      await expect(page.getByTestId('build-id')).toHaveText(BUILD_B);
      await expect(page.getByText('A new version of Outpost is ready.')).toHaveCount(0);
    } finally {
      await context.close();
    }
  });
});
