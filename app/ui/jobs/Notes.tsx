import { useId, useState, type FormEvent } from 'react';
import { addNote } from '../../../sync';
import { whenText } from './format';
import type { JobPartProps } from './types';

export function Notes({ job, device, save, busy }: JobPartProps) {
  const [text, setText] = useState('');
  const ids = useId();

  async function add(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const body = text.trim();
    if (!body || busy) return;
    if (await save((j) => addNote(j, body, device.writer))) setText('');
  }

  return (
    <section className="panel" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>Notes</h2>
      {job.notes.length === 0 && <p className="hint">No notes yet.</p>}
      <ul className="notes" data-testid="notes">
        {job.notes.map((note) => (
          <li key={note.id} className="note">
            <p className="note-text" dir="auto">
              {note.text}
            </p>
            <p className="muted small">
              {note.by} · {whenText(note.at)}
            </p>
          </li>
        ))}
      </ul>
      <form className="form" onSubmit={(e) => void add(e)}>
        <div className="field">
          <label htmlFor={`${ids}-text`}>Add a note</label>
          <textarea id={`${ids}-text`} rows={3} maxLength={5000} dir="auto" value={text} onChange={(e) => setText(e.target.value)} />
        </div>
        <button type="submit" className="button small" aria-disabled={busy}>
          Save note
        </button>
      </form>
    </section>
  );
}
