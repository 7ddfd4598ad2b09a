import { expect, test } from './fixtures';

test("after sign-in the device downloads its team's jobs, and only those, then says it is up to date", async ({ page, app, users }) => {
  const ana = users.get('field');
  await app.open();
  await app.signInAs(ana);
  const bar = page.getByTestId('syncbar');
  await expect(bar).toBeVisible();
  await expect(bar).toHaveAttribute('data-state', 'live', { timeout: 30_000 });
  await expect(bar).toContainText('Up to date');
  // The demo seeds 200 jobs over two teams: north's 100 are on this device, south's are not.
  await expect(page.getByTestId('job-count')).toHaveText('100 jobs on this device', { timeout: 15_000 });
  const stored = await page.evaluate(async () => {
    const names = (await indexedDB.databases()).map((d) => d.name ?? '');
    return names.filter((n) => n.includes('outpost-'));
  });
  expect(stored.some((n) => n.includes(`outpost-${ana.name}`))).toBe(true);
});

test('an HQ user is told that team sync runs on field devices', async ({ page, app, users }) => {
  await app.open();
  await app.signInAs(users.get('hq'));
  await expect(page.getByText('HQ works online')).toBeVisible();
  await expect(page.getByTestId('syncbar')).toHaveCount(0);
});
