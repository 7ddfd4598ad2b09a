import { useEffect, useRef } from 'react';
import { BUILD_ID } from './build-info';
import type { SessionState } from './session/store';
import { useSession } from './session/useSession';
import { Mark } from './ui/Mark';
import { SignedIn } from './ui/SignedIn';
import { SignInForm } from './ui/SignInForm';
import { UpdateBanner } from './ui/UpdateBanner';

type Screen = 'checking' | 'sign-in' | 'signed-in';

function screenFor(session: SessionState): Screen {
  switch (session.status) {
    case 'checking':
      return 'checking';
    case 'signed-out':
    case 'signing-in':
      return 'sign-in';
    case 'signed-in':
    case 'signing-out':
      return 'signed-in';
  }
}

export function App() {
  const session = useSession((s) => s.session);
  const screen = screenFor(session);
  // Move focus to a new screen only when the person caused it (signing in or out), not on load.
  const shownAScreen = useRef(false);
  useEffect(() => {
    if (screen !== 'checking') shownAScreen.current = true;
  }, [screen]);
  const changedScreen = shownAScreen.current;

  return (
    <>
      <header className="topbar">
        <Mark />
        <span className="brand">Outpost</span>
      </header>
      <main className="main">
        {screen === 'checking' && (
          <p className="checking" role="status">
            Checking whether you are signed in…
          </p>
        )}
        {screen === 'sign-in' && <SignInForm focusOnMount={changedScreen} />}
        {screen === 'signed-in' && <SignedIn focusOnMount={changedScreen} />}
      </main>
      <UpdateBanner />
      <footer className="footer">
        Outpost · build <span data-testid="build-id">{BUILD_ID}</span>
      </footer>
    </>
  );
}
