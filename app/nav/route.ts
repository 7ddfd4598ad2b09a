/**
 * Where the person is in the app, kept in the URL hash so reloads (also offline, from the service worker) and the
 * back button land on the same screen. Pure parse/format, plus a tiny store fed by `hashchange`.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';

export type Route =
  | { readonly name: 'jobs' }
  | { readonly name: 'job'; readonly id: string }
  | { readonly name: 'new-job' }
  | { readonly name: 'inbox' }
  | { readonly name: 'dashboard' }
  | { readonly name: 'settings' };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#\/?/, '');
  const [head = '', ...rest] = path.split('/');
  switch (head) {
    case 'jobs':
      return rest[0] ? { name: 'job', id: decodeURIComponent(rest.join('/')) } : { name: 'jobs' };
    case 'new':
      return { name: 'new-job' };
    case 'inbox':
      return { name: 'inbox' };
    case 'dashboard':
      return { name: 'dashboard' };
    case 'settings':
      return { name: 'settings' };
    default:
      return { name: 'jobs' };
  }
}

export function routeHref(route: Route): string {
  switch (route.name) {
    case 'jobs':
      return '#/jobs';
    case 'job':
      return `#/jobs/${encodeURIComponent(route.id)}`;
    case 'new-job':
      return '#/new';
    default:
      return `#/${route.name}`;
  }
}

export interface RouteState {
  readonly route: Route;
}

export function createRouteStore(win: Pick<Window, 'location' | 'addEventListener'> = window): StoreApi<RouteState> & { go(route: Route): void } {
  const store = createStore<RouteState>()(() => ({ route: parseRoute(win.location.hash) }));
  win.addEventListener('hashchange', () => store.setState({ route: parseRoute(win.location.hash) }));
  return Object.assign(store, {
    go(route: Route) {
      win.location.hash = routeHref(route);
    },
  });
}
