// PouchDB 9's browser packages, typed only as far as Outpost uses them (bench/, app/device/). The page imports them by
// file because the bare names would pull in the DefinitelyTyped PouchDB typings, whose global `Buffer` interface
// breaks Node's everywhere else in the project (see couch-config/contract/pouchdb-node.d.ts).

declare module 'pouchdb-browser/lib/index.es.js' {
  /** One write's outcome, as the sync engine reads it. */
  export type BulkResult = import('../sync/db').BulkResult;
  export interface Database {
    readonly adapter: string;
    bulkDocs(docs: object[], opts?: { new_edits?: boolean }): Promise<BulkResult[]>;
    allDocs(opts: { include_docs?: boolean; limit?: number }): Promise<{ rows: Array<{ id: string; doc?: object }> }>;
    createIndex(opts: { index: { fields: string[] } }): Promise<{ result: string }>;
    find(req: { selector: Record<string, unknown>; limit?: number; fields?: string[]; use_index?: string }): Promise<{ docs: object[]; warning?: string }>;
    destroy(): Promise<unknown>;
    close(): Promise<unknown>;
  }
  export interface Replication extends PromiseLike<{ ok: boolean; docs_written: number }> {
    on(event: 'complete' | 'error', listener: (info: unknown) => void): Replication;
    cancel(): void;
  }
  export type Plugin = ((pouch: PouchStatic) => void) | Record<string, unknown>;
  export interface PouchStatic {
    new (name: string, opts?: { adapter?: string; fetch?: (input: string | URL | Request, init?: RequestInit) => Promise<Response>; skip_setup?: boolean }): Database;
    plugin(plugin: Plugin): PouchStatic;
    replicate(source: Database, target: Database, opts?: { selector?: Record<string, unknown> }): Replication;
  }
  const PouchDB: PouchStatic;
  export default PouchDB;
}

declare module 'pouchdb-adapter-indexeddb/lib/index.es.js' {
  const plugin: import('pouchdb-browser/lib/index.es.js').Plugin;
  export default plugin;
}

declare module 'pouchdb-find/lib/index-browser.es.js' {
  const plugin: import('pouchdb-browser/lib/index.es.js').Plugin;
  export default plugin;
}
