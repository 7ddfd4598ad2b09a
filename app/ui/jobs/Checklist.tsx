import { useId, useState, type FormEvent } from 'react';
import { addChecklistItem, toggleChecklistItem } from '../../../sync';
import type { JobPartProps } from './types';

export function Checklist({ job, device, save, busy }: JobPartProps) {
  const [label, setLabel] = useState('');
  const ids = useId();
  const done = job.checklist.filter((item) => item.done).length;

  async function add(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const text = label.trim();
    if (!text || busy) return;
    if (await save((j) => addChecklistItem(j, text, device.writer))) setLabel('');
  }

  return (
    <section className="panel" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>
        Checklist <span className="muted">({done} of {job.checklist.length} done)</span>
      </h2>
      <ul className="checklist">
        {job.checklist.map((item) => (
          <li key={item.id}>
            <label className="check">
              <input type="checkbox" checked={item.done} onChange={() => void save((j) => toggleChecklistItem(j, item.id, device.writer))} />
              <span className={item.done ? 'done' : undefined}>{item.label}</span>
            </label>
          </li>
        ))}
      </ul>
      <form className="inline-form" onSubmit={(e) => void add(e)}>
        <label htmlFor={`${ids}-new`} className="visually-hidden">
          New checklist item
        </label>
        <input id={`${ids}-new`} value={label} maxLength={200} placeholder="Add a checklist item" onChange={(e) => setLabel(e.target.value)} />
        <button type="submit" className="button small" aria-disabled={busy}>
          Add
        </button>
      </form>
    </section>
  );
}
