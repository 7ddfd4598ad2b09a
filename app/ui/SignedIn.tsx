import { useId, useRef } from 'react';
import { describeIdentity, roleLabel } from '../session/identity';
import { useSession } from '../session/useSession';
import { SyncPanel } from './SyncPanel';
import { useFocusOnMount } from './useFocusOnMount';

export function SignedIn({ focusOnMount }: { focusOnMount: boolean }) {
  const session = useSession((s) => s.session);
  const signOut = useSession((s) => s.signOut);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useFocusOnMount(headingRef, focusOnMount);
  const ids = useId();

  if (session.status !== 'signed-in' && session.status !== 'signing-out') return null;
  const { identity } = session;
  const busy = session.status === 'signing-out';
  const notice = session.status === 'signed-in' ? session.notice : null;
  const [, ...rest] = describeIdentity(identity);

  return (
    <section className="card" aria-labelledby={`${ids}-title`}>
      <h1 id={`${ids}-title`} ref={headingRef} tabIndex={-1}>
        Welcome, {identity.name}
      </h1>
      <p className="whoami" data-testid="whoami">
        Signed in as <strong>{identity.name}</strong>
        {rest.map((part) => (
          <span key={part}>
            {' '}
            <span className="part">· {part}</span>
          </span>
        ))}
      </p>
      <dl className="facts">
        <div>
          <dt>Name</dt>
          <dd data-testid="whoami-name">{identity.name}</dd>
        </div>
        <div>
          <dt>Team</dt>
          <dd data-testid="whoami-team">{identity.team ?? 'none'}</dd>
        </div>
        <div>
          <dt>Role</dt>
          <dd data-testid="whoami-role">{roleLabel(identity.role)}</dd>
        </div>
      </dl>
      {identity.role !== 'none' && <SyncPanel identity={identity} />}
      {identity.role === 'none' && (
        <p className="hint">Your account is not in a team yet. Ask your lead or HQ to add you to one, then sign in again.</p>
      )}
      {notice && (
        <p className="error" role="alert" data-testid="signout-error">
          {notice}
        </p>
      )}
      <button type="button" className="button" onClick={() => void signOut()} aria-disabled={busy}>
        {busy ? 'Signing out…' : 'Sign out'}
      </button>
    </section>
  );
}
