import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../trpc';
import './as-of-banner.css';

/**
 * Says which instant recency, churn risk, CLTV and segment windows are computed as of, and lets the
 * workspace change it: historical data (an import of old orders) is read as of the day after its last
 * order, not as of today. Live data shows nothing until an as-of is set.
 */
export function AsOfBanner({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const ws = useQuery(trpc.workspaces.get.queryOptions({ workspaceId }));
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState('');
  const save = useMutation(
    trpc.workspaces.setAsOf.mutationOptions({
      onSuccess: async () => {
        setEditing(false);
        await Promise.all([queryClient.invalidateQueries(trpc.workspaces.pathFilter()), queryClient.invalidateQueries(trpc.profiles.pathFilter()), queryClient.invalidateQueries(trpc.segments.pathFilter())]);
      },
    }),
  );
  if (!ws.data) return null;
  const asOf = ws.data.asOf?.slice(0, 10) ?? null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({ workspaceId, asOf: value || null });
  };
  return (
    <div className={asOf ? 'card as-of-banner historical' : 'as-of-banner'} role="status" data-testid="as-of-banner">
      {!editing && (
        <>
          {asOf ? <strong>Figures as of {asOf}</strong> : <span className="muted">Figures as of now</span>}{' '}
          <button type="button" className="link-button" onClick={() => (setValue(asOf ?? ''), setEditing(true))}>
            Change
          </button>
        </>
      )}
      {editing && (
        <form onSubmit={submit} className="as-of-form">
          <label>
            Figures as of <input type="date" value={value} onChange={(e) => setValue(e.target.value)} aria-label="Figures as of" />
          </label>{' '}
          <span className="muted">(empty: now)</span>{' '}
          <button type="submit" disabled={save.isPending}>
            {save.isPending ? 'Recomputing…' : 'Save'}
          </button>{' '}
          <button type="button" onClick={() => setEditing(false)}>
            Cancel
          </button>
          {save.isError && <p className="form-error">{save.error.message}</p>}
        </form>
      )}
    </div>
  );
}
