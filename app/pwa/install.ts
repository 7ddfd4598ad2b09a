/**
 * "Install Outpost" as a small store. Chromium fires `beforeinstallprompt` once it considers the app installable;
 * we keep that event (and stop the browser's own mini-infobar) so the Device screen can offer the install when the
 * person asks. The event can be used once, and is forgotten after `appinstalled`. Browsers without the event
 * (Safari, Firefox) simply never show the button. Start listening early (main.tsx): the event may fire before any
 * screen is shown.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';

/** Chromium's install prompt event (not in the DOM typings). */
export interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<unknown>;
  readonly userChoice: Promise<{ outcome: 'accepted' | 'dismissed'; platform?: string }>;
}

export type InstallOutcome = 'accepted' | 'dismissed' | 'unavailable';

export interface InstallState {
  /** The browser offered an install that has not been used yet. */
  readonly canInstall: boolean;
  /** The app was installed while this page was open. */
  readonly installed: boolean;
  /** Shows the browser's install dialog; what the person chose. */
  install(): Promise<InstallOutcome>;
}

export type InstallStore = StoreApi<InstallState> & {
  /** Listens on `target` (default: window). Idempotent. */
  start(target?: EventTarget): void;
  stop(): void;
};

function isInstallPrompt(event: Event): event is BeforeInstallPromptEvent {
  return typeof (event as Partial<BeforeInstallPromptEvent>).prompt === 'function';
}

export function createInstallStore(): InstallStore {
  let deferred: BeforeInstallPromptEvent | null = null;
  let stopListening: (() => void) | null = null;

  const store = createStore<InstallState>()((set) => ({
    canInstall: false,
    installed: false,
    async install() {
      const event = deferred;
      if (!event) return 'unavailable';
      // The event's prompt works once: forget it before awaiting, so a double tap cannot prompt twice.
      deferred = null;
      set({ canInstall: false });
      await event.prompt();
      const { outcome } = await event.userChoice;
      return outcome;
    },
  }));

  const onPrompt = (event: Event): void => {
    if (!isInstallPrompt(event)) return;
    event.preventDefault();
    deferred = event;
    store.setState({ canInstall: true });
  };
  const onInstalled = (): void => {
    deferred = null;
    store.setState({ canInstall: false, installed: true });
  };

  return Object.assign(store, {
    start(target: EventTarget = window) {
      if (stopListening) return;
      target.addEventListener('beforeinstallprompt', onPrompt);
      target.addEventListener('appinstalled', onInstalled);
      stopListening = () => {
        target.removeEventListener('beforeinstallprompt', onPrompt);
        target.removeEventListener('appinstalled', onInstalled);
      };
    },
    stop() {
      stopListening?.();
      stopListening = null;
    },
  });
}

/** The app's one install store; `main.tsx` starts it. */
export const installStore = createInstallStore();
