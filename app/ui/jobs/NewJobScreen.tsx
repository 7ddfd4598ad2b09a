import { useId, useState } from 'react';
import { createJob } from '../../../sync';
import type { Device } from '../../device/device';
import { useDevice } from '../../device/useDevice';
import { saveNew } from '../../jobs/save';
import { useJobList } from '../../jobs/useJobList';
import { useSites } from '../../jobs/useSites';
import { go } from '../../nav/useRoute';
import { JobFieldsForm, type JobFields } from './JobFieldsForm';
import { knownPeople } from './people';

function NewJob({ device }: { device: Device }) {
  const sites = useSites(device.local);
  const rows = useJobList(device, (s) => s.rows);
  const [checklist, setChecklist] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = useId();
  const hq = device.identity.role === 'hq';
  const teams = hq ? [...new Set(sites.map((s) => s.team))].sort() : null;

  async function create(f: JobFields) {
    setBusy(true);
    try {
      const job = createJob(
        {
          ...f,
          status: f.assignee ? 'assigned' : 'open',
          checklist: checklist
            .split('\n')
            .map((line) => line.trim())
            .filter(Boolean),
        },
        device.writer,
      );
      await saveNew(device.local, job);
      go({ name: 'job', id: job._id });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  }

  if (device.identity.role === 'field') {
    return <p className="hint">Only leads and HQ create jobs. Ask your lead.</p>;
  }
  return (
    <section className="screen" aria-labelledby={`${ids}-title`}>
      <h1 id={`${ids}-title`}>New job</h1>
      <JobFieldsForm
        initial={{ title: '', team: hq ? '' : (device.identity.team ?? ''), siteId: null, priority: 3, assignee: null, due: null, description: null }}
        sites={sites}
        people={knownPeople(rows, device.identity.name)}
        teams={teams}
        submitLabel="Create job"
        busy={busy}
        error={error}
        onSubmit={(f) => void create(f)}
        onCancel={() => go({ name: 'jobs' })}
      >
        <div className="field">
          <label htmlFor={`${ids}-checklist`}>Checklist (one item per line)</label>
          <textarea id={`${ids}-checklist`} rows={3} value={checklist} onChange={(e) => setChecklist(e.target.value)} />
        </div>
      </JobFieldsForm>
    </section>
  );
}

export function NewJobScreen() {
  const device = useDevice();
  if (!device) return null;
  return <NewJob device={device} />;
}
