/** A north field worker never sees south's jobs: not in the list, not by address, not through the server. */
import { expect, test, uniqueTitle } from './fixtures';
import { allListedTitles, listedCount, showAllStatuses } from './job-list';

test("a north field worker's device has none of south's jobs and no way to reach them", async ({ page, app, users, admin }) => {
  test.setTimeout(60_000);
  const ana = users.get('field', 'north');
  const southJob = await admin.createJob('south', users.get('lead', 'south'), { title: uniqueTitle('South only') });
  await app.open();
  await app.signInAs(ana);
  await app.waitForLive();
  await showAllStatuses(page);

  // The list holds exactly north's jobs (other tests add north jobs meanwhile, hence the polling).
  await expect.poll(async () => (await listedCount(page)) - (await admin.jobsOnDevices('north')).length, { timeout: 20_000 }).toBe(0);
  const listed = new Set(await allListedTitles(page));
  const northTitles = new Set((await admin.jobs('north')).map((j) => j.title));
  // Seed titles repeat across teams; the ones only south has must be absent.
  const southOnly = (await admin.jobs('south')).map((j) => j.title).filter((t) => !northTitles.has(t));
  expect(southOnly).toContain(southJob.title);
  expect(southOnly.filter((t) => listed.has(t))).toEqual([]);
  expect([...listed].filter((t) => !northTitles.has(t))).toEqual([]);
  await page.getByLabel('Search title or site').fill(southJob.title);
  await expect(page.getByTestId('job-count')).toHaveText('0 jobs');

  // Its address shows nothing of it.
  await page.goto(`/#/jobs/${encodeURIComponent(southJob._id)}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Job not found' })).toBeVisible();
  await expect(page.getByText(southJob.title)).toHaveCount(0);

  // No team switcher anywhere a field worker can go.
  await expect(app.sections.getByRole('link')).toHaveText(['Jobs', 'Conflicts', 'Device']);
  for (const section of ['Jobs', 'Conflicts', 'Device'] as const) {
    await app.section(section).click();
    await expect(app.section(section)).toHaveAttribute('aria-current', 'page');
    await expect(page.getByLabel('Team', { exact: true })).toHaveCount(0);
    await expect(page.getByRole('link', { name: /south/i })).toHaveCount(0);
  }
  await expect(page.getByRole('link', { name: 'New job' })).toHaveCount(0);

  // And the server refuses: the session cookie of a north worker gets 403 on south's database.
  const status = await page.evaluate(async () => (await fetch('/couch/outpost-team-south/_all_docs', { credentials: 'same-origin' })).status);
  expect(status).toBe(403);
});
