import { useEffect, useState } from 'react';
import type { Doc } from '../../sync';
import type { AppDb } from '../device/db';

export type DocState<D> = { readonly status: 'loading' } | { readonly status: 'missing' } | { readonly status: 'ready'; readonly doc: D };

/** One document, kept current: edits on this device and changes the sync pulls show as they land. */
export function useDoc<D extends Doc>(db: AppDb, id: string): DocState<D> {
  const [state, setState] = useState<DocState<D>>({ status: 'loading' });
  useEffect(() => {
    let live = true;
    const read = () =>
      db.get(id).then(
        (doc) => live && setState({ status: 'ready', doc: doc as D }),
        () => live && setState({ status: 'missing' }),
      );
    void read();
    const feed = db.changes({ since: 'now', live: true, doc_ids: [id], return_docs: false });
    feed.on('change', () => void read());
    feed.on('error', () => {});
    return () => {
      live = false;
      feed.cancel();
    };
  }, [db, id]);
  return state;
}
