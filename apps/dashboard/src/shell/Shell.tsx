import { useEffect, useState } from 'react';
import { matchQuery, useIsFetching, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../trpc';
import { Link, matchRoute, navigate, useLocation, workspacePath, type Route } from '../router';
import { findPage, pageGroups, workspacePages } from '../pages/registry';
import { CopyButton } from '../components/CopyButton';
import { TimeZoneContext } from '../lib/format';
import { CreateWorkspaceForm, type NewWorkspace } from './CreateWorkspaceForm';
import { WorkspaceSwitcher } from './WorkspaceSwitcher';

const lastWorkspaceKey = 'overture:last-workspace';

function rememberWorkspace(id: string) {
  try {
    localStorage.setItem(lastWorkspaceKey, id);
  } catch {
    // Storage may be disabled; remembering is only a convenience.
  }
}

function rememberedWorkspace(): string | null {
  try {
    return localStorage.getItem(lastWorkspaceKey);
  } catch {
    return null;
  }
}

export function Shell({ user }: { user: { id: string; email: string } }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { pathname } = useLocation();
  const route = matchRoute(pathname);
  const workspaces = useQuery(trpc.workspaces.list.queryOptions());
  // Assistive technology (and the browser tests) learn when the page's data has arrived.
  const fetching = useIsFetching();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<NewWorkspace | null>(null);

  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      onSettled: () => {
        const me = { queryKey: trpc.auth.me.queryKey() };
        // Nothing of this user's data may linger for whoever signs in next in this tab.
        queryClient.removeQueries({ predicate: (q) => !matchQuery(me, q) });
        queryClient.setQueryData(trpc.auth.me.queryKey(), null);
        navigate('/');
      },
    }),
  );

  const list = workspaces.data;
  const current = 'workspaceId' in route ? list?.find((w) => w.id === route.workspaceId) : undefined;

  useEffect(() => {
    if (route.name !== 'home' || !list?.length) return;
    const remembered = rememberedWorkspace();
    const target = list.find((w) => w.id === remembered) ?? list[0]!;
    navigate(workspacePath(target.id, 'overview'), { replace: true });
  }, [route.name, list]);

  useEffect(() => {
    if (current) rememberWorkspace(current.id);
  }, [current]);

  const onCreated = (ws: NewWorkspace) => {
    setCreating(false);
    setCreated(ws);
    navigate(workspacePath(ws.id, 'install'));
  };

  return (
    <div className="shell">
      <aside className="sidebar">
        <Link to="/" className="brand">
          <span className="brand-dot" aria-hidden /> Overture
        </Link>
        {list && list.length > 0 && <WorkspaceSwitcher workspaces={list} currentId={current?.id} page={route.name === 'workspace' ? route.page : 'overview'} onNew={() => setCreating(true)} />}
        {current && (
          <nav className="side-nav" aria-label="Workspace pages">
            {pageGroups.map((group) => (
              <div key={group} className="side-nav-group">
                {group !== 'Home' && <div className="side-nav-heading">{group}</div>}
                {workspacePages
                  .filter((p) => p.group === group)
                  .map((p) => (
                    <Link key={p.id} to={workspacePath(current.id, p.id)} aria-current={route.name === 'workspace' && route.page === p.id ? 'page' : undefined}>
                      {p.label}
                    </Link>
                  ))}
              </div>
            ))}
          </nav>
        )}
        <div className="sidebar-user">
          <span className="muted" title="Signed in as">
            {user.email}
          </span>
          <button type="button" onClick={() => logout.mutate()} disabled={logout.isPending}>
            Sign out
          </button>
        </div>
      </aside>

      {creating && (
        <div className="modal-backdrop" role="presentation" onClick={(e) => e.target === e.currentTarget && setCreating(false)}>
          <div className="card modal" role="dialog" aria-modal="true" aria-labelledby="new-ws-title">
            <h2 id="new-ws-title">New workspace</h2>
            <p className="muted">A workspace holds one site's or brand's events, profiles and journeys, with its own keys.</p>
            <CreateWorkspaceForm onCreated={onCreated} onCancel={() => setCreating(false)} />
          </div>
        </div>
      )}

      <main className="content" aria-busy={fetching > 0}>
        {created && created.id === current?.id && (
          <div className="notice" role="status">
            <div>
              <strong>Workspace “{created.name}” created.</strong> Its secret key (server-side reads such as <code>GET /v1/events</code>) is shown only
              this once: <code className="secret">{created.secretKey}</code> <CopyButton text={created.secretKey} />
            </div>
            <button type="button" className="link-button" onClick={() => setCreated(null)}>
              Dismiss
            </button>
          </div>
        )}
        {workspaces.isPending ? (
          <p className="muted">Loading workspaces…</p>
        ) : workspaces.isError ? (
          <p className="form-error">Could not load your workspaces: {workspaces.error.message}</p>
        ) : (
          <TimeZoneContext value={current?.timeZone ?? 'UTC'}>
            <Page route={route} hasWorkspaces={workspaces.data.length > 0} currentId={current?.id} onCreated={onCreated} />
          </TimeZoneContext>
        )}
      </main>
    </div>
  );
}

function Page({ route, hasWorkspaces, currentId, onCreated }: { route: Route; hasWorkspaces: boolean; currentId: string | undefined; onCreated: (ws: NewWorkspace) => void }) {
  if (route.name === 'notFound') return <NotFound text="There is no page at this address." />;
  if (route.name === 'home') {
    if (hasWorkspaces) return <p className="muted">Opening your workspace…</p>;
    return (
      <section className="card onboarding">
        <h1>Create your first workspace</h1>
        <p className="muted">Each workspace gets a write key for your site and its own events.</p>
        <CreateWorkspaceForm onCreated={onCreated} />
      </section>
    );
  }
  if (!currentId) return <NotFound text="This workspace does not exist, or you are not a member of it." />;
  const page = findPage(route.page);
  if (!page) return <NotFound text="There is no page at this address." />;
  return page.render({ workspaceId: currentId, rest: route.rest });
}

function NotFound({ text }: { text: string }) {
  return (
    <section className="card empty">
      <h1>Not found</h1>
      <p>{text}</p>
      <Link to="/">Go to your workspaces</Link>
    </section>
  );
}
