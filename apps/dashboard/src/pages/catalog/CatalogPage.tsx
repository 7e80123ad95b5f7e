import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../trpc';
import { formatCount } from '../../lib/format';
import { When } from '../../components/When';
import { CatalogAlertsCard } from './CatalogAlertsCard';

const pageSize = 50;
const availabilityLabel: Record<string, string> = { in_stock: 'In stock', out_of_stock: 'Out of stock', preorder: 'Pre-order', unknown: '—' };
const sourceLabel: Record<string, string> = { feed: 'Catalog feed', view: 'Seen on the site', order: 'Seen in orders' };

function money(price: number | null, currency: string | null): string {
  if (price === null) return '—';
  if (!currency) return price.toFixed(2);
  try {
    return new Intl.NumberFormat('en-GB', { style: 'currency', currency }).format(price);
  } catch {
    return `${price.toFixed(2)} ${currency}`;
  }
}

/** The workspace's products (feed, site and orders merged), searchable, with a product's price and stock history. */
export function CatalogPage({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const [search, setSearch] = useState('');
  const [offset, setOffset] = useState(0);
  const [selected, setSelected] = useState<string | null>(null);
  const list = useQuery({ ...trpc.catalog.search.queryOptions({ workspaceId, search, limit: pageSize, offset }), placeholderData: keepPreviousData });
  const history = useQuery({ ...trpc.catalog.history.queryOptions({ workspaceId, productId: selected ?? '' }), enabled: selected !== null });
  const total = list.data?.total ?? 0;

  return (
    <div className="catalog-page">
      <div className="page-header">
        <h1>Catalog</h1>
        <input
          type="search"
          aria-label="Search products"
          placeholder="Search by name or id"
          value={search}
          onChange={(e) => {
            setSearch(e.target.value);
            setOffset(0);
          }}
        />
      </div>
      <p className="muted">
        {formatCount(total)} products. Send yours with <code>POST /v1/catalog</code> or <code>pnpm overture import catalog</code>; products seen on the site or in orders fill the rest.
      </p>
      <table className="events-table" data-testid="catalog-table">
        <thead>
          <tr>
            <th>Product</th>
            <th>Price</th>
            <th>Availability</th>
            <th>Category</th>
            <th>Source</th>
          </tr>
        </thead>
        <tbody>
          {(list.data?.products ?? []).map((p) => (
            <tr key={p.product_id} aria-selected={selected === p.product_id}>
              <td>
                <button type="button" className="link-button" onClick={() => setSelected(p.product_id)}>
                  {p.name}
                </button>{' '}
                <span className="muted">{p.product_id}</span>
              </td>
              <td>{money(p.price, p.currency)}</td>
              <td>{availabilityLabel[p.availability] ?? p.availability}</td>
              <td>{p.category ?? '—'}</td>
              <td>{sourceLabel[p.source] ?? p.source}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="form-actions">
        <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - pageSize))}>
          Previous
        </button>
        <button type="button" disabled={offset + pageSize >= total} onClick={() => setOffset(offset + pageSize)}>
          Next
        </button>
      </div>
      {selected && (
        <section aria-label="Price and stock history">
          <h2>History of {list.data?.products.find((p) => p.product_id === selected)?.name ?? selected}</h2>
          {history.data && history.data.length === 0 && <p className="muted">No feed changes recorded for this product yet.</p>}
          <table className="events-table" data-testid="catalog-history">
            <tbody>
              {(history.data ?? []).map((h) => (
                <tr key={h.at}>
                  <td>
                    <When iso={h.at} />
                  </td>
                  <td>{money(h.price, h.currency || null)}</td>
                  <td>{availabilityLabel[h.availability] ?? h.availability}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <CatalogAlertsCard workspaceId={workspaceId} />
    </div>
  );
}
