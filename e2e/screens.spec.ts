/**
 * Screenshots of each main screen at phone and laptop sizes, into e2e/artifacts/ (gitignored), for a person to
 * look at. Each step asserts what is on screen before it is captured, and that nothing sticks out sideways.
 */
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

const SIZES = [
  { width: 360, height: 740 },
  { width: 1280, height: 800 },
] as const;

const artifact = (name: string) => fileURLToPath(new URL(`./artifacts/${name}.png`, import.meta.url));

/** Captures the whole page; a page wider than the window is reported without stopping the other captures. */
async function capture(page: Page, name: string, width: number): Promise<void> {
  expect.soft(await page.evaluate(() => document.documentElement.scrollWidth), `${name} fits ${width} px`).toBeLessThanOrEqual(width);
  await page.screenshot({ path: artifact(name), fullPage: true });
}

for (const size of SIZES) {
  const tag = `${size.width}x${size.height}`;

  test.describe(`at ${tag}`, () => {
    // No service worker: its "ready to work offline" banner would appear at a random moment.
    test.use({ viewport: size, serviceWorkers: 'block' });

    test("sign-in and a lead's screens", async ({ page, app, users }) => {
      test.setTimeout(60_000);
      const ben = users.get('lead', 'north');
      await app.open();
      await expect(app.signInHeading).toBeVisible();
      await capture(page, `signin-${tag}`, size.width);

      await app.signIn(ben.name, 'not-the-password');
      await expect(app.error).toBeVisible();
      await capture(page, `signin-error-${tag}`, size.width);

      await app.password.fill(ben.password);
      await app.signInButton.click();
      await app.waitForLive();
      await expect(page.getByTestId('job-row').first()).toBeVisible();
      await capture(page, `jobs-${tag}`, size.width);

      await page.getByTestId('job-row').first().click();
      await expect(page.getByTestId('job-status')).toBeVisible();
      await capture(page, `job-detail-${tag}`, size.width);

      await app.section('Jobs').click();
      await page.getByRole('link', { name: 'New job' }).click();
      await expect(page.getByRole('button', { name: 'Create job' })).toBeVisible();
      await capture(page, `new-job-${tag}`, size.width);

      await app.section('Conflicts').click();
      await expect(page.getByRole('heading', { level: 1, name: 'Conflicts' })).toBeVisible();
      await capture(page, `conflicts-${tag}`, size.width);

      await app.section('Device').click();
      await expect(app.signOutButton).toBeVisible();
      await capture(page, `device-${tag}`, size.width);
    });

    test("HQ's dashboard", async ({ page, app, users }) => {
      await app.open();
      await app.signInAs(users.get('hq'));
      await app.section('Dashboard').click();
      await expect(page.getByTestId('dashboard-counts')).toBeVisible({ timeout: 20_000 });
      await capture(page, `dashboard-${tag}`, size.width);
    });
  });
}

test('the offline-ready banner at phone size', async ({ page, app }) => {
  await page.setViewportSize(SIZES[0]);
  await app.open();
  await expect(page.getByTestId('pwa-banner')).toHaveText(/ready to work offline/);
  await page.screenshot({ path: artifact('offline-ready-360x740') });
  await page.getByRole('button', { name: 'OK' }).click();
  await expect(page.getByTestId('pwa-banner')).toHaveCount(0);
});
