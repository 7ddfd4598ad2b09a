import type { JobRow } from '../../jobs/job-filter';

/** Names to suggest when assigning: everyone already assigned a job on this device, and the person themself. */
export function knownPeople(rows: readonly JobRow[] | null, self: string): string[] {
  const names = new Set<string>([self]);
  for (const row of rows ?? []) if (row.assignee) names.add(row.assignee);
  return [...names].sort((a, b) => a.localeCompare(b));
}
