/** Reading the job list the way a person sees it: it is virtualised, so rows exist only once scrolled into view. */
import { expect, type Page } from '@playwright/test';

/** Shows jobs of every status (the list starts with unfinished ones only). */
export async function showAllStatuses(page: Page): Promise<void> {
  await page.getByLabel('Status', { exact: true }).selectOption({ label: 'All' });
}

/** The number in "N jobs", once the list has loaded. */
export async function listedCount(page: Page): Promise<number> {
  const text = await page.getByTestId('job-count').textContent({ timeout: 20_000 });
  const match = /^(\d+) jobs?$/.exec(text ?? '');
  if (!match) throw new Error(`unexpected job count text: ${JSON.stringify(text)}`);
  return Number(match[1]);
}

/** Every title in the list, scrolling its box from top to bottom and collecting the rows rendered on the way. */
export async function allListedTitles(page: Page): Promise<string[]> {
  await expect(page.getByTestId('job-row').first()).toBeVisible({ timeout: 20_000 });
  return page.evaluate(async () => {
    const box = document.querySelector<HTMLElement>('.vlist');
    if (!box) throw new Error('no job list on screen');
    const seen = new Map<number, string>();
    const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
    for (let top = 0; ; top += Math.max(100, box.clientHeight - 100)) {
      box.scrollTop = top;
      box.dispatchEvent(new Event('scroll'));
      await nextFrame();
      for (const li of box.querySelectorAll('li[aria-posinset]')) {
        const title = li.querySelector('.jobrow-title')?.textContent ?? '';
        seen.set(Number(li.getAttribute('aria-posinset')), title);
      }
      if (top >= box.scrollHeight) break;
    }
    box.scrollTop = 0;
    return [...seen.entries()].sort((a, b) => a[0] - b[0]).map(([, title]) => title);
  });
}
