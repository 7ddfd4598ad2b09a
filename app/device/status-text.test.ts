import { describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../sync';
import { syncText } from './status-text';

const base: SyncStatus = { state: { name: 'live' }, pendingPush: 0, lastSyncedAt: 1_000_000, initialProgress: null, conflicts: 0, inbox: [], rejected: [] };

describe('syncText', () => {
  it('says up to date with the last sync time', () => {
    expect(syncText(base, 1_000_000 + 5 * 60_000)).toEqual({ headline: 'Up to date', detail: 'Last synced 5 min ago', tone: 'ok' });
  });

  it('counts changes waiting to send, offline or not', () => {
    expect(syncText({ ...base, state: { name: 'offline' }, pendingPush: 3 }, 0)).toMatchObject({ detail: '3 changes waiting to send', tone: 'warn' });
    expect(syncText({ ...base, pendingPush: 1 }, 0)).toMatchObject({ headline: 'Sending your changes…', detail: '1 change waiting to send' });
  });

  it('shows initial progress and asks to sign in again when the session ended', () => {
    expect(syncText({ ...base, state: { name: 'initial', done: 200, total: 1000 } }, 0).detail).toBe('200 of about 1000');
    expect(syncText({ ...base, state: { name: 'needs-login', message: 'Your session has ended.' } }, 0)).toMatchObject({ headline: 'Sign in again to keep syncing', tone: 'warn' });
  });
});
