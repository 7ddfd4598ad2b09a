import { useId } from 'react';
import type { JobStatus } from '../../../sync';
import type { Device } from '../../device/device';
import { useDevice } from '../../device/useDevice';
import type { DueFilter, JobQuery, JobRow, JobSort } from '../../jobs/job-filter';
import { ALL_STATUSES, STATUS_LABELS } from '../../jobs/transitions';
import { useJobList } from '../../jobs/useJobList';
import { routeHref } from '../../nav/route';
import { dueText, PRIORITY_LABELS } from './format';
import { VirtualList } from './VirtualList';

const ROW_HEIGHT = 84;

function JobRowView({ row, now }: { row: JobRow; now: number }) {
  const due = dueText(row.due, now);
  return (
    <a className="jobrow" href={routeHref({ name: 'job', id: row.id })} data-testid="job-row">
      <span className="jobrow-title">{row.title || 'Untitled job'}</span>
      <span className="jobrow-meta">
        <span className={`chip status-${row.status}`}>{STATUS_LABELS[row.status]}</span>
        {row.priority <= 2 && <span className={`chip prio-${row.priority}`}>{PRIORITY_LABELS[row.priority]}</span>}
        <span className={due.overdue ? 'overdue' : undefined}>{due.text}</span>
      </span>
      <span className="jobrow-meta muted">
        {row.siteName ?? 'No site'}
        {row.assignee ? ` · ${row.assignee}` : ' · unassigned'}
      </span>
    </a>
  );
}

const WIDE = window.matchMedia('(min-width: 48rem)');

const SORT_LABELS: Record<JobSort, string> = { due: 'due date', priority: 'priority', updated: 'recently changed', title: 'title' };
const DUE_LABELS: Record<DueFilter, string> = { any: '', overdue: 'overdue', today: 'due today', week: 'due in 7 days' };

/** What the closed filter box says is on, so nobody wonders why a job is missing. */
function summary(query: JobQuery): string {
  const status = query.status === 'active' ? 'not finished' : query.status === 'all' ? 'all' : STATUS_LABELS[query.status].toLowerCase();
  return [status, DUE_LABELS[query.due], `by ${SORT_LABELS[query.sort]}`].filter(Boolean).join(', ');
}

function Filters({ device }: { device: Device }) {
  const query = useJobList(device, (s) => s.query);
  const setQuery = useJobList(device, (s) => s.setQuery);
  const ids = useId();
  return (
    <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
      <div className="field">
        <label htmlFor={`${ids}-q`}>Search title or site</label>
        <input id={`${ids}-q`} type="search" value={query.search} onChange={(e) => setQuery({ search: e.target.value })} autoComplete="off" />
      </div>
      <details className="filter-more" open={WIDE.matches || undefined}>
        <summary>
          Filter and sort <span className="muted">· {summary(query)}</span>
        </summary>
      <div className="filter-row">
        <div className="field">
          <label htmlFor={`${ids}-status`}>Status</label>
          <select id={`${ids}-status`} value={query.status} onChange={(e) => setQuery({ status: e.target.value as JobQuery['status'] })}>
            <option value="active">Not finished</option>
            <option value="all">All</option>
            {ALL_STATUSES.map((s: JobStatus) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${ids}-due`}>Due</label>
          <select id={`${ids}-due`} value={query.due} onChange={(e) => setQuery({ due: e.target.value as DueFilter })}>
            <option value="any">Any time</option>
            <option value="overdue">Overdue</option>
            <option value="today">Today</option>
            <option value="week">Next 7 days</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${ids}-sort`}>Sort by</label>
          <select id={`${ids}-sort`} value={query.sort} onChange={(e) => setQuery({ sort: e.target.value as JobSort })}>
            <option value="due">Due date</option>
            <option value="priority">Priority</option>
            <option value="updated">Recently changed</option>
            <option value="title">Title</option>
          </select>
        </div>
      </div>
      </details>
      <label className="check">
        <input type="checkbox" checked={query.mine} onChange={(e) => setQuery({ mine: e.target.checked })} /> Assigned to me
      </label>
    </form>
  );
}

function JobList({ device }: { device: Device }) {
  const rows = useJobList(device, (s) => s.rows);
  const error = useJobList(device, (s) => s.error);
  const now = Date.now();
  const canCreate = device.identity.role !== 'field';
  return (
    <section className="screen" aria-labelledby="jobs-title">
      <div className="screen-head">
        <h1 id="jobs-title">Jobs</h1>
        {canCreate && (
          <a className="button primary small" href={routeHref({ name: 'new-job' })}>
            New job
          </a>
        )}
      </div>
      <Filters device={device} />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {rows === null ? (
        <p className="hint" role="status">
          Loading jobs…
        </p>
      ) : (
        <>
          <p className="hint" data-testid="job-count" role="status">
            {rows.length} job{rows.length === 1 ? '' : 's'}
          </p>
          {rows.length === 0 ? (
            <p className="empty">No jobs match. Change the filters, or wait for the first sync to finish.</p>
          ) : (
            <VirtualList items={rows} rowHeight={ROW_HEIGHT} label="Jobs" renderRow={(row) => <JobRowView row={row} now={now} />} />
          )}
        </>
      )}
    </section>
  );
}

export function JobListScreen() {
  const device = useDevice();
  if (!device) return null;
  return <JobList device={device} />;
}
