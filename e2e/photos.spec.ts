import { expect, test } from './fixtures';

/** A noisy 4000×3000 PNG made in the page (noise compresses badly: the worst case for the size limit). */
async function bigPhoto(page: import('@playwright/test').Page): Promise<Buffer> {
  const base64 = await page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 4000;
    canvas.height = 3000;
    const g = canvas.getContext('2d')!;
    const tile = g.createImageData(400, 300);
    for (let i = 0; i < tile.data.length; i++) tile.data[i] = i % 4 === 3 ? 255 : Math.floor(Math.random() * 256);
    for (let x = 0; x < 4000; x += 400) for (let y = 0; y < 3000; y += 300) g.putImageData(tile, x, y);
    return canvas.toDataURL('image/png').split(',')[1]!;
  });
  return Buffer.from(base64, 'base64');
}

test('a photo is made small on the device before it is stored, and what is not a photo is refused', async ({ page, app, users }) => {
  test.setTimeout(60_000);
  await app.open();
  await app.signInAs(users.get('field', 'north'));
  await expect(page.getByTestId('syncbar')).toHaveAttribute('data-state', 'live', { timeout: 30_000 });
  await page.getByTestId('job-row').first().click();
  await expect(page.getByTestId('job-status')).toBeVisible();

  const file = page.getByLabel('Take or choose a photo');
  await file.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a photo') });
  await page.getByRole('button', { name: 'Add photo' }).click();
  await expect(page.getByTestId('photo-error')).toContainText('not a photo');

  const original = await bigPhoto(page);
  expect(original.length).toBeGreaterThan(1_500_000);
  await file.setInputFiles({ name: 'meter.png', mimeType: 'image/png', buffer: original });
  await page.getByLabel('Caption').fill('Meter cabinet, door open');
  await page.getByRole('button', { name: 'Add photo' }).click();
  const img = page.getByRole('img', { name: 'Meter cabinet, door open' });
  await expect(img).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('photo-error')).toHaveCount(0);

  const stored = await img.evaluate(async (el: HTMLImageElement) => {
    await el.decode();
    const blob = await (await fetch(el.src)).blob();
    return { width: el.naturalWidth, height: el.naturalHeight, bytes: blob.size, type: blob.type };
  });
  expect(stored.type).toBe('image/jpeg');
  expect(Math.max(stored.width, stored.height)).toBeLessThanOrEqual(1600);
  expect(stored.width / stored.height).toBeCloseTo(4 / 3, 1);
  expect(stored.bytes).toBeLessThanOrEqual(1_000_000);
});
