import { useState } from 'react';
import type { SyncStatus } from '../../../sync';
import type { Device } from '../../device/device';
import { useDevice, useSyncStatus } from '../../device/useDevice';
import { useSession } from '../../session/useSession';
import { AccountSection } from './AccountSection';
import { InstallSection } from './InstallSection';
import { RejectedSection } from './RejectedSection';
import { StorageSection } from './StorageSection';
import { useExport } from './useExport';
import { useRejectedRows } from './useRejectedRows';

function Settings({ device, status }: { device: Device; status: SyncStatus }) {
  const rows = useRejectedRows(device, status.rejected, status.pendingPush);
  // Until the device has checked which refusals are still current, count all of them: better to warn once too often.
  const rejectedCount = rows?.length ?? status.rejected.length;
  const exporter = useExport(device, rows?.map((r) => r.entry) ?? status.rejected);
  // The engine has no push checkpoint until the first download completes, so meanwhile it counts what that
  // download writes as pending (the push starts after it anyway): count only refusals until it is done.
  const firstDownload = status.state.name === 'initial';
  const unsynced = (firstDownload ? 0 : status.pendingPush) + rejectedCount;
  const [warning, setWarning] = useState(false);
  const warningShown = warning && unsynced > 0;

  return (
    <section className="screen settings" aria-labelledby="settings-title">
      <h1 id="settings-title">Device</h1>
      <AccountSection device={device} unsynced={unsynced} exporter={exporter} warning={warning} onWarning={setWarning} />
      <section className="card settings-section" aria-labelledby="unsynced-title">
        <h2 id="unsynced-title">Unsynced edits</h2>
        <p className="hint" data-testid="unsynced-count">
          {unsynced === 0
            ? 'The server has every edit from this device.'
            : `${unsynced} change${unsynced === 1 ? ' is' : 's are'} only on this device so far.`}
        </p>
        <button type="button" className="button" onClick={() => void exporter.run()} aria-disabled={exporter.busy}>
          {exporter.busy ? 'Exporting…' : 'Export unsynced edits'}
        </button>
        {exporter.message && !warningShown && (
          <p className={exporter.message.failed ? 'error' : 'device-notice'} role={exporter.message.failed ? 'alert' : 'status'} data-testid="export-result">
            {exporter.message.text}
          </p>
        )}
        {rows && <RejectedSection rows={rows} device={device} />}
      </section>
      <StorageSection />
      <InstallSection />
    </section>
  );
}

/** The Device screen: account and sign-out, unsynced and refused edits, storage, install. */
export function SettingsScreen() {
  const device = useDevice();
  const status = useSyncStatus();
  const signingOut = useSession((s) => s.session.status === 'signing-out');
  if (!device || !status) {
    // Signing out closes the device before the session ends: say what is happening meanwhile.
    return signingOut ? (
      <p className="hint" role="status" data-testid="signing-out">
        Signing out and deleting this device’s copy of your data…
      </p>
    ) : null;
  }
  return <Settings device={device} status={status} />;
}
