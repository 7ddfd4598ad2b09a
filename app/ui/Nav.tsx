import { useSyncStatus } from '../device/useDevice';
import type { Role } from '../../sync';
import { routeHref, type Route } from '../nav/route';
import { useRoute } from '../nav/useRoute';

function isCurrent(route: Route, target: Route['name']): boolean {
  if (target === 'jobs') return route.name === 'jobs' || route.name === 'job' || route.name === 'new-job';
  return route.name === target;
}

/** The app's sections; the conflict inbox carries a badge with how many conflicts wait for a person. */
export function Nav({ role }: { role: Role }) {
  const route = useRoute();
  const status = useSyncStatus();
  const waiting = status?.conflicts ?? 0;
  const items: Array<{ target: Route; label: string; badge?: number }> = [
    { target: { name: 'jobs' }, label: 'Jobs' },
    { target: { name: 'inbox' }, label: 'Conflicts', badge: waiting },
    ...(role === 'hq' ? [{ target: { name: 'dashboard' } as Route, label: 'Dashboard' }] : []),
    { target: { name: 'settings' }, label: 'Device' },
  ];
  return (
    <nav className="tabs" aria-label="Sections">
      {items.map((item) => (
        <a key={item.label} href={routeHref(item.target)} className="tab" aria-current={isCurrent(route, item.target.name) ? 'page' : undefined}>
          {item.label}
          {item.badge ? (
            <span className="badge" data-testid="conflict-badge" aria-label={`${item.badge} waiting`}>
              {item.badge}
            </span>
          ) : null}
        </a>
      ))}
    </nav>
  );
}
