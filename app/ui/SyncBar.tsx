import { useEffect, useId, useState, type FormEvent } from 'react';
import { syncText } from '../device/status-text';
import { useDevice, useSyncStatus } from '../device/useDevice';
import { useSession } from '../session/useSession';

/** Re-renders every 30 s so "last synced 2 min ago" stays true. */
function useMinuteClock(): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** The session cookie expired: ask for the password right here, then carry on syncing — nothing is lost. */
function RenewSession() {
  const device = useDevice();
  const renew = useSession((s) => s.renew);
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = useId();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    const message = await renew(password);
    setBusy(false);
    setProblem(message);
    if (message === null) {
      setPassword('');
      device?.sync.resume();
    }
  }

  return (
    <form className="renew" onSubmit={(e) => void submit(e)} aria-busy={busy}>
      <label htmlFor={`${ids}-pw`}>Password for {device?.identity.name}</label>
      <input id={`${ids}-pw`} type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
      <button type="submit" className="button primary small" aria-disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in again'}
      </button>
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}

/** Always visible: online or not, edits waiting, last sync, the first download's progress, and what to do. */
export function SyncBar() {
  const status = useSyncStatus();
  const now = useMinuteClock();
  if (!status) return null;
  const text = syncText(status, now);
  const initial = status.state.name === 'initial' ? status.state : null;
  return (
    <div className={`syncbar syncbar-${text.tone}`} data-testid="syncbar" data-state={status.state.name} data-pending={status.pendingPush}>
      <div role="status" aria-live="polite">
        <strong>{text.headline}</strong>
        {text.detail && <span className="syncbar-detail"> · {text.detail}</span>}
        {status.rejected.length > 0 && (
          <span className="syncbar-detail">
            {' '}
            · <a href="#/settings">{status.rejected.length} change{status.rejected.length === 1 ? '' : 's'} refused by the server</a>
          </span>
        )}
      </div>
      {initial && (
        <div className="syncbar-progress">
          <progress max={initial.total ?? undefined} value={initial.done} aria-label="Download progress" />
          <span data-testid="initial-progress">
            {initial.done}
            {initial.total ? ` / ${initial.total}` : ''} jobs
          </span>
        </div>
      )}
      {status.state.name === 'needs-login' && <RenewSession />}
    </div>
  );
}
