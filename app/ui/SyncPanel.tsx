import { useEffect, useState, useSyncExternalStore } from 'react';
import type { SyncController } from '../../sync';
import type { Identity } from '../session/identity';
import { startDeviceSync, type DeviceSync } from '../sync/device';
import { syncText } from '../sync/status-text';

/** Starts this device's sync for the signed-in person, and stops it when they sign out. */
function useDeviceSync(identity: Identity): DeviceSync | null {
  const [device, setDevice] = useState<DeviceSync | null>(null);
  const team = identity.team;
  useEffect(() => {
    if (!team) return;
    const started = startDeviceSync({ ...identity, team });
    setDevice(started);
    return () => {
      started.sync.stop();
      setDevice(null);
    };
    // One sync per person and team; the rest of the identity does not change while signed in.
  }, [identity.name, team]);
  return device;
}

function SyncBar({ sync }: { sync: SyncController }) {
  const status = useSyncExternalStore(sync.subscribe, sync.getStatus);
  const text = syncText(status, Date.now());
  const progress = status.state.name === 'initial' ? status.state : null;
  return (
    <div className={`syncbar syncbar-${text.tone}`} role="status" data-testid="syncbar" data-state={status.state.name}>
      <strong>{text.headline}</strong>
      {text.detail && <span className="syncbar-detail"> · {text.detail}</span>}
      {progress && <progress max={progress.total ?? undefined} value={progress.done} aria-label="Download progress" />}
    </div>
  );
}

function JobCount({ device }: { device: DeviceSync }) {
  const status = useSyncExternalStore(device.sync.subscribe, device.sync.getStatus);
  const [count, setCount] = useState<number | null>(null);
  useEffect(() => {
    let cancelled = false;
    void device.local.allDocs({ startkey: 'job:', endkey: 'job:\uffff' }).then((res) => {
      if (!cancelled) setCount(res.rows.length);
    });
    return () => {
      cancelled = true;
    };
  }, [device, status.lastSyncedAt]);
  if (count === null) return null;
  return (
    <p className="hint" data-testid="job-count">
      {count} job{count === 1 ? '' : 's'} on this device
    </p>
  );
}

export function SyncPanel({ identity }: { identity: Identity }) {
  const device = useDeviceSync(identity);
  if (!identity.team) return <p className="hint">HQ works online: team sync runs on field devices.</p>;
  if (!device) return null;
  return (
    <>
      <SyncBar sync={device.sync} />
      <JobCount device={device} />
    </>
  );
}
