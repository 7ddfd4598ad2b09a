// Global setup for the contract suite: decide which CouchDB the tests talk to and hand its
// address and admin credentials to every test file through vitest's provide/inject.
//
// - COUCH_URL set: a real CouchDB 3.x (or any server) is used as is; COUCH_ADMIN_USER and
//   COUCH_ADMIN_PASSWORD must be set too.
// - otherwise: the embedded server is started in memory on an ephemeral port and closed afterwards.
import type { TestProject } from 'vitest/node';

export interface CouchTarget {
  /** Base URL without credentials and without a trailing slash. */
  url: string;
  adminUser: string;
  adminPassword: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    couch: CouchTarget;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.COUCH_URL;
  if (external) {
    const adminUser = process.env.COUCH_ADMIN_USER;
    const adminPassword = process.env.COUCH_ADMIN_PASSWORD;
    if (!adminUser || !adminPassword) {
      throw new Error(
        'contract suite: COUCH_URL is set, so COUCH_ADMIN_USER and COUCH_ADMIN_PASSWORD must be set too ' +
          '(the server admin the suite uses to create and delete its throwaway databases and users).',
      );
    }
    const url = new URL(external);
    if (url.username || url.password) {
      throw new Error('contract suite: put the admin credentials in COUCH_ADMIN_USER/COUCH_ADMIN_PASSWORD, not in COUCH_URL.');
    }
    project.provide('couch', { url: external.replace(/\/+$/, ''), adminUser, adminPassword });
    return async () => {};
  }

  // Loaded lazily so that a run against COUCH_URL never needs the embedded server's dependencies.
  const { startEmbeddedServer } = await import('../server/index');
  const server = await startEmbeddedServer({ storage: 'memory', port: 0, quiet: true });
  project.provide('couch', { url: server.url, adminUser: server.admin.user, adminPassword: server.admin.password });
  return async () => {
    await server.close();
  };
}
