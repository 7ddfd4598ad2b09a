/**
 * What to tell a person when a session call fails. Each message says what went wrong in plain
 * words and what to do next. Pure: the same action and problem always give the same text.
 */
import type { Failure } from './api';

export type SessionAction = 'check' | 'sign-in' | 'sign-out';

/** An HTTP failure, or a sign-in the server accepted but whose cookie the browser did not keep. */
export type Problem = Failure | { readonly kind: 'cookie-not-kept' };

export const MESSAGES = {
  wrongPassword: 'Wrong name or password. Check both and try again.',
  unreachable: "Can't reach the Outpost server. Check your connection and try again.",
  firstSignInNeedsNetwork:
    "Can't reach the Outpost server. The first sign-in on this device needs a connection: connect and try again.",
  signedOutOffline:
    "You are signed out of this device. Outpost will also end your session on the server the next time it is online.",
  wipeFailed: "You are signed out, but this device's copy of your jobs could not be deleted. Reload the page and sign in and out again.",
  cookieNotKept:
    "Your name and password were accepted, but this browser didn't keep the sign-in cookie. Allow cookies for this site and try again.",
} as const;

const DOING: Record<SessionAction, string> = {
  check: 'check whether you are signed in',
  'sign-in': 'sign you in',
  'sign-out': 'sign you out',
};

const MAX_REASON = 200;

function serverReason(error: string | null, reason: string | null): string {
  const text = (reason ?? error ?? 'no reason given').trim().replace(/[.\s]+$/, '');
  return text.length > MAX_REASON ? `${text.slice(0, MAX_REASON - 1)}…` : text;
}

function retryAdvice(status: number): string {
  return status >= 500
    ? 'Try again in a minute; if it keeps happening, tell your Outpost admin.'
    : 'Try again; if it keeps happening, tell your Outpost admin.';
}

export function problemMessage(action: SessionAction, problem: Problem): string {
  const stillSignedIn = action === 'sign-out' ? ' You are still signed in.' : '';
  switch (problem.kind) {
    case 'unreachable':
      return action === 'sign-out'
        ? "Can't reach the Outpost server, so you are still signed in. Check your connection and try again."
        : MESSAGES.unreachable;
    case 'unauthorized':
      return action === 'sign-in' ? MESSAGES.wrongPassword : 'Your session has ended. Sign in again.';
    case 'cookie-not-kept':
      return MESSAGES.cookieNotKept;
    case 'bad-reply':
      return (
        `The server's reply (HTTP ${problem.status}) is not one Outpost understands, so it couldn't ${DOING[action]}.` +
        `${stillSignedIn} The /couch/ address may not lead to the Outpost database: tell your Outpost admin, then try again.`
      );
    case 'http':
      return (
        `The server couldn't ${DOING[action]}: ${serverReason(problem.error, problem.reason)} (HTTP ${problem.status}).` +
        `${stillSignedIn} ${retryAdvice(problem.status)}`
      );
  }
}
