/**
 * Whatever people type is shown as text: markup stays inert, and very long words, emoji and right-to-left
 * scripts neither break the layout nor push the page sideways on a 360 px phone.
 */
import { fileURLToPath } from 'node:url';
import { teamDb } from './admin';
import { expect, test, uniqueTitle } from './fixtures';

const MARKUP = '<img src=x onerror=alert(1)>';
const LONG_WORD = 'W'.repeat(5000);
const EMOJI = 'Pump fixed 👷🏽‍♀️🔧✅ — family 👨‍👩‍👧‍👦, flag 🇳🇴';
const ARABIC = 'تم إصلاح المضخة، الضغط طبيعي الآن';
const HEBREW = 'המשאבה תוקנה, הלחץ תקין';

test.use({ viewport: { width: 360, height: 740 } });

test('hostile, long, emoji and right-to-left notes render as text without sideways scrolling', async ({ page, app, users, admin }) => {
  test.setTimeout(60_000);
  const ana = users.get('field', 'north');
  // A job title with markup and a long unbroken word of its own, as a lead might paste it.
  const title = `${uniqueTitle('<b>Seal</b>')} ${'X'.repeat(120)}`;
  const job = await admin.createJob('north', users.get('lead', 'north'), { title, assignee: ana.name });
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });

  await app.open();
  await app.signInAs(ana);
  await app.waitForLive();
  await app.openJob(job._id, title);

  const notes = page.getByTestId('notes');
  for (const text of [MARKUP, LONG_WORD, EMOJI, ARABIC, HEBREW]) {
    await page.getByLabel('Add a note').fill(text);
    await page.getByRole('button', { name: 'Save note' }).click();
    await expect(page.getByLabel('Add a note')).toHaveValue('');
  }
  const shown = notes.locator('.note-text');
  await expect(shown).toHaveCount(5);
  expect(await shown.allTextContents()).toEqual(expect.arrayContaining([MARKUP, LONG_WORD, EMOJI, ARABIC, HEBREW]));
  await expect(notes.locator('img')).toHaveCount(0);
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  // Right-to-left text is laid out right to left.
  const arabicDirection = await shown.filter({ hasText: ARABIC }).evaluate((el) => getComputedStyle(el).direction);
  expect(arabicDirection).toBe('rtl');

  const scrollWidth = () => page.evaluate(() => document.documentElement.scrollWidth);
  expect(await scrollWidth()).toBeLessThanOrEqual(360);
  await page.screenshot({ path: fileURLToPath(new URL('./artifacts/hostile-notes-360x740.png', import.meta.url)), fullPage: true });

  // The same text went to the server unchanged.
  await app.waitForNothingPending();
  await expect
    .poll(async () => (await admin.doc<{ notes: Array<{ text: string }> }>(teamDb('north'), job._id))?.notes.map((n) => n.text).sort())
    .toEqual([MARKUP, LONG_WORD, EMOJI, ARABIC, HEBREW].sort());

  // The job list with the long title fits too.
  await app.section('Jobs').click();
  await page.getByLabel('Search title or site').fill('<b>Seal</b>');
  await expect(page.getByTestId('job-row').filter({ hasText: title })).toBeVisible();
  expect(await scrollWidth()).toBeLessThanOrEqual(360);
  expect(dialogs).toEqual([]);
});
