import { useQuery } from '@tanstack/react-query';
import { useTRPC } from './trpc';
import { LoginPage } from './pages/LoginPage';
import { Shell } from './shell/Shell';

/** Signed out → login; signed in → the workspace shell. The session lives in an HttpOnly cookie. */
export function App() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  if (me.isPending) return <div className="center-message">Loading…</div>;
  if (me.isError) {
    return (
      <div className="center-message">
        <p>Could not reach the Overture API: {me.error.message}</p>
        <button type="button" onClick={() => void me.refetch()}>
          Try again
        </button>
      </div>
    );
  }
  return me.data ? <Shell user={me.data} /> : <LoginPage />;
}
