// pouchdb-node 9 ships no types. The DefinitelyTyped PouchDB typings declare a global `Buffer`
// interface that breaks Node's, so this declares only the little the contract suite uses.
declare module 'pouchdb-node' {
  interface Doc {
    _id: string;
    _rev?: string;
    [field: string]: unknown;
  }

  interface ReplicationResult {
    ok: boolean;
    docs_read: number;
    docs_written: number;
    errors: unknown[];
  }

  /** One-shot replications are thenable; live ones run until cancel(). */
  interface Replication extends PromiseLike<ReplicationResult> {
    on(event: 'change' | 'paused' | 'active' | 'denied' | 'error' | 'complete', listener: (info: unknown) => void): this;
    cancel(): void;
  }

  interface ReplicateOptions {
    live?: boolean;
    retry?: boolean;
    selector?: Record<string, unknown>;
    batch_size?: number;
  }

  interface Database {
    get(id: string): Promise<Doc & { _rev: string }>;
    put(doc: Doc): Promise<{ ok: boolean; id: string; rev: string }>;
    allDocs(): Promise<{ rows: Array<{ id: string; value: { rev: string } }> }>;
    close(): Promise<void>;
  }

  interface DatabaseOptions {
    fetch?: (url: string | Request, init?: RequestInit) => Promise<Response>;
    skip_setup?: boolean;
  }

  interface PouchDBStatic {
    new (name: string, options?: DatabaseOptions): Database;
    replicate(source: Database, target: Database, options?: ReplicateOptions): Replication;
  }

  const PouchDB: PouchDBStatic;
  export default PouchDB;
  export type { Database, Doc, Replication };
}
