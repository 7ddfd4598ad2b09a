/**
 * Is this device out of storage? PouchDB's IndexedDB adapter reports a write that the browser aborted for lack of
 * space as a generic "transaction was aborted" (the QuotaExceededError is dropped), so after such a failure the
 * app asks the browser directly: it writes a small record into a database of its own and reads the error name.
 */
const PROBE_DB = 'outpost-storage-probe';
const PROBE_BYTES = 64 * 1024;

function isQuotaError(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'QuotaExceededError';
}

export async function storageIsFull(idb: IDBFactory = indexedDB): Promise<boolean> {
  let db: IDBDatabase;
  try {
    db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = idb.open(PROBE_DB, 1);
      open.onupgradeneeded = () => open.result.createObjectStore('probe');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
  } catch (error) {
    return isQuotaError(error);
  }
  try {
    return await new Promise<boolean>((resolve) => {
      let tx: IDBTransaction;
      try {
        tx = db.transaction('probe', 'readwrite');
        tx.objectStore('probe').put(new Uint8Array(PROBE_BYTES), 'probe');
      } catch (error) {
        return resolve(isQuotaError(error));
      }
      tx.oncomplete = () => {
        // Give the space back at once.
        db.transaction('probe', 'readwrite').objectStore('probe').delete('probe');
        resolve(false);
      };
      tx.onabort = () => resolve(isQuotaError(tx.error));
    });
  } finally {
    db.close();
  }
}
