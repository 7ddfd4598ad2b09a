declare const __OUTPOST_BUILD__: string;

/** The build this page runs (set by vite.config.ts at build time). */
export const BUILD_ID: string = typeof __OUTPOST_BUILD__ === 'string' ? __OUTPOST_BUILD__ : 'development';
