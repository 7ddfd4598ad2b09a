import { useEffect, useState } from 'react';
import { persistedAnswer, persistedText, persistResultText, readStorage, usageText, type StorageFacts } from './storage';

function storageManager(): StorageManager | undefined {
  return typeof navigator !== 'undefined' ? navigator.storage : undefined;
}

/** How much this device stores, whether the browser may delete it, and asking it not to. */
export function StorageSection() {
  const [facts, setFacts] = useState<StorageFacts | null>(null);
  const [asking, setAsking] = useState(false);
  const [answer, setAnswer] = useState<{ text: string; granted: boolean } | null>(null);

  useEffect(() => {
    let live = true;
    void readStorage(storageManager()).then((f) => live && setFacts(f));
    return () => {
      live = false;
    };
  }, []);

  async function askToPersist() {
    const storage = storageManager();
    if (asking || !storage?.persist) return;
    setAsking(true);
    const granted = await storage.persist().catch(() => false);
    setAnswer({ text: persistResultText(granted), granted });
    setFacts(await readStorage(storage));
    setAsking(false);
  }

  const canAsk = facts !== null && facts.persisted !== true && typeof storageManager()?.persist === 'function';
  return (
    <section className="card settings-section" aria-labelledby="storage-title">
      <h2 id="storage-title">Storage</h2>
      {facts === null ? (
        <p className="hint" role="status">
          Reading storage…
        </p>
      ) : (
        <dl className="facts">
          <div>
            <dt>Used</dt>
            <dd data-testid="storage-usage">{usageText(facts)}</dd>
          </div>
          <div>
            <dt>Protected from clean-up</dt>
            <dd data-testid="storage-persisted">{persistedAnswer(facts.persisted)}</dd>
          </div>
        </dl>
      )}
      {facts && <p className="hint">{persistedText(facts.persisted)}</p>}
      {canAsk && (
        <button type="button" className="button" onClick={() => void askToPersist()} aria-disabled={asking}>
          {asking ? 'Asking the browser…' : 'Keep data on this device'}
        </button>
      )}
      {answer && (
        <p className={answer.granted ? 'device-notice' : 'error'} role="status" data-testid="persist-answer">
          {answer.text}
        </p>
      )}
    </section>
  );
}
