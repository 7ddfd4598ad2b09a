/**
 * Two people edit the same job on two devices while both are offline; when they come back, both devices show
 * one merged job with both edits, and the server keeps no conflict.
 */
import type { Browser } from '@playwright/test';
import { teamDb } from './admin';
import { expect, OutpostApp, test, uniqueTitle } from './fixtures';
import type { DemoUser } from './target';

async function deviceFor(browser: Browser, user: DemoUser): Promise<OutpostApp> {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const app = new OutpostApp(await context.newPage());
  await app.open();
  await app.signInAs(user);
  await app.waitForLive();
  return app;
}

test('a field worker and a lead edit one job offline; both devices show the merge and the server has no conflict', async ({ browser, users, admin }) => {
  test.setTimeout(90_000);
  const ana = users.get('field', 'north');
  const ben = users.get('lead', 'north');
  const title = uniqueTitle('Two devices valve job');
  const job = await admin.createJob('north', ben, { title, assignee: ana.name });

  const [onAna, onBen] = await Promise.all([deviceFor(browser, ana), deviceFor(browser, ben)]);
  try {
    await Promise.all([onAna.openJob(job._id, title), onBen.openJob(job._id, title)]);
    await Promise.all([onAna.page.context().setOffline(true), onBen.page.context().setOffline(true)]);
    await expect(onAna.syncBar).toHaveAttribute('data-state', 'offline');
    await expect(onBen.syncBar).toHaveAttribute('data-state', 'offline');

    // Ana, on site: a note, and she is on her way.
    const note = 'Valve seized; bringing the long spanner.';
    await onAna.page.getByLabel('Add a note').fill(note);
    await onAna.page.getByRole('button', { name: 'Save note' }).click();
    await expect(onAna.page.getByTestId('notes')).toContainText(note);
    await onAna.page.getByRole('button', { name: 'Mark on the way' }).click();
    await expect(onAna.page.getByTestId('job-status')).toHaveText('On the way');

    // Ben, in the office: more urgent, he takes it himself, and one more checklist item.
    await onBen.page.getByRole('button', { name: 'Edit or assign' }).click();
    await onBen.page.getByLabel('Priority', { exact: true }).selectOption({ label: 'Urgent' });
    await onBen.page.getByLabel('Assigned to', { exact: true }).fill(ben.name);
    await onBen.page.getByRole('button', { name: 'Save changes' }).click();
    await expect(onBen.page.getByTestId('job-assignee')).toHaveText(ben.name);
    const item = 'Photograph the valve tag';
    await onBen.page.getByLabel('New checklist item').fill(item);
    await onBen.page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(onBen.page.getByRole('checkbox', { name: item })).toBeVisible();

    await Promise.all([onAna.page.context().setOffline(false), onBen.page.context().setOffline(false)]);
    for (const device of [onAna, onBen]) {
      const { page } = device;
      await device.waitForNothingPending();
      await expect(page.getByTestId('notes')).toContainText(note, { timeout: 20_000 });
      await expect(page.getByTestId('job-status')).toHaveText('On the way', { timeout: 20_000 });
      await expect(page.getByRole('checkbox', { name: item })).toBeVisible({ timeout: 20_000 });
      await expect(page.getByTestId('job-assignee')).toHaveText(ben.name);
      await expect(page.locator('.facts')).toContainText('Urgent');
    }

    await expect
      .poll(async () => {
        const doc = await admin.doc<{ status: string; priority: number; assignee: string; notes: Array<{ text: string }>; checklist: Array<{ label: string }> }>(teamDb('north'), job._id);
        return (
          doc && {
            conflicts: doc._conflicts ?? [],
            status: doc.status,
            priority: doc.priority,
            assignee: doc.assignee,
            notes: doc.notes.map((n) => n.text),
            checklist: doc.checklist.map((c) => c.label),
          }
        );
      }, { timeout: 20_000 })
      .toEqual({ conflicts: [], status: 'en_route', priority: 1, assignee: ben.name, notes: [note], checklist: [item] });
  } finally {
    await Promise.all([onAna.page.context().close(), onBen.page.context().close()]);
  }
});
