import { useEffect, useRef } from 'react';
import type { Device } from '../../device/device';
import { roleLabel } from '../../session/identity';
import { useSession } from '../../session/useSession';
import type { ExportState } from './useExport';

/**
 * Who is signed in, and signing out. Signing out deletes this person's local database (devices are shared), so
 * with edits the server does not have yet the person is warned first and offered the export.
 */
export interface AccountSectionProps {
  device: Device;
  /** Edits the server does not have yet: pending pushes plus refused writes. */
  unsynced: number;
  exporter: ExportState;
  /** The "not reached the server" warning is open (owned by the screen, which shows the export result once). */
  warning: boolean;
  onWarning(open: boolean): void;
}

export function AccountSection({ device, unsynced, exporter, warning, onWarning }: AccountSectionProps) {
  const session = useSession((s) => s.session);
  const signOut = useSession((s) => s.signOut);
  const signingOut = session.status === 'signing-out';
  const shown = warning && unsynced > 0;
  const exportFirst = useRef<HTMLButtonElement>(null);
  // Keyboard and screen-reader users land on the safe choice when the warning opens.
  useEffect(() => {
    if (shown) exportFirst.current?.focus();
  }, [shown]);
  const { identity } = device;

  function onSignOut() {
    if (signingOut) return;
    if (unsynced > 0) onWarning(true);
    else void signOut();
  }

  return (
    <section className="card settings-section" aria-labelledby="account-title">
      <h2 id="account-title">Account</h2>
      <dl className="facts">
        <div>
          <dt>Name</dt>
          <dd data-testid="account-name">{identity.name}</dd>
        </div>
        <div>
          <dt>Team</dt>
          <dd>{identity.team ?? (identity.role === 'hq' ? 'All teams' : 'None')}</dd>
        </div>
        <div>
          <dt>Role</dt>
          <dd>{roleLabel(identity.role)}</dd>
        </div>
      </dl>
      {shown ? (
        <div className="signout-warning" role="group" aria-labelledby="signout-warning-text" data-testid="signout-warning">
          <p id="signout-warning-text" role="alert">
            <strong>
              {unsynced} change{unsynced === 1 ? ' has' : 's have'} not reached the server. Signing out deletes {unsynced === 1 ? 'it' : 'them'} from this device.
            </strong>
          </p>
          <div className="signout-actions">
            <button ref={exportFirst} type="button" className="button primary" onClick={() => void exporter.run()} aria-disabled={exporter.busy}>
              {exporter.busy ? 'Exporting…' : 'Export first'}
            </button>
            <button type="button" className="button danger" onClick={() => void signOut()} aria-disabled={signingOut}>
              Sign out and delete
            </button>
            <button type="button" className="button" onClick={() => onWarning(false)}>
              Stay signed in
            </button>
          </div>
          {exporter.message && (
            <p className={exporter.message.failed ? 'error' : 'device-notice'} role={exporter.message.failed ? 'alert' : 'status'} data-testid="export-result">
              {exporter.message.text}
            </p>
          )}
        </div>
      ) : (
        <button type="button" className="button" onClick={onSignOut} aria-disabled={signingOut}>
          Sign out
        </button>
      )}
      {signingOut && (
        <p className="hint" role="status">
          Signing out…
        </p>
      )}
    </section>
  );
}
