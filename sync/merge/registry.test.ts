import { describe, expect, it } from 'vitest';
import { createHandlerRegistry, domainHandlers, forType } from './registry';
import { mergeJob } from './job';
import { mergeSite } from './site';
import { BASE_JOB } from './testing/arbitraries';
import type { AnyMergeHandler } from './types';

const named = (name: string): AnyMergeHandler => (leaves) => ({ body: { ...leaves[0], _id: name, type: 'x' }, decidedFields: [] });

describe('createHandlerRegistry', () => {
  it('has no handler at all by default: every conflict goes to the inbox', () => {
    expect(createHandlerRegistry().resolve('job')).toBeUndefined();
  });

  it('layers per-call override over per-type over the global default', () => {
    const global = named('global');
    const forJobs = named('jobs');
    const once = named('once');
    const registry = createHandlerRegistry({ defaultHandler: global, byType: { job: forJobs } });
    expect(registry.resolve('job')).toBe(forJobs);
    expect(registry.resolve('site')).toBe(global);
    expect(registry.resolve('job', once)).toBe(once);
    expect(registry.resolve('job', null)).toBeUndefined(); // forced to the inbox
    registry.setHandler('job', undefined);
    expect(registry.resolve('job')).toBe(global);
    registry.setDefault(undefined);
    expect(registry.resolve('job')).toBeUndefined();
    registry.setHandler('site', forJobs);
    expect(registry.resolve('site')).toBe(forJobs);
  });

  it('ships the domain handlers, which refuse leaves of another type', () => {
    const registry = createHandlerRegistry({ byType: domainHandlers });
    const job = { ...BASE_JOB, _rev: '1-a' };
    expect(registry.resolve('job')?.([job]).body).toEqual(mergeJob([job]).body);
    expect(() => registry.resolve('site')?.([job])).toThrow(/site handler was given a leaf of another type/);
    expect(() => forType('site', mergeSite)([job])).toThrow();
    expect(registry.resolve('invoice')).toBeUndefined();
  });
});
