import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../trpc';

/** The signed-in user's own settings: for now, changing the password (the demo's is public). */
export function AccountPage() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const change = useMutation(
    trpc.auth.changePassword.mutationOptions({
      onSuccess: () => {
        setCurrent('');
        setNext('');
        setRepeat('');
      },
    }),
  );

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setMismatch(next !== repeat);
    if (next !== repeat) return;
    change.mutate({ currentPassword: current, newPassword: next });
  };

  return (
    <div className="account-page">
      <div className="page-header">
        <h1>Account</h1>
      </div>
      <section className="card">
        <h2>Change your password</h2>
        <p className="muted">Signed in as {me.data?.email}. Changing the password signs out every other browser where you are signed in.</p>
        <form className="account-form" onSubmit={submit} aria-label="Change password">
          {/* Lets password managers tie the new password to the account. */}
          <input type="email" name="username" autoComplete="username" value={me.data?.email ?? ''} readOnly hidden />
          <label>
            Current password
            <input type="password" name="current-password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
          </label>
          <label>
            New password
            <input type="password" name="new-password" autoComplete="new-password" required minLength={8} maxLength={1024} value={next} onChange={(e) => setNext(e.target.value)} />
          </label>
          <label>
            New password again
            <input type="password" name="repeat-password" autoComplete="new-password" required value={repeat} onChange={(e) => setRepeat(e.target.value)} />
          </label>
          {mismatch && (
            <p className="form-error" role="alert">
              The two new passwords differ.
            </p>
          )}
          {change.isError && (
            <p className="form-error" role="alert">
              {change.error.message}
            </p>
          )}
          {change.isSuccess && (
            <p className="notice" role="status">
              Password changed.{' '}
              {change.data.endedSessions === 1 ? 'One other session was signed out.' : `${change.data.endedSessions} other sessions were signed out.`}
            </p>
          )}
          <button type="submit" className="primary" disabled={change.isPending}>
            {change.isPending ? 'Changing…' : 'Change password'}
          </button>
        </form>
      </section>
    </div>
  );
}
