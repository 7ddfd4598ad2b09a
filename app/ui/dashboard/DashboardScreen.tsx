import { useCallback, useEffect, useState } from 'react';
import { loadDashboard, localDate, problemMessage, type Dashboard, type DashboardProblem } from '../../dashboard/api';
import { useDevice } from '../../device/useDevice';
import { ALL_STATUSES, STATUS_LABELS } from '../../jobs/transitions';
import { routeHref } from '../../nav/route';

type View = { readonly name: 'loading' } | { readonly name: 'ready'; readonly dashboard: Dashboard; readonly at: number } | { readonly name: 'failed'; readonly problem: DashboardProblem };

function statusLabel(status: string): string {
  return (STATUS_LABELS as Record<string, string>)[status] ?? status;
}

/** Statuses down, teams across: a handful of teams fit a phone's width, seven statuses would not. */
function CountsTable({ dashboard }: { dashboard: Dashboard }) {
  const { teams, statuses, counts } = dashboard.counts;
  if (teams.length === 0) return <p className="empty">No jobs on the server yet.</p>;
  const cell = (team: string, status: string) => counts[team]?.[status] ?? 0;
  const byStatus = (status: string) => teams.reduce((sum, t) => sum + cell(t, status), 0);
  const byTeam = (team: string) => statuses.reduce((sum, s) => sum + cell(team, s), 0);
  return (
    <div className="dash-table" role="region" aria-labelledby="counts-title" tabIndex={0}>
      <table className="dash-counts" data-testid="dashboard-counts">
        <caption id="counts-title">Jobs by status and team</caption>
        <thead>
          <tr>
            <th scope="col">Status</th>
            {teams.map((team) => (
              <th key={team} scope="col">
                {team}
              </th>
            ))}
            {teams.length > 1 && <th scope="col">All</th>}
          </tr>
        </thead>
        <tbody>
          {statuses.map((status) => (
            <tr key={status}>
              <th scope="row">{statusLabel(status)}</th>
              {teams.map((team) => (
                <td key={team}>{cell(team, status)}</td>
              ))}
              {teams.length > 1 && <td>{byStatus(status)}</td>}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            {teams.map((team) => (
              <td key={team}>{byTeam(team)}</td>
            ))}
            {teams.length > 1 && <td>{teams.reduce((sum, t) => sum + byTeam(t), 0)}</td>}
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

function Overdue({ dashboard }: { dashboard: Dashboard }) {
  return (
    <section className="dash-overdue" aria-labelledby="overdue-title">
      <h2 id="overdue-title">Overdue</h2>
      <p className="hint">Unfinished jobs due before today (<span className="dash-date">{dashboard.today}</span>), most overdue first.</p>
      {dashboard.overdue.map(({ team, jobs, more }) => (
        <section key={team} className="dash-team" aria-labelledby={`overdue-${team}`} data-testid="overdue-team">
          <h3 id={`overdue-${team}`}>
            Team {team}: {jobs.length}
            {more ? '+' : ''} overdue
          </h3>
          {jobs.length === 0 ? (
            <p className="hint">Nothing overdue.</p>
          ) : (
            <ul className="dash-overdue-list">
              {jobs.map((job) => (
                <li key={job.id}>
                  <a href={routeHref({ name: 'job', id: job.id })}>{job.title}</a>
                  <span className="muted">
                    {' '}
                    · due <span className="dash-date">{job.due}</span> · {statusLabel(job.status)} · {job.assignee ?? 'unassigned'}
                  </span>
                </li>
              ))}
            </ul>
          )}
          {more && <p className="hint">Showing the {jobs.length} most overdue. Filter the job list by team to see the rest.</p>}
        </section>
      ))}
    </section>
  );
}

function HqDashboard() {
  const [view, setView] = useState<View>({ name: 'loading' });

  const load = useCallback(async (isCurrent: () => boolean = () => true) => {
    setView({ name: 'loading' });
    const result = await loadDashboard({ today: localDate(new Date()), isOnline: () => navigator.onLine, statusOrder: ALL_STATUSES });
    if (!isCurrent()) return;
    setView(result.ok ? { name: 'ready', dashboard: result.dashboard, at: Date.now() } : { name: 'failed', problem: result.problem });
  }, []);

  useEffect(() => {
    let live = true;
    void load(() => live);
    return () => {
      live = false;
    };
  }, [load]);

  return (
    <>
      {view.name === 'loading' && (
        <p className="hint" role="status">
          Loading the dashboard from the server…
        </p>
      )}
      {view.name === 'failed' && (
        <div className="dashboard-problem">
          <p className="error" role="alert" data-testid="dashboard-problem">
            {problemMessage(view.problem)}
          </p>
          <button type="button" className="button" onClick={() => void load()}>
            Retry
          </button>
        </div>
      )}
      {view.name === 'ready' && (
        <>
          <div className="screen-head">
            <p className="hint" role="status">
              Live from the server, {new Date(view.at).toLocaleTimeString(undefined, { timeStyle: 'short' })}.
            </p>
            <button type="button" className="button small" onClick={() => void load()}>
              Refresh
            </button>
          </div>
          <CountsTable dashboard={view.dashboard} />
          <Overdue dashboard={view.dashboard} />
        </>
      )}
    </>
  );
}

/** HQ's overview of every team, read live from the hub: it needs a connection, and says so when there is none. */
export function DashboardScreen() {
  const device = useDevice();
  if (!device) return null;
  return (
    <section className="screen dashboard" aria-labelledby="dashboard-title">
      <h1 id="dashboard-title">Dashboard</h1>
      {device.identity.role === 'hq' ? (
        <HqDashboard />
      ) : (
        <p className="hint" data-testid="dashboard-hq-only">
          The dashboard is for HQ. Your team’s jobs are under Jobs.
        </p>
      )}
    </section>
  );
}
