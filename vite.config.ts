import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

/** Where `vite` (dev) proxies `/couch/*`. The built app is served by scripts/outpost.ts, which does the same. */
// An empty COUCH_URL counts as unset.
const couchUrl = process.env.COUCH_URL || 'http://127.0.0.1:5984';

/** Keep in step with scripts/make-icons.ts and app/styles.css. */
const THEME = '#0e5a4e';
const BACKGROUND = '#f3f1ea';

/**
 * Which build this is, shown in the app so a person (and the update test) can tell versions apart.
 * OUTPOST_BUILD_ID names it explicitly; otherwise the build time does.
 */
const buildId = process.env.OUTPOST_BUILD_ID || new Date().toISOString().slice(0, 16).replace('T', ' ');

export default defineConfig({
  define: {
    __OUTPOST_BUILD__: JSON.stringify(buildId),
  },
  plugins: [
    react(),
    VitePWA({
      registerType: 'prompt',
      strategies: 'generateSW',
      injectRegister: false, // app/pwa/serviceWorker.ts registers it through workbox-window
      includeManifestIcons: false, // globPatterns below already precaches every icon
      manifest: {
        id: '/',
        name: 'Outpost',
        short_name: 'Outpost',
        description: 'Field jobs for your team, online or offline.',
        lang: 'en',
        display: 'standalone',
        start_url: '/',
        scope: '/',
        theme_color: THEME,
        background_color: BACKGROUND,
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,png,svg}'],
        navigateFallback: '/index.html',
        // CouchDB is never answered from the service worker: not by the navigation fallback,
        // and there is no runtime caching rule that could match it.
        navigateFallbackDenylist: [/^\/couch\//],
        cleanupOutdatedCaches: true,
      },
    }),
  ],
  build: {
    target: 'es2022',
    sourcemap: true,
    // The budget that matters is the initial JS over the wire (gzip), measured by `npm run bench`; Rollup's
    // warning counts uncompressed bytes.
    chunkSizeWarningLimit: 700,
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      // Only /couch and /couch/…, not e.g. /couchx.
      '^/couch(/|$)': {
        target: couchUrl,
        changeOrigin: true,
        rewrite: (path) => path.replace(/^\/couch/, '') || '/',
      },
    },
  },
  preview: {
    host: '127.0.0.1',
  },
});
