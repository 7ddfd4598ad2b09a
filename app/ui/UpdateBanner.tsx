import { useEffect } from 'react';
import { useUpdates } from '../pwa/serviceWorker';

/** "Ready to work offline" is news, not a question: it goes away by itself. */
const OFFLINE_READY_MS = 8_000;

/** Tells the person when Outpost works offline, and when a new version is waiting. */
export function UpdateBanner() {
  const needRefresh = useUpdates((s) => s.needRefresh);
  const offlineReady = useUpdates((s) => s.offlineReady);
  const update = useUpdates((s) => s.update);
  const dismiss = useUpdates((s) => s.dismiss);

  useEffect(() => {
    if (!offlineReady || needRefresh) return;
    const timer = setTimeout(dismiss, OFFLINE_READY_MS);
    return () => clearTimeout(timer);
  }, [offlineReady, needRefresh, dismiss]);

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
