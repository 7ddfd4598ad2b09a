/**
 * A full device: IndexedDB refuses writes with QuotaExceededError (as browsers do when the origin's quota is
 * used up). Saving a note keeps the typed text and says what to do; once space is back, the same text saves.
 */
import { expect, test, uniqueTitle } from './fixtures';

declare global {
  interface Window {
    __outpostStorageFull?: boolean;
  }
}

test('saving a note on a full device keeps the text and says what to do', async ({ page, app, users, admin }) => {
  const ana = users.get('field', 'north');
  const title = uniqueTitle('Storage full job');
  const job = await admin.createJob('north', users.get('lead', 'north'), { title, assignee: ana.name });
  await page.addInitScript(() => {
    for (const method of ['put', 'add'] as const) {
      const original = IDBObjectStore.prototype[method];
      IDBObjectStore.prototype[method] = function (this: IDBObjectStore, ...args: Parameters<typeof original>) {
        if (window.__outpostStorageFull) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        return original.apply(this, args);
      };
    }
  });

  await app.open();
  await app.signInAs(ana);
  await app.waitForLive();
  await app.openJob(job._id, title);

  await page.evaluate(() => {
    window.__outpostStorageFull = true;
  });
  const text = 'Meter reading photographed, 4.2 bar at the inlet.';
  const noteBox = page.getByLabel('Add a note');
  await noteBox.fill(text);
  await page.getByRole('button', { name: 'Save note' }).click();
  const error = page.getByTestId('save-error');
  await expect(error).toBeVisible();
  // Soft: the rest still runs, so a wrong message does not hide whether the text survives and saves later.
  await expect.soft(error).toContainText('out of storage');
  await expect.soft(error).toContainText(/free some space/i);
  await expect(noteBox).toHaveValue(text);
  await expect(page.getByTestId('notes')).not.toContainText(text);

  // Space again: the same text saves and the message goes away.
  await page.evaluate(() => {
    window.__outpostStorageFull = false;
  });
  await page.getByRole('button', { name: 'Save note' }).click();
  await expect(page.getByTestId('notes')).toContainText(text);
  await expect(noteBox).toHaveValue('');
  await expect(error).toHaveCount(0);
});
