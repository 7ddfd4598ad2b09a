import { useStore } from 'zustand';
import { createRouteStore, type Route } from './route';

export const routeStore = createRouteStore();

export function useRoute(): Route {
  return useStore(routeStore, (s) => s.route);
}

export const go = (route: Route): void => routeStore.go(route);
