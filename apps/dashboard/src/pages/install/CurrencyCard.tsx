import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../trpc';
import { formatMoney, useCurrency } from '../../lib/money';

const currencies = Intl.supportedValuesOf('currency');

/** The currency revenue, order values and CLTV are shown in across the dashboard. */
export function CurrencyCard({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const currency = useCurrency(workspaceId);
  const save = useMutation(trpc.workspaces.setCurrency.mutationOptions({ onSuccess: () => queryClient.invalidateQueries(trpc.workspaces.pathFilter()) }));
  return (
    <section className="card" aria-label="Currency">
      <h2>3. Your store's currency</h2>
      <label>
        Currency
        <select value={currency ?? ''} disabled={!currency || save.isPending} onChange={(e) => save.mutate({ workspaceId, currency: e.target.value })}>
          {currencies.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </label>
      <p className="muted small">Revenue reads like {formatMoney(1234.5, currency)} across the dashboard.</p>
      {save.error && <p className="form-error">Could not save the currency: {save.error.message}</p>}
    </section>
  );
}
