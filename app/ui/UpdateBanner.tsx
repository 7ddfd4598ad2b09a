import { useUpdates } from '../pwa/serviceWorker';

/** Tells the person when Outpost works offline, and when a new version is waiting. */
export function UpdateBanner() {
  const needRefresh = useUpdates((s) => s.needRefresh);
  const offlineReady = useUpdates((s) => s.offlineReady);
  const update = useUpdates((s) => s.update);
  const dismiss = useUpdates((s) => s.dismiss);

  if (!needRefresh && !offlineReady) return null;
  return (
    <div className="banner" role="status" data-testid="pwa-banner">
      <p>{needRefresh ? 'A new version of Outpost is ready.' : 'Outpost is ready to work offline.'}</p>
      <div className="banner-actions">
        {needRefresh && (
          <button type="button" className="button primary small" onClick={() => void update()}>
            Reload
          </button>
        )}
        <button type="button" className="button small" onClick={dismiss}>
          {needRefresh ? 'Later' : 'OK'}
        </button>
      </div>
    </div>
  );
}
