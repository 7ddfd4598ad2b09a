import { useState } from 'react';
import type { Device } from '../../device/device';
import { routeHref } from '../../nav/route';
import { discardRejected } from './discard';
import type { RejectedRow } from './useRejectedRows';

function RejectedItem({ row, device }: { row: RejectedRow; device: Device }) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const { entry, title } = row;

  async function discard() {
    if (busy) return;
    setBusy(true);
    const result = await discardRejected(entry, { local: device.local, dbUrl: `/couch/${encodeURIComponent(device.remoteName)}` });
    setBusy(false);
    // On success the device's revision changes and the entry leaves the list on the next status update.
    setProblem(result.ok ? null : result.message);
  }

  return (
    <li className="rejected-item" data-testid="rejected-write">
      <p className="rejected-title">{title ?? entry.id}</p>
      <p className="rejected-reason">
        <span className="muted">The server said: </span>
        {entry.reason}
      </p>
      <div className="rejected-actions">
        {entry.id.startsWith('job:') && (
          <a className="button small" href={routeHref({ name: 'job', id: entry.id })}>
            Open job
          </a>
        )}
        <button type="button" className="button small" onClick={() => void discard()} aria-disabled={busy}>
          {busy ? 'Discarding…' : 'Discard my change'}
        </button>
      </div>
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
    </li>
  );
}

/** Writes the server refused: each stays on the device until the person fixes it (Open job) or discards it. */
export function RejectedSection({ rows, device }: { rows: readonly RejectedRow[]; device: Device }) {
  if (rows.length === 0) return null;
  return (
    <div className="rejected" aria-labelledby="rejected-title">
      <h3 id="rejected-title">
        {rows.length} change{rows.length === 1 ? '' : 's'} refused by the server
      </h3>
      <p className="hint">
        These edits are kept on this device only. Open the job to fix what the server refused, or discard your change to go back to the server’s version (needs a connection).
      </p>
      <ul className="rejected-list">
        {rows.map((row) => (
          <RejectedItem key={`${row.entry.id}@${row.entry.rev}`} row={row} device={device} />
        ))}
      </ul>
    </div>
  );
}
