// Minimal typings for the untyped CommonJS packages the embedded server is built on.
// Only what Outpost touches is declared; everything else stays opaque (`unknown`).

declare module 'express-pouchdb' {
  import type { Express } from 'express';
  interface ExpressPouchOptions {
    mode?: 'fullCouchDB' | 'minimumForPouchDB' | 'custom';
    inMemoryConfig?: boolean;
    configPath?: string;
    logPath?: string;
    overrideMode?: { include?: string[]; exclude?: string[] };
  }
  function expressPouchDB(opts: ExpressPouchOptions): Express;
  export = expressPouchDB;
}

declare module 'pouchdb-adapter-leveldb';
declare module 'pouchdb-adapter-memory';
