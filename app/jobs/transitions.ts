/**
 * Which status a person may move a job to, by role. The server's validation is the authority (a field worker
 * can neither cancel nor reopen a cancelled job); this table keeps the buttons to moves that make sense on site.
 */
import type { JobStatus, Role } from '../../sync';

export const STATUS_LABELS: Record<JobStatus, string> = {
  open: 'Open',
  assigned: 'Assigned',
  en_route: 'On the way',
  on_site: 'On site',
  done: 'Done',
  blocked: 'Blocked',
  cancelled: 'Cancelled',
};

export const ALL_STATUSES: readonly JobStatus[] = ['open', 'assigned', 'en_route', 'on_site', 'done', 'blocked', 'cancelled'];

const FIELD_MOVES: Record<JobStatus, readonly JobStatus[]> = {
  open: ['en_route', 'on_site', 'blocked'],
  assigned: ['en_route', 'on_site', 'blocked'],
  en_route: ['on_site', 'blocked'],
  on_site: ['done', 'blocked'],
  blocked: ['en_route', 'on_site'],
  // Reopening finished or cancelled work is a lead's decision.
  done: [],
  cancelled: [],
};

export function nextStatuses(current: JobStatus, role: Role): readonly JobStatus[] {
  if (role === 'field') return FIELD_MOVES[current];
  return ALL_STATUSES.filter((s) => s !== current);
}
