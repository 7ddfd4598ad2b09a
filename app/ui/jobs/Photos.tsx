import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { addPhoto, type JobDoc } from '../../../sync';
import type { AppDb } from '../../device/db';
import { compressPhoto, PhotoError } from '../../jobs/photo';
import type { JobPartProps } from './types';

function attachmentName(job: JobDoc, photoId: string): string | null {
  return Object.keys(job._attachments ?? {}).find((name) => name.startsWith(`photo-${photoId}.`)) ?? null;
}

/** A photo read from the local database; its object URL is released when it leaves the screen. */
function PhotoThumb({ db, job, photoId, caption }: { db: AppDb; job: JobDoc; photoId: string; caption: string }) {
  const [url, setUrl] = useState<string | null>(null);
  const name = attachmentName(job, photoId);
  useEffect(() => {
    if (!name) return;
    let objectUrl: string | null = null;
    let live = true;
    db.getAttachment(job._id, name).then(
      (blob) => {
        if (!live) return;
        objectUrl = URL.createObjectURL(blob);
        setUrl(objectUrl);
      },
      () => {},
    );
    return () => {
      live = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [db, job._id, name]);
  if (!name) return <div className="photo-missing">Photo still arriving…</div>;
  return url ? <img src={url} alt={caption || 'Job photo'} className="photo" loading="lazy" /> : <div className="photo-missing">Loading…</div>;
}

export function Photos({ job, device, save, busy }: JobPartProps) {
  const [file, setFile] = useState<File | null>(null);
  const [caption, setCaption] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [working, setWorking] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const ids = useId();

  async function add(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!file || busy || working) return;
    setWorking(true);
    setProblem(null);
    try {
      const blob = await compressPhoto(file);
      const saved = await save((j) => addPhoto(j, { caption: caption.trim(), contentType: 'image/jpeg', data: blob }, device.writer));
      if (saved) {
        setFile(null);
        setCaption('');
        if (input.current) input.current.value = '';
      }
    } catch (err) {
      setProblem(err instanceof PhotoError ? err.message : `The photo could not be added (${String(err)}). Try again.`);
    } finally {
      setWorking(false);
    }
  }

  return (
    <section className="panel" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>Photos</h2>
      {job.photos.length === 0 && <p className="hint">No photos yet.</p>}
      <ul className="photos">
        {job.photos.map((p) => (
          <li key={p.id}>
            <figure>
              <PhotoThumb db={device.local} job={job} photoId={p.id} caption={p.caption} />
              <figcaption dir="auto">{p.caption || <span className="muted">No caption</span>}</figcaption>
            </figure>
          </li>
        ))}
      </ul>
      <form className="form" onSubmit={(e) => void add(e)}>
        <div className="field">
          <label htmlFor={`${ids}-file`}>Take or choose a photo</label>
          <input ref={input} id={`${ids}-file`} type="file" accept="image/*" capture="environment" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-caption`}>Caption</label>
          <input id={`${ids}-caption`} value={caption} maxLength={500} dir="auto" onChange={(e) => setCaption(e.target.value)} />
        </div>
        {problem && (
          <p className="error" role="alert" data-testid="photo-error">
            {problem}
          </p>
        )}
        <button type="submit" className="button small" aria-disabled={!file || busy || working}>
          {working ? 'Adding photo…' : 'Add photo'}
        </button>
      </form>
    </section>
  );
}
