import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../trpc';
import { Link, workspacePath } from '../../router';
import { TemplateEditor } from './TemplateEditor';
import { MessageAnalytics } from './MessageAnalytics';
import { ServiceJourneys } from './ServiceJourneys';
import '../segments/common.css';
import './messages.css';
import { When } from '../../components/When';

const channelLabel: Record<string, string> = { email: 'Email', web_push: 'Web push', onsite: 'Onsite' };

/** `/messages`: templates, analytics and ready service journeys; `/messages/new` and `/messages/<id>` open the editor. */
export function MessagesPage({ workspaceId, rest }: { workspaceId: string; rest: string[] }) {
  const [first] = rest;
  if (first) return <TemplateEditor key={first} workspaceId={workspaceId} templateId={first === 'new' ? null : first} />;
  return (
    <div className="messages-page">
      <div className="page-header">
        <h1>Messages</h1>
        <Link to={workspacePath(workspaceId, 'messages', 'new')} className="button-link primary">
          New template
        </Link>
      </div>
      <TemplateList workspaceId={workspaceId} />
      <MessageAnalytics workspaceId={workspaceId} />
      <ServiceJourneys workspaceId={workspaceId} />
    </div>
  );
}

function TemplateList({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const list = useQuery(trpc.templates.list.queryOptions({ workspaceId }));
  return (
    <section className="card" aria-label="Templates">
      <h2>Templates</h2>
      {list.isError ? (
        <p className="form-error">Could not load templates: {list.error.message}</p>
      ) : !list.data ? (
        <p className="muted">Loading…</p>
      ) : list.data.length === 0 ? (
        <p className="muted">No templates yet. Write one, or create a ready service journey below (it brings its templates).</p>
      ) : (
        <table className="data-table templates-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Channel</th>
              <th>Subject / title</th>
              <th>Subscription group</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((t) => (
              <tr key={t.id}>
                <td>
                  <Link to={workspacePath(workspaceId, 'messages', t.id)}>{t.name}</Link>
                  {t.variantCount >= 2 && (
                    <span className="muted small">
                      {' · '}
                      <Link to={workspacePath(workspaceId, 'experiments', `message:${t.id}`)}>{t.variantWinner ? `winner ${t.variantWinner}` : `${t.variantCount} variants`}</Link>
                    </span>
                  )}
                </td>
                <td>{channelLabel[t.channel] ?? t.channel}</td>
                <td className="ellipsis">{t.subject}</td>
                <td>{t.subscriptionGroup || <span className="muted">all</span>}</td>
                <td className="nowrap">
                  <When iso={t.updatedAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
