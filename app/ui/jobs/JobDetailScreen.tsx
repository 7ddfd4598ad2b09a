import { useState } from 'react';
import { setStatus, updateDoc, type JobDoc } from '../../../sync';
import type { Device } from '../../device/device';
import { useDevice } from '../../device/useDevice';
import { useDoc } from '../../jobs/useDoc';
import { useJobList } from '../../jobs/useJobList';
import { useSaver } from '../../jobs/useSaver';
import { useSites } from '../../jobs/useSites';
import { routeHref } from '../../nav/route';
import { Checklist } from './Checklist';
import { dueText, PRIORITY_LABELS, whenText } from './format';
import { fieldsOf, JobFieldsForm, type JobFields } from './JobFieldsForm';
import { LocationPanel } from './LocationPanel';
import { Notes } from './Notes';
import { knownPeople } from './people';
import { Photos } from './Photos';
import { Readings } from './Readings';
import { StatusActions } from './StatusActions';

function applyFields(job: JobDoc, f: JobFields, device: Device): JobDoc {
  const { team: _team, ...changes } = f;
  let next = updateDoc(job, changes, device.writer);
  // Giving an open job to someone is assigning it.
  if (next.status === 'open' && next.assignee) next = setStatus(next, 'assigned', device.writer);
  return next;
}

function JobDetail({ device, id }: { device: Device; id: string }) {
  const state = useDoc<JobDoc>(device.local, id);
  const { save, error, busy } = useSaver(device.local, id);
  const sites = useSites(device.local);
  const rows = useJobList(device, (s) => s.rows);
  const [editing, setEditing] = useState(false);

  if (state.status === 'loading') return <p className="hint">Loading job…</p>;
  if (state.status === 'missing' || state.doc.type !== 'job') {
    return (
      <section className="screen">
        <h1>Job not found</h1>
        <p className="hint">This job is not on this device. It may belong to another team, or it was removed.</p>
        <a href={routeHref({ name: 'jobs' })}>Back to jobs</a>
      </section>
    );
  }
  const job = state.doc;
  const site = sites.find((s) => s.id === job.siteId);
  const due = dueText(job.due, Date.now());
  const canManage = device.identity.role !== 'field';
  const parts = { job, device, save, busy };

  return (
    <article className="screen job" aria-labelledby="job-title">
      <a href={routeHref({ name: 'jobs' })} className="back">
        ← Jobs
      </a>
      <h1 id="job-title" dir="auto">
        {job.title}
      </h1>
      <dl className="facts">
        <div>
          <dt>Site</dt>
          <dd>{site?.name ?? (job.siteId ? 'Unknown site' : 'No site')}</dd>
        </div>
        <div>
          <dt>Due</dt>
          <dd className={due.overdue ? 'overdue' : undefined}>{due.text}</dd>
        </div>
        <div>
          <dt>Priority</dt>
          <dd>{PRIORITY_LABELS[job.priority]}</dd>
        </div>
        <div>
          <dt>Assigned to</dt>
          <dd data-testid="job-assignee">{job.assignee ?? 'Nobody yet'}</dd>
        </div>
        <div>
          <dt>Last change</dt>
          <dd>
            {job.updatedBy} · {whenText(job.updatedAt)}
          </dd>
        </div>
      </dl>
      {job.description && (
        <p className="description" dir="auto">
          {job.description}
        </p>
      )}
      {error && (
        <p className="error" role="alert" data-testid="save-error">
          {error}
        </p>
      )}
      {canManage &&
        (editing ? (
          <section className="panel" aria-label="Edit job">
            <JobFieldsForm
              initial={fieldsOf(job)}
              sites={sites}
              people={knownPeople(rows, device.identity.name)}
              teams={null}
              submitLabel="Save changes"
              busy={busy}
              error={null}
              onSubmit={(f) => void save((j) => applyFields(j, f, device)).then((ok) => ok && setEditing(false))}
              onCancel={() => setEditing(false)}
            />
          </section>
        ) : (
          <button type="button" className="button small" onClick={() => setEditing(true)}>
            Edit or assign
          </button>
        ))}
      <StatusActions {...parts} />
      <Checklist {...parts} />
      <Notes {...parts} />
      <Readings {...parts} />
      <Photos {...parts} />
      <LocationPanel {...parts} />
    </article>
  );
}

export function JobDetailScreen({ id }: { id: string }) {
  const device = useDevice();
  if (!device) return null;
  return <JobDetail key={id} device={device} id={id} />;
}
