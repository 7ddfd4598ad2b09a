import { describe, expect, it } from 'vitest';
import { ALL_STATUSES, nextStatuses } from './transitions';

describe('status moves by role', () => {
  it('never offers a field worker cancelling, or reopening finished work', () => {
    for (const status of ALL_STATUSES) expect(nextStatuses(status, 'field')).not.toContain('cancelled');
    expect(nextStatuses('done', 'field')).toEqual([]);
    expect(nextStatuses('cancelled', 'field')).toEqual([]);
    expect(nextStatuses('on_site', 'field')).toContain('done');
  });

  it('lets leads and HQ move a job to any other status, cancelled included', () => {
    for (const role of ['lead', 'hq'] as const) {
      expect(nextStatuses('cancelled', role)).toContain('open');
      expect(nextStatuses('open', role)).toContain('cancelled');
      expect(nextStatuses('open', role)).not.toContain('open');
    }
  });
});
