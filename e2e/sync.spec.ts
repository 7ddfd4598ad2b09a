import { expect, test } from './fixtures';
import { listedCount, showAllStatuses } from './job-list';

test("after sign-in the device downloads its team's jobs, and only those, then says it is up to date", async ({ page, app, users, admin }) => {
  const ana = users.get('field');
  await app.open();
  await app.signInAs(ana);
  await expect(app.syncBar).toBeVisible();
  await app.waitForLive();
  await expect(app.syncBar).toContainText('Up to date');
  // Every job of north's database a device keeps is on this device (other tests add jobs meanwhile, hence the polling).
  await showAllStatuses(page);
  await expect.poll(async () => (await listedCount(page)) - (await admin.jobsOnDevices(ana.team ?? 'north')).length, { timeout: 20_000 }).toBe(0);
  const stored = await page.evaluate(async () => {
    const names = (await indexedDB.databases()).map((d) => d.name ?? '');
    return names.filter((n) => n.includes('outpost-'));
  });
  expect(stored.some((n) => n.includes(`outpost-${ana.name}`))).toBe(true);
});

test("an HQ user's device syncs with the hub and lists every team's jobs", async ({ page, app, users, admin }) => {
  await app.open();
  await app.signInAs(users.get('hq'));
  await app.waitForLive();
  await showAllStatuses(page);
  await expect
    .poll(async () => (await listedCount(page)) - (await admin.jobs('north')).length - (await admin.jobs('south')).length, { timeout: 20_000 })
    .toBe(0);
});
