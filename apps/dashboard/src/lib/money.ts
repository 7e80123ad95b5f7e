import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../trpc';

const formatters = new Map<string, Intl.NumberFormat>();
const plain = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** `1,234.50`, or with a currency `£1,234.50` / `€1,234.50` / `CHF 1,234.50`. */
export function formatMoney(x: number, currency?: string): string {
  if (!currency) return plain.format(x);
  let f = formatters.get(currency);
  if (!f) {
    f = new Intl.NumberFormat('en-US', { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 2 });
    formatters.set(currency, f);
  }
  return f.format(x);
}

/** The workspace's currency (ISO 4217), from the workspace list the shell has loaded already. */
export function useCurrency(workspaceId: string): string | undefined {
  const trpc = useTRPC();
  const list = useQuery(trpc.workspaces.list.queryOptions());
  return list.data?.find((w) => w.id === workspaceId)?.currency;
}
