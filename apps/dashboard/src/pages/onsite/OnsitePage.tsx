import { useMemo, useState } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../trpc';
import { useDebounced } from '../../lib/useDebounced';
import { previewDocument } from './preview';
import { Variants, variantDraft, variantInput, type SavedVariant, type VariantDraft } from './Variants';
import './onsite.css';

const kinds = [
  { id: 'top_bar', label: 'Top bar' },
  { id: 'modal', label: 'Modal' },
  { id: 'slide_in', label: 'Slide-in' },
  { id: 'inline', label: 'Inline slot' },
  { id: 'cta', label: 'CTA swap' },
] as const;

const strategies = [
  { id: 'for_you', label: 'For you' },
  { id: 'best_sellers', label: 'Best sellers' },
  { id: 'trending', label: 'Trending' },
  { id: 'new_arrivals', label: 'New arrivals' },
  { id: 'recently_viewed', label: 'Recently viewed' },
  { id: 'buy_again', label: 'Buy again' },
  { id: 'bought_together', label: 'Bought together (the page’s product)' },
  { id: 'similar', label: 'Similar (the page’s product)' },
] as const;
type StrategyId = (typeof strategies)[number]['id'];

interface Draft {
  id?: string;
  name: string;
  kind: (typeof kinds)[number]['id'];
  active: boolean;
  priority: number;
  content: string;
  target: string;
  href: string;
  urls: string;
  segments: string[];
  scrollPercent: string;
  delaySeconds: string;
  exitIntent: boolean;
  capMax: string;
  capDays: string;
  dismissDays: string;
  /** The content is a recommendation block rather than the placement's own HTML. */
  recs: boolean;
  recStrategy: StrategyId;
  recLimit: string;
  recTitle: string;
  variants: VariantDraft[];
  /** As saved: the experiment's size and decision. */
  savedVariants: number;
  winner: string | null;
}

const blank: Draft = { name: '', kind: 'slide_in', active: true, priority: 0, content: '<p>Hi {{ profile.traits.first_name | default: "there" }}!</p>', target: '', href: '', urls: '', segments: [], scrollPercent: '', delaySeconds: '', exitIntent: false, capMax: '', capDays: '', dismissDays: '7', recs: false, recStrategy: 'for_you', recLimit: '4', recTitle: '', variants: [], savedVariants: 0, winner: null };

const num = (s: string) => (s.trim() === '' ? null : Number(s));

/** The draft as the API takes it (the server validates and names the field of any problem). */
function toInput(d: Draft) {
  const max = num(d.capMax);
  return {
    ...(d.id ? { id: d.id } : {}),
    name: d.name,
    kind: d.kind,
    active: d.active,
    priority: d.priority,
    content: d.content,
    target: d.target,
    href: d.href,
    recommendations: d.recs && d.kind !== 'cta' ? { strategy: d.recStrategy, limit: num(d.recLimit) ?? 4, title: d.recTitle } : null,
    variants: d.variants.map(variantInput),
    rules: {
      urls: d.urls.split(/[\n,]/).map((u) => u.trim()).filter(Boolean),
      segments: d.segments,
      scrollPercent: num(d.scrollPercent),
      delaySeconds: num(d.delaySeconds),
      exitIntent: d.exitIntent,
      frequency: max === null ? null : { max, days: num(d.capDays) ?? 1 },
      // Empty: the server's default (7 days).
      ...(num(d.dismissDays) === null ? {} : { dismissDays: num(d.dismissDays)! }),
    },
  };
}

interface Saved {
  id: string;
  name: string;
  kind: Draft['kind'];
  active: boolean;
  priority: number;
  content: string;
  target: string;
  href: string;
  recommendations: { strategy: StrategyId; limit: number; title: string } | null;
  variants: SavedVariant[];
  variantWinner: string | null;
  rules: { urls: string[]; segments: string[]; scrollPercent: number | null; delaySeconds: number | null; exitIntent: boolean; frequency: { max: number; days: number } | null; dismissDays: number };
}

function fromSaved(p: Saved): Draft {
  const r = p.rules;
  return {
    id: p.id,
    name: p.name,
    kind: p.kind,
    active: p.active,
    priority: p.priority,
    content: p.content,
    target: p.target,
    href: p.href,
    urls: r.urls.join('\n'),
    segments: r.segments,
    scrollPercent: r.scrollPercent?.toString() ?? '',
    delaySeconds: r.delaySeconds?.toString() ?? '',
    exitIntent: r.exitIntent,
    capMax: r.frequency?.max.toString() ?? '',
    capDays: r.frequency?.days.toString() ?? '',
    dismissDays: r.dismissDays.toString(),
    recs: p.recommendations !== null,
    recStrategy: p.recommendations?.strategy ?? 'for_you',
    recLimit: (p.recommendations?.limit ?? 4).toString(),
    recTitle: p.recommendations?.title ?? '',
    variants: p.variants.map(variantDraft),
    savedVariants: p.variants.length,
    winner: p.variantWinner,
  };
}

/** Onsite placements: a list, and an editor whose preview renders the draft as decide would. */
export function OnsitePage({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.onsite.list.queryOptions({ workspaceId }));
  const segments = useQuery(trpc.segments.list.queryOptions({ workspaceId }));
  const [draft, setDraft] = useState<Draft>(blank);
  const [message, setMessage] = useState<string | null>(null);
  const [previewing, setPreviewing] = useState<number | null>(null);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const open = (d: Draft) => (setDraft(d), setPreviewing(null), setMessage(null));

  const input = useMemo(() => toInput(draft), [draft]);
  // The preview shows the placement, or one variant of it as its visitors would see it.
  const previewed = useMemo(() => {
    const v = previewing === null ? undefined : input.variants[previewing];
    const { variants: _, ...base } = input;
    return v && !v.control ? { ...base, content: v.content || base.content, href: v.href || base.href, kind: v.layout ?? base.kind } : base;
  }, [input, previewing]);
  const settled = useDebounced(previewed, 400);
  const preview = useQuery(trpc.onsite.preview.queryOptions({ workspaceId, placement: { ...settled, name: settled.name || 'preview' } }, { placeholderData: keepPreviousData, retry: false }));

  const invalidate = () => queryClient.invalidateQueries(trpc.onsite.pathFilter());
  const save = useMutation(
    trpc.onsite.save.mutationOptions({
      onSuccess: async (p) => {
        await invalidate();
        setDraft(fromSaved(p as Saved));
        setMessage(`Saved “${p.name}”.`);
      },
    }),
  );
  const remove = useMutation(
    trpc.onsite.delete.mutationOptions({
      onSuccess: async () => {
        await invalidate();
        setDraft(blank);
        setMessage('Deleted.');
      },
    }),
  );

  return (
    <div className="onsite-page">
      <div className="page-header">
        <h1>Onsite placements</h1>
        <button type="button" onClick={() => open(blank)}>
          New placement
        </button>
      </div>
      <div className="onsite-layout">
        <section className="card" aria-label="Placements">
          {list.isError ? (
            <p className="form-error">Could not load placements: {list.error.message}</p>
          ) : !list.data ? (
            <p className="muted">Loading…</p>
          ) : list.data.length === 0 ? (
            <p className="muted">No placements yet.</p>
          ) : (
            <ul className="placement-list">
              {list.data.map((p) => (
                <li key={p.id}>
                  <button type="button" className={draft.id === p.id ? 'selected' : ''} onClick={() => open(fromSaved(p as Saved))}>
                    <span>{p.name}</span>
                    <span className="muted">
                      {kinds.find((k) => k.id === p.kind)?.label}
                      {p.recommendations ? ' · recommendations' : ''}
                      {p.variants.length > 1 ? ` · ${p.variants.length} variants` : ''}
                      {p.active ? '' : ' · off'}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>

        <div className="onsite-editor">
          <section className="card onsite-form" aria-label="Placement">
            <div className="row">
              <label>
                Name
                <input value={draft.name} onChange={(e) => set('name', e.target.value)} maxLength={200} />
              </label>
              <label>
                Kind
                <select value={draft.kind} onChange={(e) => set('kind', e.target.value as Draft['kind'])}>
                  {kinds.map((k) => (
                    <option key={k.id} value={k.id}>
                      {k.label}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                Priority
                <input type="number" value={draft.priority} onChange={(e) => set('priority', Number(e.target.value))} />
              </label>
            </div>
            {(draft.kind === 'inline' || draft.kind === 'cta') && (
              <label>
                {draft.kind === 'inline' ? 'Slot name (data-overture-slot)' : 'CSS selector of the button or link'}
                <input value={draft.target} onChange={(e) => set('target', e.target.value)} />
              </label>
            )}
            {draft.kind !== 'cta' && (
              <label>
                Content
                <select value={draft.recs ? 'recs' : 'html'} onChange={(e) => set('recs', e.target.value === 'recs')}>
                  <option value="html">HTML</option>
                  <option value="recs">Recommendations</option>
                </select>
              </label>
            )}
            {draft.recs && draft.kind !== 'cta' ? (
              <div className="row">
                <label>
                  Strategy
                  <select value={draft.recStrategy} onChange={(e) => set('recStrategy', e.target.value as StrategyId)}>
                    {strategies.map((s) => (
                      <option key={s.id} value={s.id}>
                        {s.label}
                      </option>
                    ))}
                  </select>
                </label>
                <label>
                  Products
                  <input type="number" min={1} max={12} value={draft.recLimit} onChange={(e) => set('recLimit', e.target.value)} />
                </label>
                <label>
                  Title (optional)
                  <input value={draft.recTitle} onChange={(e) => set('recTitle', e.target.value)} maxLength={200} placeholder="Picked for you" />
                </label>
              </div>
            ) : (
              <label>
                {draft.kind === 'cta' ? 'New text (liquid)' : 'Content (HTML with liquid; scripts and event handlers are removed)'}
                <textarea value={draft.content} onChange={(e) => set('content', e.target.value)} spellCheck={false} />
              </label>
            )}
            {draft.kind === 'cta' && (
              <label>
                New link
                <input value={draft.href} onChange={(e) => set('href', e.target.value)} placeholder="https://… or /path" />
              </label>
            )}
            <label>
              Pages (one per line: a prefix such as /products/ or a glob such as /products/*; none = every page)
              <textarea className="short" value={draft.urls} onChange={(e) => set('urls', e.target.value)} rows={2} style={{ minHeight: 48 }} />
            </label>
            <label>
              Segments (members of any; none = everyone)
              <select multiple value={draft.segments} onChange={(e) => set('segments', [...e.target.selectedOptions].map((o) => o.value))}>
                {(segments.data ?? []).map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            </label>
            <div className="row">
              <label>
                Scroll %
                <input type="number" min={1} max={100} value={draft.scrollPercent} onChange={(e) => set('scrollPercent', e.target.value)} />
              </label>
              <label>
                After seconds
                <input type="number" min={1} value={draft.delaySeconds} onChange={(e) => set('delaySeconds', e.target.value)} />
              </label>
              <label>
                <input type="checkbox" checked={draft.exitIntent} onChange={(e) => set('exitIntent', e.target.checked)} /> Exit intent
              </label>
            </div>
            <div className="row">
              <label>
                At most (impressions)
                <input type="number" min={1} value={draft.capMax} onChange={(e) => set('capMax', e.target.value)} placeholder="no cap" />
              </label>
              <label>
                per days
                <input type="number" min={1} value={draft.capDays} onChange={(e) => set('capDays', e.target.value)} placeholder="1" />
              </label>
              <label title="After a visitor closes it, the placement is not shown to them again for this many days (0: it comes back on the next page)">
                Once dismissed, hide for days
                <input type="number" min={0} max={365} value={draft.dismissDays} onChange={(e) => set('dismissDays', e.target.value)} placeholder="7" />
              </label>
              <label>
                <input type="checkbox" checked={draft.active} onChange={(e) => set('active', e.target.checked)} /> Active
              </label>
            </div>
            <Variants
              workspaceId={workspaceId}
              placementId={draft.id}
              savedCount={draft.savedVariants}
              winner={draft.winner}
              kind={draft.kind}
              variants={draft.variants}
              onChange={(v) => set('variants', v)}
              previewing={previewing}
              onPreview={setPreviewing}
            />
            {save.isError && (
              <p className="form-error" role="alert">
                {save.error.message}
              </p>
            )}
            {message && <p className="muted">{message}</p>}
            <div className="form-actions">
              {draft.id && (
                <button type="button" className="danger-button" disabled={remove.isPending} onClick={() => window.confirm(`Delete “${draft.name}”?`) && remove.mutate({ workspaceId, id: draft.id! })}>
                  Delete
                </button>
              )}
              <button type="button" className="primary" disabled={save.isPending || !draft.name.trim()} onClick={() => save.mutate({ workspaceId, placement: input })}>
                {save.isPending ? 'Saving…' : draft.id ? 'Save changes' : 'Create placement'}
              </button>
            </div>
          </section>

          <section className="card onsite-preview" aria-label="Preview">
            <h2>Preview{previewing !== null && draft.variants[previewing] ? `: ${draft.variants[previewing].name}` : ''}</h2>
            {preview.isError ? (
              <p className="form-error" role="alert">
                {preview.error.message}
              </p>
            ) : preview.data ? (
              <iframe title="Placement preview" sandbox="" srcDoc={previewDocument(preview.data)} />
            ) : (
              <p className="muted">Rendering…</p>
            )}
          </section>
        </div>
      </div>
    </div>
  );
}
