// pouchdb-find's Node build, imported by file for the same reason as bench/vendor.d.ts: the DefinitelyTyped
// PouchDB typings behind the bare name declare a global `Buffer` that breaks Node's.
declare module 'pouchdb-find/lib/index.js' {
  const plugin: Record<string, unknown>;
  export default plugin;
}
