import { useEffect, useState } from 'react';
import type { AppDb } from '../device/db';

export interface SiteOption {
  readonly id: string;
  readonly name: string;
  readonly team: string;
}

/** The sites on this device, by name: few enough to read at once (`site:` ids sort together). */
export function useSites(db: AppDb): readonly SiteOption[] {
  const [sites, setSites] = useState<readonly SiteOption[]>([]);
  useEffect(() => {
    let live = true;
    db.allDocs({ startkey: 'site:', endkey: 'site:\uffff', include_docs: true }).then(
      (res) => {
        if (!live) return;
        const list = res.rows.flatMap((row) => {
          const doc = row.doc as { name?: unknown; team?: unknown } | undefined;
          return doc && typeof doc.name === 'string' && typeof doc.team === 'string' ? [{ id: row.id, name: doc.name, team: doc.team }] : [];
        });
        setSites(list.sort((a, b) => a.name.localeCompare(b.name)));
      },
      () => {},
    );
    return () => {
      live = false;
    };
  }, [db]);
  return sites;
}
