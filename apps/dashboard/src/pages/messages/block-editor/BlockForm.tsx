import { maxProducts, socialNetworks, strategies, type Block, type StrategyId } from './blocks';

const markupHint = 'A blank line starts a paragraph; **bold**, [link text](https://…); Liquid such as {{ profile.traits.first_name }} works as usual.';

/** The side form of the selected block: every field of its kind, each change a new block. */
export function BlockForm({ block, onChange }: { block: Block; onChange: (b: Block) => void }) {
  switch (block.kind) {
    case 'text':
      return (
        <>
          <label>
            Style
            <select value={block.style} onChange={(e) => onChange({ ...block, style: e.target.value as 'heading' | 'paragraph' })}>
              <option value="paragraph">Paragraph</option>
              <option value="heading">Heading</option>
            </select>
          </label>
          <label>
            Text
            <textarea rows={6} value={block.text} onChange={(e) => onChange({ ...block, text: e.target.value })} />
          </label>
          <p className="muted small">{markupHint}</p>
        </>
      );
    case 'image':
      return (
        <>
          <label>
            Image address
            <input value={block.src} onChange={(e) => onChange({ ...block, src: e.target.value })} placeholder="https://…" />
          </label>
          <label>
            Alt text
            <input value={block.alt} onChange={(e) => onChange({ ...block, alt: e.target.value })} placeholder="What the image shows" />
          </label>
          <label>
            Link (optional)
            <input value={block.href} onChange={(e) => onChange({ ...block, href: e.target.value })} placeholder="https://…" />
          </label>
        </>
      );
    case 'button':
      return (
        <>
          <label>
            Label
            <input value={block.label} onChange={(e) => onChange({ ...block, label: e.target.value })} />
          </label>
          <label>
            Link
            <input value={block.href} onChange={(e) => onChange({ ...block, href: e.target.value })} placeholder="https://…" />
          </label>
          <label className="color-field">
            Colour
            <input type="color" value={/^#[0-9a-f]{6}$/i.test(block.color) ? block.color : '#4f46e5'} onChange={(e) => onChange({ ...block, color: e.target.value })} />
          </label>
        </>
      );
    case 'columns':
      return (
        <>
          <label>
            Left column
            <textarea rows={5} value={block.left} onChange={(e) => onChange({ ...block, left: e.target.value })} />
          </label>
          <label>
            Right column
            <textarea rows={5} value={block.right} onChange={(e) => onChange({ ...block, right: e.target.value })} />
          </label>
          <p className="muted small">{markupHint} On a phone the columns stack.</p>
        </>
      );
    case 'products':
      return (
        <>
          <label>
            Strategy
            <select value={block.strategy} onChange={(e) => onChange({ ...block, strategy: e.target.value as StrategyId })}>
              {strategies.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.label}
                </option>
              ))}
            </select>
          </label>
          <label>
            Title
            <input value={block.title} onChange={(e) => onChange({ ...block, title: e.target.value })} />
          </label>
          <label>
            Products shown
            <select value={block.count} onChange={(e) => onChange({ ...block, count: Number(e.target.value) })}>
              {Array.from({ length: maxProducts }, (_, i) => (
                <option key={i} value={i + 1}>
                  {i + 1}
                </option>
              ))}
            </select>
          </label>
          <p className="muted small">Each person sees their own products, picked when the email is sent.</p>
        </>
      );
    case 'divider':
      return <p className="muted small">A thin line between blocks.</p>;
    case 'social':
      return (
        <>
          {socialNetworks.map((n) => (
            <label key={n.id}>
              {n.label}
              <input
                value={block.links.find((l) => l.network === n.id)?.href ?? ''}
                placeholder="Leave empty to leave it out"
                onChange={(e) => {
                  const hrefs = new Map(block.links.map((l) => [l.network, l.href]));
                  hrefs.set(n.id, e.target.value);
                  onChange({ ...block, links: socialNetworks.filter((s) => hrefs.get(s.id)).map((s) => ({ network: s.id, href: hrefs.get(s.id)! })) });
                }}
              />
            </label>
          ))}
        </>
      );
    case 'footer':
      return (
        <>
          <label>
            Text
            <textarea rows={3} value={block.text} onChange={(e) => onChange({ ...block, text: e.target.value })} placeholder="Why they get this, your address" />
          </label>
          <label>
            Unsubscribe link text
            <input value={block.unsubscribeLabel} onChange={(e) => onChange({ ...block, unsubscribeLabel: e.target.value })} required />
          </label>
          <p className="muted small">The link lets each person unsubscribe in one click.</p>
        </>
      );
    case 'custom':
      return (
        <>
          <label>
            MJML
            <textarea className="custom-mjml" rows={10} spellCheck={false} value={block.source} onChange={(e) => onChange({ ...block, source: e.target.value })} />
          </label>
          <p className="muted small">A section the visual editor does not know, kept exactly as written.</p>
        </>
      );
  }
}
