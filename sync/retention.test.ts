/** The device's retention rules as pure functions; the end-to-end behaviour is in couch-config/cli/retention.test.ts. */
import { describe, expect, it } from 'vitest';
import { devicePullSelector, isExpiredJob, retentionCutoff } from './retention';

const NOW = Date.parse('2026-06-15T10:00:00.000Z');

describe('device retention', () => {
  it('cuts off 90 days back, rounded down to the month so the pull selector (and its checkpoint) changes monthly', () => {
    expect(retentionCutoff(NOW)).toBe('2026-03-01T00:00:00.000Z');
    expect(retentionCutoff(Date.parse('2026-06-30T23:00:00.000Z'))).toBe('2026-04-01T00:00:00.000Z');
    expect(retentionCutoff(NOW, 30)).toBe('2026-05-01T00:00:00.000Z');
  });

  it('expires only closed jobs whose last change is before the cutoff', () => {
    const cutoff = retentionCutoff(NOW);
    const old = '2026-01-05T00:00:00.000Z';
    expect(isExpiredJob({ type: 'job', status: 'done', updatedAt: old }, cutoff)).toBe(true);
    expect(isExpiredJob({ type: 'job', status: 'cancelled', updatedAt: old }, cutoff)).toBe(true);
    expect(isExpiredJob({ type: 'job', status: 'blocked', updatedAt: old }, cutoff)).toBe(false);
    expect(isExpiredJob({ type: 'job', status: 'done', updatedAt: '2026-03-02T00:00:00.000Z' }, cutoff)).toBe(false);
    expect(isExpiredJob({ type: 'site', status: 'done', updatedAt: old }, cutoff)).toBe(false);
  });

  it('pulls the team minus expired jobs, and still lets tombstones and retention tombstones through', () => {
    expect(devicePullSelector('north', { now: NOW })).toEqual({
      team: 'north',
      $or: [
        { type: { $exists: false } },
        { type: { $nin: ['job'] } },
        { status: { $nin: ['done', 'cancelled'] } },
        { updatedAt: { $gte: '2026-03-01T00:00:00.000Z' } },
        { retiredAt: { $exists: true } },
      ],
    });
  });
});
