import { setStatus } from '../../../sync';
import { nextStatuses, STATUS_LABELS } from '../../jobs/transitions';
import type { JobPartProps } from './types';

export function StatusActions({ job, device, save, busy }: JobPartProps) {
  const moves = nextStatuses(job.status, device.identity.role);
  return (
    <section className="panel" aria-labelledby="status-title">
      <h2 id="status-title">
        Status: <span className={`chip status-${job.status}`} data-testid="job-status">{STATUS_LABELS[job.status]}</span>
      </h2>
      {moves.length === 0 ? (
        <p className="hint">Only a lead or HQ can change a {STATUS_LABELS[job.status].toLowerCase()} job.</p>
      ) : (
        <div className="actions">
          {moves.map((status) => (
            <button key={status} type="button" className={status === 'cancelled' ? 'button small danger' : 'button small'} aria-disabled={busy} onClick={() => void save((j) => setStatus(j, status, device.writer))}>
              {status === 'cancelled' ? 'Cancel job' : `Mark ${STATUS_LABELS[status].toLowerCase()}`}
            </button>
          ))}
        </div>
      )}
    </section>
  );
}
