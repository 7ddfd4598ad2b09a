/**
 * express-pouchdb builds its app from "parts" (one CommonJS module each, loaded in a fixed order).
 * The embedded server changes behaviour by replacing or extending individual parts *in place*, so
 * every fix runs at the exact point of the request pipeline where CouchDB would do that work
 * (for example: access control right after authentication, before any route touches a database).
 *
 * Overrides are installed once per process into Node's module cache before express-pouchdb builds
 * an app. They receive the app being built, so per-server state never leaks between servers.
 */
import type { PouchApp } from './internals';
import { requireCjs } from './internals';

type Part = (app: PouchApp) => void;
export type PartOverride = (app: PouchApp, original: Part) => void;

const installed = new Map<string, PartOverride>();

export function overridePart(part: string, override: PartOverride): void {
  const modulePath = requireCjs.resolve(`express-pouchdb/lib/${part}`);
  if (installed.has(modulePath)) {
    if (installed.get(modulePath) !== override) throw new Error(`express-pouchdb part ${part} is already overridden`);
    return;
  }
  const original = requireCjs(modulePath) as Part;
  const cached = requireCjs.cache[modulePath];
  if (!cached) throw new Error(`express-pouchdb part ${part} did not load`);
  cached.exports = (app: PouchApp) => override(app, original);
  installed.set(modulePath, override);
}
