import { useMutation, useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../trpc';
import { Link, workspacePath } from '../../router';

/** Ready journeys for service moments (order delayed, back in stock, price drop): one click makes a draft. */
export function ServiceJourneys({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const templates = useQuery(trpc.serviceMessages.templates.queryOptions({ workspaceId }));
  const create = useMutation(trpc.serviceMessages.createJourney.mutationOptions());
  return (
    <section className="card" aria-label="Service journeys">
      <h2>Ready service journeys</h2>
      <p className="muted small">Each starts on an event your backend sends; creating one makes a draft journey and the message templates it needs.</p>
      {create.isError && <p className="form-error">{create.error.message}</p>}
      {create.data && (
        <p className="notice" role="status">
          Draft journey created.{' '}
          <Link to={workspacePath(workspaceId, 'journeys', create.data.journey.id)}>Open “{create.data.journey.name}”</Link>
          {create.data.createdTemplates.length > 0 && ` (new templates: ${create.data.createdTemplates.join(', ')})`}
        </p>
      )}
      <div className="service-journeys">
        {templates.data?.map((t) => (
          <article key={t.id} className="service-journey">
            <h3>{t.name}</h3>
            <p>{t.description}</p>
            <p className="small service-event">
              Event <code>{t.event.name}</code>: {Object.keys(t.event.properties).map((p) => <code key={p}>{p}</code>)}
            </p>
            <button type="button" disabled={create.isPending} onClick={() => create.mutate({ workspaceId, templateId: t.id })}>
              Create journey
            </button>
          </article>
        ))}
      </div>
    </section>
  );
}
