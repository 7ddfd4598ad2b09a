/** What the sync bar says, in words a field worker understands. Pure, so it is tested without a browser. */
import type { SyncStatus } from '../../sync';

export interface SyncText {
  headline: string;
  detail: string | null;
  tone: 'ok' | 'busy' | 'warn';
}

function ago(then: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - then) / 1000));
  if (seconds < 60) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  return `${Math.round(minutes / 60)} h ago`;
}

export function syncText(status: SyncStatus, now: number): SyncText {
  const waiting = status.pendingPush > 0 ? `${status.pendingPush} change${status.pendingPush === 1 ? '' : 's'} waiting to send` : null;
  const last = status.lastSyncedAt === null ? null : `Last synced ${ago(status.lastSyncedAt, now)}`;
  const state = status.state;
  switch (state.name) {
    case 'offline':
      return { headline: 'Offline — your changes are saved on this device', detail: waiting ?? last, tone: 'warn' };
    case 'connecting':
      return { headline: 'Connecting…', detail: waiting ?? last, tone: 'busy' };
    case 'initial':
      return { headline: "Downloading your team's jobs", detail: state.total ? `${state.done} of about ${state.total}` : `${state.done} so far`, tone: 'busy' };
    case 'live':
      return { headline: waiting ? 'Sending your changes…' : 'Up to date', detail: waiting ?? last, tone: waiting ? 'busy' : 'ok' };
    case 'paused':
      return { headline: 'Sync paused', detail: waiting ?? last, tone: 'warn' };
    case 'needs-login':
      return { headline: 'Sign in again to keep syncing', detail: state.message, tone: 'warn' };
    case 'error':
      return { headline: 'Sync is having trouble', detail: state.message, tone: 'warn' };
  }
}
