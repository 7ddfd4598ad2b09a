import { useRef } from 'react';
import { canWork } from '../device/device';
import { describeIdentity } from '../session/identity';
import { useSession } from '../session/useSession';
import { useRoute } from '../nav/useRoute';
import { DashboardScreen } from './dashboard/DashboardScreen';
import { InboxScreen } from './inbox/InboxScreen';
import { JobDetailScreen } from './jobs/JobDetailScreen';
import { JobListScreen } from './jobs/JobListScreen';
import { NewJobScreen } from './jobs/NewJobScreen';
import { Nav } from './Nav';
import { SettingsScreen } from './settings/SettingsScreen';
import { SyncBar } from './SyncBar';
import { useFocusOnMount } from './useFocusOnMount';

function Screen() {
  const route = useRoute();
  switch (route.name) {
    case 'jobs':
      return <JobListScreen />;
    case 'job':
      return <JobDetailScreen id={route.id} />;
    case 'new-job':
      return <NewJobScreen />;
    case 'inbox':
      return <InboxScreen />;
    case 'dashboard':
      return <DashboardScreen />;
    case 'settings':
      return <SettingsScreen />;
  }
}

/** Everything a signed-in person sees: who they are, the sync bar, the sections, and the current screen. */
export function SignedIn({ focusOnMount }: { focusOnMount: boolean }) {
  const session = useSession((s) => s.session);
  const signOut = useSession((s) => s.signOut);
  const whoRef = useRef<HTMLParagraphElement>(null);
  useFocusOnMount(whoRef, focusOnMount);

  if (session.status !== 'signed-in' && session.status !== 'signing-out') return null;
  const { identity } = session;
  const notice = session.status === 'signed-in' ? session.notice : null;

  const who = (
    <p className="whoami" data-testid="whoami" ref={whoRef} tabIndex={-1}>
      Signed in as <strong>{identity.name}</strong>
      {describeIdentity(identity)
        .slice(1)
        .map((part) => (
          <span key={part} className="part">
            {' '}
            · {part}
          </span>
        ))}
    </p>
  );

  if (!canWork(identity)) {
    return (
      <section className="card">
        {who}
        <p className="hint" data-testid="no-access">
          Your account has no access to any team: it may be disabled, or not added to a team yet. Ask your lead or HQ, then sign in again.
        </p>
        <button type="button" className="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </section>
    );
  }

  return (
    <div className="shell">
      {who}
      <SyncBar />
      <Nav role={identity.role} />
      {notice && (
        <p className="error" role="alert" data-testid="signout-error">
          {notice}
        </p>
      )}
      <Screen />
    </div>
  );
}
