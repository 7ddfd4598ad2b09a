import { describe, expect, it } from 'vitest';
import { parseRoute, routeHref, type Route } from './route';

describe('routes', () => {
  it('round-trips every screen through the hash', () => {
    const routes: Route[] = [{ name: 'jobs' }, { name: 'job', id: 'job:01HZ/x y' }, { name: 'new-job' }, { name: 'inbox' }, { name: 'dashboard' }, { name: 'settings' }];
    for (const route of routes) expect(parseRoute(routeHref(route))).toEqual(route);
  });

  it('sends anything unknown, and the bare app, to the job list', () => {
    expect(parseRoute('')).toEqual({ name: 'jobs' });
    expect(parseRoute('#/nowhere')).toEqual({ name: 'jobs' });
    expect(parseRoute('#/jobs/')).toEqual({ name: 'jobs' });
  });
});
