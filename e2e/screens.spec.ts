/**
 * Screenshots of each screen at phone and laptop sizes, into e2e/artifacts/ (gitignored), for a
 * person to look at. Each step still asserts what is on screen before it is captured.
 */
import { fileURLToPath } from 'node:url';
import { expect, expectedWhoami, test } from './fixtures';

const SIZES = [
  { width: 360, height: 740 },
  { width: 1280, height: 800 },
] as const;

const artifact = (name: string) => fileURLToPath(new URL(`./artifacts/${name}.png`, import.meta.url));

for (const size of SIZES) {
  const tag = `${size.width}x${size.height}`;

  test.describe(`at ${tag}`, () => {
    // No service worker: its "ready to work offline" banner would appear at a random moment.
    test.use({ viewport: size, serviceWorkers: 'block' });

    test('sign-in, error and signed-in screens', async ({ page, app, users }) => {
      const ana = users.get('field');
      await app.open();
      await expect(app.signInHeading).toBeVisible();
      await page.screenshot({ path: artifact(`signin-${tag}`), fullPage: true });

      // Nothing sticks out sideways on a narrow phone.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(size.width);

      await app.signIn(ana.name, 'not-the-password');
      await expect(app.error).toBeVisible();
      await page.screenshot({ path: artifact(`signin-error-${tag}`), fullPage: true });

      await app.password.fill(ana.password);
      await app.signInButton.click();
      await expect(app.whoami).toHaveText(expectedWhoami(ana));
      await expect(app.signOutButton).toBeInViewport();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(size.width);
      await page.screenshot({ path: artifact(`signed-in-${tag}`), fullPage: true });
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
