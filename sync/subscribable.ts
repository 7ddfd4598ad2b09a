/** The base of everything the UI watches: a listener set, and a subscribe that returns its own unsubscribe. */
export type Listener = () => void;

export class Subscribable {
  protected readonly listeners = new Set<Listener>();

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  protected notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
