import { useId, useState, type FormEvent, type ReactNode } from 'react';
import type { JobDoc } from '../../../sync';
import type { SiteOption } from '../../jobs/useSites';
import { PRIORITY_LABELS } from './format';

type Priority = JobDoc['priority'];

export interface JobFields {
  title: string;
  team: string;
  siteId: string | null;
  priority: Priority;
  assignee: string | null;
  due: string | null;
  description: string | null;
}

export function fieldsOf(job: JobDoc): JobFields {
  return { title: job.title, team: job.team, siteId: job.siteId, priority: job.priority, assignee: job.assignee, due: job.due, description: job.description };
}

/** The fields a lead or HQ sets when creating or assigning a job. `teams` lets HQ pick the team of a new job. */
export function JobFieldsForm({
  initial,
  sites,
  people,
  teams,
  submitLabel,
  busy,
  error,
  onSubmit,
  onCancel,
  children,
}: {
  initial: JobFields;
  sites: readonly SiteOption[];
  people: readonly string[];
  teams: readonly string[] | null;
  submitLabel: string;
  busy: boolean;
  error: string | null;
  onSubmit(fields: JobFields): void;
  onCancel(): void;
  /** More fields, shown before the buttons (e.g. a new job's checklist). */
  children?: ReactNode;
}) {
  const [f, setF] = useState<JobFields>(initial);
  const [problem, setProblem] = useState<string | null>(null);
  const ids = useId();
  const set = (change: Partial<JobFields>) => setF((prev) => ({ ...prev, ...change }));
  const teamSites = sites.filter((s) => s.team === f.team);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    if (!f.title.trim()) return setProblem('Give the job a title, e.g. "Replace pump seal".');
    if (!f.team) return setProblem('Choose the team that will do this job.');
    setProblem(null);
    onSubmit({ ...f, title: f.title.trim(), assignee: f.assignee?.trim() || null, description: f.description?.trim() || null });
  }

  return (
    <form className="form" onSubmit={submit} aria-busy={busy}>
      <div className="field">
        <label htmlFor={`${ids}-title`}>Title</label>
        <input id={`${ids}-title`} value={f.title} maxLength={200} dir="auto" required onChange={(e) => set({ title: e.target.value })} />
      </div>
      {teams && (
        <div className="field">
          <label htmlFor={`${ids}-team`}>Team</label>
          <select id={`${ids}-team`} value={f.team} onChange={(e) => set({ team: e.target.value, siteId: null })}>
            <option value="">Choose a team</option>
            {teams.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </div>
      )}
      <div className="field">
        <label htmlFor={`${ids}-site`}>Site</label>
        <select id={`${ids}-site`} value={f.siteId ?? ''} onChange={(e) => set({ siteId: e.target.value || null })}>
          <option value="">No site</option>
          {teamSites.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </div>
      <div className="filter-row">
        <div className="field">
          <label htmlFor={`${ids}-prio`}>Priority</label>
          <select id={`${ids}-prio`} value={f.priority} onChange={(e) => set({ priority: Number(e.target.value) as Priority })}>
            {([1, 2, 3, 4] as const).map((p) => (
              <option key={p} value={p}>
                {PRIORITY_LABELS[p]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${ids}-due`}>Due</label>
          <input id={`${ids}-due`} type="date" value={f.due ?? ''} onChange={(e) => set({ due: e.target.value || null })} />
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${ids}-assignee`}>Assigned to</label>
        <input id={`${ids}-assignee`} list={`${ids}-people`} value={f.assignee ?? ''} maxLength={100} autoCapitalize="none" onChange={(e) => set({ assignee: e.target.value })} />
        <datalist id={`${ids}-people`}>
          {people.map((p) => (
            <option key={p} value={p} />
          ))}
        </datalist>
      </div>
      <div className="field">
        <label htmlFor={`${ids}-desc`}>Description</label>
        <textarea id={`${ids}-desc`} rows={3} maxLength={10000} dir="auto" value={f.description ?? ''} onChange={(e) => set({ description: e.target.value })} />
      </div>
      {children}
      {(problem ?? error) && (
        <p className="error" role="alert">
          {problem ?? error}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="button primary" aria-disabled={busy}>
          {submitLabel}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
