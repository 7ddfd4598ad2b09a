import { useId, useState } from 'react';
import type { InboxEntry } from '../../../sync';
import type { Device } from '../../device/device';
import { useDevice, useSyncStatus } from '../../device/useDevice';
import { defaultChoices, differingFields, revOf, valueText, winnerFirst, type Version } from './versions';

function whenText(value: unknown): string {
  if (typeof value !== 'string') return 'at an unknown time';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

function whoText(version: Version): string {
  return typeof version.updatedBy === 'string' && version.updatedBy ? version.updatedBy : 'someone';
}

function versionLabel(version: Version, index: number): string {
  return `Version ${index + 1}: ${whoText(version)}, ${whenText(version.updatedAt)}`;
}

function titleOf(ordered: readonly Version[], entry: InboxEntry): string {
  for (const v of ordered) {
    if (typeof v.title === 'string' && v.title) return v.title;
    if (typeof v.name === 'string' && v.name) return v.name;
  }
  return entry.id;
}

function problemText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/not a leaf/.test(message)) return 'This changed while you were choosing (another device settled it, or someone edited it). The list is up to date again: choose once more.';
  if (/quota/i.test(message)) return 'This device is out of storage. Free some space (old photos, other apps), then press “Keep these” again.';
  return 'Your choice could not be saved. The conflict is still here: try “Keep these” again, or reload Outpost.';
}

function ConflictCard({ entry, device }: { entry: InboxEntry; device: Device }) {
  const ordered = winnerFirst(entry.versions);
  const fields = differingFields(ordered);
  const [choices, setChoices] = useState<Record<string, string>>(() => defaultChoices(fields, ordered));
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const ids = useId();
  const title = titleOf(ordered, entry);

  async function keep() {
    if (busy) return;
    setBusy(true);
    setProblem(null);
    try {
      // Fields with no choice yet (a version appeared after this card was drawn) keep the winner's value.
      await device.sync.resolveManually(entry.id, { ...defaultChoices(fields, ordered), ...choices });
      // Success: the engine drops the entry from the inbox and this card unmounts.
    } catch (err) {
      setProblem(problemText(err));
      // Re-read the conflict so the card shows the versions as they are now.
      await device.sync.resolveConflicts([entry.id]);
      setBusy(false);
    }
  }

  return (
    <article className="card inbox-conflict" aria-labelledby={`${ids}-title`} data-testid="conflict">
      <h2 id={`${ids}-title`}>{title}</h2>
      <p className="hint">{entry.why}</p>
      <ol className="conflict-versions" aria-label="Versions">
        {ordered.map((v, i) => (
          <li key={revOf(v)}>{versionLabel(v, i)}</li>
        ))}
      </ol>
      {fields.length === 0 ? (
        <p className="hint">The versions hold the same values; keeping them just closes the conflict.</p>
      ) : (
        fields.map((field) => (
          <fieldset key={field} className="conflict-field">
            <legend>{field}</legend>
            <div className="conflict-options">
              {ordered.map((v, i) => {
                const id = `${ids}-${field}-${i}`;
                return (
                  <label key={revOf(v)} htmlFor={id} className="conflict-option">
                    <input
                      id={id}
                      type="radio"
                      name={`${ids}-${field}`}
                      value={revOf(v)}
                      checked={choices[field] === revOf(v)}
                      onChange={() => setChoices((c) => ({ ...c, [field]: revOf(v) }))}
                    />
                    <span className="conflict-option-body">
                      <span className="conflict-option-who">
                        Version {i + 1} · {whoText(v)}
                      </span>
                      <span className="conflict-value">{valueText(v[field])}</span>
                    </span>
                  </label>
                );
              })}
            </div>
          </fieldset>
        ))
      )}
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      <button type="button" className="button primary" onClick={() => void keep()} aria-disabled={busy}>
        {busy ? 'Saving…' : 'Keep these'}
      </button>
    </article>
  );
}

/** Conflicts no merge rule could settle: the person picks, per field, which version's value to keep. */
export function InboxScreen() {
  const device = useDevice();
  const status = useSyncStatus();
  if (!device || !status) return null;
  return (
    <section className="screen inbox" aria-labelledby="inbox-title">
      <h1 id="inbox-title">Conflicts</h1>
      {status.inbox.length === 0 ? (
        <p className="empty" data-testid="inbox-empty">
          No conflicts waiting.
        </p>
      ) : (
        <>
          <p className="hint" role="status">
            {status.inbox.length} conflict{status.inbox.length === 1 ? '' : 's'} need{status.inbox.length === 1 ? 's' : ''} you: two devices changed the same thing, and Outpost cannot tell which to keep.
          </p>
          {status.inbox.map((entry) => (
            // Keyed by the leaves too: when the versions change, the choices start again from the new winner.
            <ConflictCard key={`${entry.id}:${entry.versions.map(revOf).join(',')}`} entry={entry} device={device} />
          ))}
        </>
      )}
    </section>
  );
}
