import { useState } from 'react';
import { useStore } from 'zustand';
import { installStore } from '../../pwa/install';

/** Offered only where the browser fired `beforeinstallprompt` (Chromium); nothing elsewhere. */
export function InstallSection() {
  const canInstall = useStore(installStore, (s) => s.canInstall);
  const installed = useStore(installStore, (s) => s.installed);
  const install = useStore(installStore, (s) => s.install);
  const [result, setResult] = useState<string | null>(null);

  if (!canInstall && !installed && result === null) return null;

  async function onInstall() {
    const outcome = await install().catch(() => 'unavailable' as const);
    setResult(
      outcome === 'accepted'
        ? 'Installing: Outpost opens from your home screen, also without signal.'
        : outcome === 'dismissed'
          ? 'Not installed. You can install later from the browser menu (“Install app” or “Add to Home screen”).'
          : 'The browser no longer offers the install here. Use its menu: “Install app” or “Add to Home screen”.',
    );
  }

  return (
    <section className="card settings-section" aria-labelledby="install-title">
      <h2 id="install-title">App</h2>
      {installed ? (
        <p className="device-notice" role="status">
          Outpost is installed on this device.
        </p>
      ) : (
        <>
          <p className="hint">Installed, Outpost starts from the home screen like any app, and the browser is more likely to keep its data.</p>
          {canInstall && (
            <button type="button" className="button primary" onClick={() => void onInstall()}>
              Install Outpost
            </button>
          )}
        </>
      )}
      {result && !installed && (
        <p className="hint" role="status">
          {result}
        </p>
      )}
    </section>
  );
}
