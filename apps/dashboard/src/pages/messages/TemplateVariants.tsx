import { Link, workspacePath } from '../../router';

export interface TemplateVariantDraft {
  key: string;
  weight: string;
  subject: string;
  body: string;
  senderName: string;
  sendOffsetMinutes: string;
}

export interface SavedTemplateVariant {
  key: string;
  weight: number;
  subject: string;
  body: string;
  senderName: string;
  sendOffsetMinutes: number;
}

export const maxTemplateVariants = 5;

export const templateVariantInput = (v: TemplateVariantDraft, channel: string): SavedTemplateVariant => ({
  key: v.key.trim(),
  weight: Number(v.weight) || 1,
  subject: v.subject,
  body: v.body,
  senderName: channel === 'email' ? v.senderName : '',
  sendOffsetMinutes: Math.max(0, Math.round(Number(v.sendOffsetMinutes) || 0)),
});

export const templateVariantDraft = (v: SavedTemplateVariant): TemplateVariantDraft => ({ key: v.key, weight: String(v.weight), subject: v.subject, body: v.body, senderName: v.senderName, sendOffsetMinutes: String(v.sendOffsetMinutes) });

const blank = (key: string): TemplateVariantDraft => ({ key, weight: '1', subject: '', body: '', senderName: '', sendOffsetMinutes: '0' });

/** A new variant's key: the first letter no variant uses yet. */
function nextKey(variants: TemplateVariantDraft[]): string {
  for (const l of 'ABCDE') if (!variants.some((v) => v.key === l)) return l;
  return `V${variants.length + 1}`;
}

interface Props {
  workspaceId: string;
  templateId: string | null;
  channel: string;
  /** The template's variants as saved: an experiment exists only for those. */
  savedCount: number;
  winner: string | null;
  variants: TemplateVariantDraft[];
  onChange: (variants: TemplateVariantDraft[]) => void;
  /** Problems the API reported, by field (`variants.1.subject`...). */
  issues: Array<{ field: string; message: string }>;
}

/**
 * A template's variants: 2–5 versions of the message (subject, body, sender name, a later send
 * time) sent to stable shares of profiles as an experiment. Empty fields use the template's own.
 */
export function TemplateVariants({ workspaceId, templateId, channel, savedCount, winner, variants, onChange, issues }: Props) {
  const isEmail = channel === 'email';
  const update = (i: number, patch: Partial<TemplateVariantDraft>) => onChange(variants.map((v, j) => (j === i ? { ...v, ...patch } : v)));
  // The first variant added starts the experiment with the template as it is (A, the control) beside the new one.
  const add = () => {
    const base = variants.length === 0 ? [blank('A')] : variants;
    onChange([...base, blank(nextKey(base))]);
  };
  const remove = (i: number) => {
    const rest = variants.filter((_, j) => j !== i);
    onChange(rest.length < 2 ? [] : rest);
  };
  const total = variants.reduce((s, v) => s + (Number(v.weight) || 0), 0);
  const problem = (i: number, field: string) => issues.find((x) => x.field === `variants.${i}.${field}`)?.message;
  return (
    <fieldset className="variants" aria-label="Variants">
      <legend>Variants</legend>
      {variants.length === 0 ? (
        <p className="muted">No experiment: everyone gets this message. Add variants to test subjects, bodies{isEmail ? ', sender names' : ''} or send times against each other.</p>
      ) : (
        <p className="muted">Each profile always gets the same variant; the first is the control. Empty fields use the template’s own.</p>
      )}
      {variants.map((v, i) => (
        <div className="variant" key={i} role="group" aria-label={`Variant ${i + 1}`}>
          <div className="editor-row">
            <label>
              Variant key
              <input value={v.key} onChange={(e) => update(i, { key: e.target.value })} maxLength={40} pattern="[A-Za-z0-9_\-]+" />
            </label>
            <label>
              Weight
              <input type="number" min={1} value={v.weight} onChange={(e) => update(i, { weight: e.target.value })} />
            </label>
            <span className="muted share">{total > 0 ? `${Math.round(((Number(v.weight) || 0) / total) * 100)} % of profiles` : ''}</span>
            <label>
              Send later (minutes)
              <input type="number" min={0} max={10080} value={v.sendOffsetMinutes} onChange={(e) => update(i, { sendOffsetMinutes: e.target.value })} />
            </label>
          </div>
          <label>
            {isEmail ? 'Variant subject' : 'Variant title'}
            <input value={v.subject} onChange={(e) => update(i, { subject: e.target.value })} placeholder="The template’s" />
            {problem(i, 'subject') && <span className="form-error">{problem(i, 'subject')}</span>}
          </label>
          {isEmail && (
            <label>
              Variant sender name
              <input value={v.senderName} onChange={(e) => update(i, { senderName: e.target.value })} placeholder="The sender’s" maxLength={200} />
            </label>
          )}
          <label>
            {isEmail ? 'Variant body (MJML with liquid)' : 'Variant body (liquid)'}
            <textarea className="short" rows={4} value={v.body} onChange={(e) => update(i, { body: e.target.value })} spellCheck={false} placeholder="The template’s body" />
            {problem(i, 'body') && <span className="form-error">{problem(i, 'body')}</span>}
          </label>
          <div className="form-actions">
            <button type="button" className="danger-button" onClick={() => remove(i)}>
              Remove {v.key || 'variant'}
            </button>
          </div>
        </div>
      ))}
      <div className="form-actions">
        {variants.length < maxTemplateVariants && (
          <button type="button" onClick={add}>
            Add variant
          </button>
        )}
        {templateId && savedCount >= 2 && <Link to={workspacePath(workspaceId, 'experiments', `message:${templateId}`)}>Experiment readout: conversions, revenue, chance to win →</Link>}
      </div>
      {winner && savedCount >= 2 && <p className="muted">Decided: everyone gets “{winner}”.</p>}
    </fieldset>
  );
}
