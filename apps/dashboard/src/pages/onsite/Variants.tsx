import { Link, workspacePath } from '../../router';

export const overlayLayouts = [
  { id: 'top_bar', label: 'Top bar' },
  { id: 'modal', label: 'Modal' },
  { id: 'slide_in', label: 'Slide-in' },
] as const;
type Layout = (typeof overlayLayouts)[number]['id'];

export interface VariantDraft {
  name: string;
  weight: string;
  /** Shows nothing: its visitors are counted, and see no placement. */
  control: boolean;
  content: string;
  href: string;
  layout: Layout | '';
}

export interface SavedVariant {
  name: string;
  weight: number;
  control: boolean;
  content: string;
  href: string;
  layout: Layout | null;
}

export const maxVariants = 5;

export const variantInput = (v: VariantDraft) => ({ name: v.name, weight: Number(v.weight) || 1, control: v.control, content: v.control ? '' : v.content, href: v.control ? '' : v.href, layout: v.control || !v.layout ? null : v.layout });

export const variantDraft = (v: SavedVariant): VariantDraft => ({ name: v.name, weight: String(v.weight), control: v.control, content: v.content, href: v.href, layout: v.layout ?? '' });

const letters = 'ABCDE';

/** A new variant's name: the first letter no variant uses yet. */
function nextName(variants: VariantDraft[]): string {
  for (const l of letters) if (!variants.some((v) => v.name === l)) return l;
  return `Variant ${variants.length + 1}`;
}

interface Props {
  workspaceId: string;
  placementId: string | undefined;
  /** The placement's variants as saved: an experiment exists only for those. */
  savedCount: number;
  winner: string | null;
  kind: string;
  variants: VariantDraft[];
  onChange: (variants: VariantDraft[]) => void;
  previewing: number | null;
  onPreview: (index: number | null) => void;
}

/**
 * A placement's variants: 2–5 versions shown to stable shares of visitors (content, layout, CTA,
 * weight), or a control that shows nothing. Empty fields fall back to the placement's own.
 */
export function Variants({ workspaceId, placementId, savedCount, winner, kind, variants, onChange, previewing, onPreview }: Props) {
  const overlay = overlayLayouts.some((l) => l.id === kind);
  const update = (i: number, patch: Partial<VariantDraft>) => onChange(variants.map((v, j) => (j === i ? { ...v, ...patch } : v)));
  const add = () => {
    // The first variant added starts the experiment with the placement as it is (A) beside the new one.
    const base: VariantDraft[] = variants.length === 0 ? [{ name: 'A', weight: '1', control: false, content: '', href: '', layout: '' }] : variants;
    onChange([...base, { name: nextName(base), weight: '1', control: false, content: '', href: '', layout: '' }]);
  };
  const remove = (i: number) => {
    const rest = variants.filter((_, j) => j !== i);
    onChange(rest.length < 2 ? [] : rest);
    if (previewing !== null) onPreview(null);
  };
  const total = variants.reduce((s, v) => s + (Number(v.weight) || 0), 0);
  return (
    <fieldset className="variants" aria-label="Variants">
      <legend>Variants</legend>
      {variants.length === 0 ? (
        <p className="muted">No experiment: everyone sees the placement. Add variants to test content, layout or the call to action against each other, or against a control that shows nothing.</p>
      ) : (
        <p className="muted">Each visitor always sees the same variant. Empty fields use the placement’s own.</p>
      )}
      {variants.map((v, i) => (
        <div className="variant" key={i} role="group" aria-label={`Variant ${i + 1}`}>
          <div className="row">
            <label>
              Variant name
              <input value={v.name} onChange={(e) => update(i, { name: e.target.value })} maxLength={100} />
            </label>
            <label>
              Weight
              <input type="number" min={1} value={v.weight} onChange={(e) => update(i, { weight: e.target.value })} />
            </label>
            <span className="muted share">{total > 0 ? `${Math.round(((Number(v.weight) || 0) / total) * 100)} % of visitors` : ''}</span>
            <label>
              <input type="checkbox" checked={v.control} onChange={(e) => update(i, { control: e.target.checked })} /> Control: show nothing
            </label>
          </div>
          {!v.control && (
            <>
              {overlay && (
                <label>
                  Layout
                  <select value={v.layout} onChange={(e) => update(i, { layout: e.target.value as VariantDraft['layout'] })}>
                    <option value="">The placement’s</option>
                    {overlayLayouts.map((l) => (
                      <option key={l.id} value={l.id}>
                        {l.label}
                      </option>
                    ))}
                  </select>
                </label>
              )}
              <label>
                {kind === 'cta' ? 'Variant text (liquid)' : 'Variant content (HTML with liquid)'}
                <textarea className="short" rows={3} value={v.content} onChange={(e) => update(i, { content: e.target.value })} spellCheck={false} placeholder="The placement’s content" />
              </label>
              <label>
                Variant CTA link
                <input value={v.href} onChange={(e) => update(i, { href: e.target.value })} placeholder="The placement’s link" />
              </label>
            </>
          )}
          <div className="form-actions">
            {!v.control && (
              <button type="button" onClick={() => onPreview(previewing === i ? null : i)}>
                {previewing === i ? 'Preview the placement' : `Preview ${v.name || 'this variant'}`}
              </button>
            )}
            <button type="button" className="danger-button" onClick={() => remove(i)}>
              Remove {v.name || 'variant'}
            </button>
          </div>
        </div>
      ))}
      <div className="form-actions">
        {variants.length < maxVariants && (
          <button type="button" onClick={add}>
            Add variant
          </button>
        )}
        {placementId && savedCount >= 2 && <Link to={workspacePath(workspaceId, 'experiments', `onsite:${placementId}`)}>Experiment readout: uplift, chance to win, SRM →</Link>}
      </div>
      {winner && savedCount >= 2 && <p className="muted">Decided: everyone sees “{winner}”{variants.find((v) => v.name === winner)?.control ? ', which shows nothing' : ''}.</p>}
    </fieldset>
  );
}
