/** How dates and people read on a small screen. Pure. */
import { localDay } from '../../jobs/job-filter';

/** `2026-09-30` as "Sep 30" this year, "Sep 30, 2025" otherwise (short enough for a phone's list row). */
function shortDay(day: string, now: number): string {
  const [y, m, d] = day.split('-').map(Number);
  if (!y || !m || !d) return day;
  const date = new Date(y, m - 1, d, 12);
  const sameYear = y === new Date(now).getFullYear();
  return date.toLocaleDateString(undefined, sameYear ? { month: 'short', day: 'numeric' } : { year: 'numeric', month: 'short', day: 'numeric' });
}

export function dueText(due: string | null, now: number): { text: string; overdue: boolean } {
  if (!due) return { text: 'No due date', overdue: false };
  const today = localDay(now);
  if (due === today) return { text: 'Due today', overdue: false };
  if (due === localDay(now, 1)) return { text: 'Due tomorrow', overdue: false };
  return { text: due < today ? `Overdue: ${shortDay(due, now)}` : `Due ${shortDay(due, now)}`, overdue: due < today };
}

export function whenText(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export const PRIORITY_LABELS: Record<1 | 2 | 3 | 4, string> = { 1: 'Urgent', 2: 'High', 3: 'Normal', 4: 'Low' };
