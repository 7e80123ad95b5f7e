import { useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../trpc';

/** When a price drop or a restock is announced to the people who viewed or carted the product. */
export function CatalogAlertsCard({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const settings = useQuery(trpc.catalog.settings.queryOptions({ workspaceId }));
  const [percent, setPercent] = useState('');
  const [days, setDays] = useState('');
  useEffect(() => {
    if (!settings.data) return;
    setPercent(String(settings.data.priceDropPercent));
    setDays(String(settings.data.momentWindowDays));
  }, [settings.data]);
  const save = useMutation(trpc.catalog.setSettings.mutationOptions({ onSuccess: () => queryClient.invalidateQueries(trpc.catalog.settings.pathFilter()) }));
  return (
    <section className="card" aria-label="Price drop and back in stock alerts">
      <h2>Price drop and back in stock alerts</h2>
      <form
        // The server names the field of a bad value; the browser's own check would hide it.
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate({ workspaceId, priceDropPercent: Number(percent), momentWindowDays: Number(days) });
        }}
      >
        <label>
          Price drop threshold (%)
          <input type="number" min={1} max={90} step="any" value={percent} onChange={(e) => setPercent(e.target.value)} disabled={!settings.data || save.isPending} />
        </label>
        <label>
          Viewed or carted within (days)
          <input type="number" min={1} max={365} step={1} value={days} onChange={(e) => setDays(e.target.value)} disabled={!settings.data || save.isPending} />
        </label>
        <div className="form-actions">
          <button type="submit" disabled={!settings.data || save.isPending}>
            Save
          </button>
        </div>
      </form>
      <p className="muted small" data-testid="catalog-alerts-summary">
        {settings.data
          ? `A feed price at least ${settings.data.priceDropPercent} % below the last one sends Price Drop, and a restock sends Back In Stock, to everyone who viewed or carted the product in the last ${settings.data.momentWindowDays} days.`
          : 'Loading…'}
      </p>
      {save.error && <p className="form-error">Could not save: {save.error.message}</p>}
    </section>
  );
}
