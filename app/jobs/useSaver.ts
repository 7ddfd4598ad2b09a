import { useCallback, useState } from 'react';
import type { JobDoc } from '../../sync';
import type { AppDb } from '../device/db';
import { saveEdit } from './save';

/**
 * Saves edits to one job and remembers the last failure in words the person can act on. `save` resolves to
 * true when the edit is stored, so a form clears its inputs only then — a failed save keeps what was typed.
 */
export function useSaver(db: AppDb, id: string) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const save = useCallback(
    async (edit: (job: JobDoc) => JobDoc): Promise<boolean> => {
      setBusy(true);
      try {
        await saveEdit<JobDoc>(db, id, edit);
        setError(null);
        return true;
      } catch (err) {
        setError(err instanceof Error ? err.message : String(err));
        return false;
      } finally {
        setBusy(false);
      }
    },
    [db, id],
  );
  return { save, error, busy, setError };
}
