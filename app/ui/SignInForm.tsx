import { useId, useRef, useState, type FormEvent } from 'react';
import { useSession } from '../session/useSession';
import { useFocusOnMount } from './useFocusOnMount';

export function SignInForm({ focusOnMount }: { focusOnMount: boolean }) {
  const session = useSession((s) => s.session);
  const signIn = useSession((s) => s.signIn);
  const [name, setName] = useState(session.status === 'signing-in' ? session.name : '');
  const [password, setPassword] = useState('');
  const nameRef = useRef<HTMLInputElement>(null);
  useFocusOnMount(nameRef, focusOnMount);
  const ids = useId();
  const errorId = `${ids}-error`;

  const busy = session.status === 'signing-in';
  const notice = session.status === 'signed-out' ? session.notice : null;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!busy) void signIn(name, password);
  }

  return (
    <section className="card" aria-labelledby={`${ids}-title`}>
      <h1 id={`${ids}-title`}>Sign in</h1>
      <p className="hint">Use the name and password your lead or HQ gave you.</p>
      <form className="form" onSubmit={submit} aria-busy={busy}>
        <div className="field">
          <label htmlFor={`${ids}-name`}>Name</label>
          <input
            ref={nameRef}
            id={`${ids}-name`}
            name="username"
            type="text"
            autoComplete="username"
            autoCapitalize="none"
            autoCorrect="off"
            spellCheck={false}
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
            aria-describedby={notice ? errorId : undefined}
          />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-password`}>Password</label>
          <input
            id={`${ids}-password`}
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-describedby={notice ? errorId : undefined}
          />
        </div>
        {notice && (
          <p id={errorId} className="error" role="alert" data-testid="signin-error">
            {notice}
          </p>
        )}
        <button type="submit" className="button primary" aria-disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </section>
  );
}
