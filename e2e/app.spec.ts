import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumOrExit } from './browser';
import { expect, test } from './fixtures';

test('the app loads with its sign-in form', async ({ page, app }) => {
  await app.open();
  await expect(page).toHaveTitle('Outpost');
  await expect(app.signInHeading).toBeVisible();
  await expect(app.name).toBeVisible();
  await expect(app.name).toHaveAttribute('autocomplete', 'username');
  await expect(app.password).toHaveAttribute('type', 'password');
  await expect(app.signInButton).toBeEnabled();
  await expect(app.error).toHaveCount(0);
});

test('it is an installable PWA whose service worker never answers /couch/', async ({ page, app, request }) => {
  await app.open();

  const manifestHref = await page.locator('link[rel="manifest"]').getAttribute('href');
  expect(manifestHref).toBeTruthy();
  const manifest: unknown = await (await request.get(manifestHref ?? '')).json();
  expect(manifest).toMatchObject({ name: 'Outpost', display: 'standalone', start_url: '/', scope: '/' });
  expect(manifest).toHaveProperty('icons', expect.arrayContaining([expect.objectContaining({ sizes: '512x512', purpose: 'maskable' })]));

  // The worker installs, precaches the shell, and says so.
  await expect(page.getByTestId('pwa-banner')).toHaveText(/ready to work offline/);
  const scriptUrl = await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.scriptURL ?? null);
  expect(scriptUrl).toMatch(/\/sw\.js$/);

  // Once it controls the page, app navigations are served from the precache...
  await page.reload();
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  const shell = await page.goto('/some/deep/link');
  expect(shell?.fromServiceWorker()).toBe(true);
  await expect(app.signInHeading).toBeVisible();

  // ...but a navigation to /couch/ still goes to CouchDB through the proxy.
  const couch = await page.goto('/couch/');
  expect(couch?.fromServiceWorker()).toBe(false);
  expect(couch?.headers()['content-type']).toMatch(/application\/json/);
  expect(await couch?.text()).not.toContain('id="root"');
});

test('Chromium reports nothing that stops installing it', async ({ outpost }) => {
  // Installability is judged for a real profile: a persistent context, not an incognito one.
  const profile = mkdtempSync(path.join(tmpdir(), 'outpost-profile-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: chromiumOrExit(), args: [...CHROMIUM_ARGS], headless: true });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const cdp = await context.newCDPSession(page);
    const installabilityErrors = async () => (await cdp.send('Page.getInstallabilityErrors')).installabilityErrors.map((e) => e.errorId);
    // The check does find problems: CouchDB's JSON answer through the proxy is no app.
    await page.goto(`${outpost.appUrl}/couch/`);
    expect(await installabilityErrors()).not.toEqual([]);

    await page.goto(outpost.appUrl);
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await expect
      .poll(installabilityErrors)
      .toEqual([]);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});
