import { useState, type ReactNode } from 'react';
import { blockLabels, blockSummary, newBlock, paletteKinds, type Block, type BlockKind } from './blocks';
import { generateEmail, hasUnsubscribe, parseEmail, type EmailDocument } from './mjml';
import { BlockForm } from './BlockForm';
import './block-editor.css';

type Mode = 'visual' | 'source';

/**
 * An email body edited as blocks (Visual) or as MJML (Source, the `children`). Both write the same body:
 * the visual editor reads it into blocks and writes it back, so nothing lives outside the MJML.
 */
export function EmailBodyEditor({ enabled, body, onChange, children }: { enabled: boolean; body: string; onChange: (body: string) => void; children: ReactNode }) {
  const [mode, setMode] = useState<Mode>('visual');
  if (!enabled) return <>{children}</>;
  return (
    <>
      <div className="body-mode" role="group" aria-label="Body editor">
        <span className="muted small">Body:</span>
        {(['visual', 'source'] as const).map((m) => (
          <button key={m} type="button" aria-pressed={mode === m} onClick={() => setMode(m)}>
            {m === 'visual' ? 'Visual' : 'Source'}
          </button>
        ))}
      </div>
      {mode === 'source' ? children : <BlockEditor body={body} onChange={onChange} />}
    </>
  );
}

/** Moves the item at `from` to `to` (the place of the item it was dropped on). */
const moved = <T,>(list: T[], from: number, to: number): T[] => {
  const next = [...list];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item!);
  return next;
};

function BlockEditor({ body, onChange }: { body: string; onChange: (body: string) => void }) {
  const [read, setRead] = useState(body);
  const [doc, setDoc] = useState<EmailDocument | null>(() => parseEmail(body));
  const [selected, setSelected] = useState<number | null>(null);
  const [dragged, setDragged] = useState<number | null>(null);
  const [over, setOver] = useState<number | null>(null);
  // A body changed elsewhere (a starter, the source view) is read again; our own writes are not.
  if (body !== read) {
    setRead(body);
    setDoc(parseEmail(body));
    setSelected(null);
  }
  if (!doc) return <p className="muted block-editor-empty">This body has no &lt;mj-body&gt; to hold blocks: edit it in Source.</p>;

  const write = (blocks: Block[], select: number | null = selected) => {
    const next = { ...doc, blocks };
    const out = generateEmail(next);
    setDoc(next);
    setRead(out);
    setSelected(select);
    onChange(out);
  };
  const { blocks } = doc;
  const move = (from: number, to: number) => {
    if (to < 0 || to >= blocks.length || from === to) return;
    write(moved(blocks, from, to), selected === from ? to : selected);
  };
  const add = (kind: BlockKind) => {
    // After the selected block, else above the footer, else at the end.
    const footer = blocks.findLastIndex((b) => b.kind === 'footer');
    const at = selected !== null ? selected + 1 : kind !== 'footer' && footer !== -1 ? footer : blocks.length;
    write([...blocks.slice(0, at), newBlock(kind), ...blocks.slice(at)], at);
  };
  const current = selected !== null ? blocks[selected] : undefined;

  return (
    <div className="block-editor">
      <div className="block-palette" role="group" aria-label="Add a block">
        <span className="muted small">Add:</span>
        {paletteKinds.map((kind) => (
          <button key={kind} type="button" onClick={() => add(kind)}>
            {blockLabels[kind]}
          </button>
        ))}
      </div>
      {!hasUnsubscribe(blocks) && (
        <p className="block-warning" role="status">
          No footer with an unsubscribe link: marketing email must let people unsubscribe.{' '}
          <button type="button" className="link-button" onClick={() => write([...blocks, newBlock('footer')], blocks.length)}>
            Add the footer
          </button>
        </p>
      )}
      <div className="block-columns">
        <ol className="block-list" aria-label="Blocks">
          {blocks.map((b, i) => (
            <li
              key={i}
              draggable
              className={[i === selected ? 'selected' : '', i === over && dragged !== null && dragged !== i ? 'drop-target' : ''].join(' ')}
              onDragStart={(e) => {
                setDragged(i);
                e.dataTransfer.effectAllowed = 'move';
                e.dataTransfer.setData('text/plain', String(i));
              }}
              onDragOver={(e) => {
                if (dragged === null) return;
                e.preventDefault();
                setOver(i);
              }}
              onDrop={(e) => {
                e.preventDefault();
                if (dragged !== null) move(dragged, i);
                setDragged(null);
                setOver(null);
              }}
              onDragEnd={() => {
                setDragged(null);
                setOver(null);
              }}
            >
              <button type="button" className="block-item" aria-pressed={i === selected} onClick={() => setSelected(i === selected ? null : i)}>
                <span className="block-kind">{blockLabels[b.kind]}</span>
                <span className="block-summary">{blockSummary(b)}</span>
              </button>
              <span className="block-moves">
                <button type="button" aria-label={`Move ${blockLabels[b.kind]} ${i + 1} up`} disabled={i === 0} onClick={() => move(i, i - 1)}>
                  ↑
                </button>
                <button type="button" aria-label={`Move ${blockLabels[b.kind]} ${i + 1} down`} disabled={i === blocks.length - 1} onClick={() => move(i, i + 1)}>
                  ↓
                </button>
              </span>
            </li>
          ))}
          {blocks.length === 0 && <li className="muted small">No blocks yet: add one above.</li>}
        </ol>
        {current && selected !== null ? (
          <section className="block-form" aria-label={`Edit ${blockLabels[current.kind]}`}>
            <div className="block-form-header">
              <strong>{blockLabels[current.kind]}</strong>
              <button type="button" onClick={() => write([...blocks.slice(0, selected + 1), structuredClone(current), ...blocks.slice(selected + 1)], selected + 1)}>
                Duplicate
              </button>
              <button type="button" onClick={() => write(blocks.filter((_, n) => n !== selected), null)}>
                Delete
              </button>
            </div>
            <BlockForm block={current} onChange={(b) => write(blocks.map((x, n) => (n === selected ? b : x)))} />
          </section>
        ) : (
          <p className="muted small block-form-empty">Choose a block to edit it; drag blocks (or use ↑ ↓) to reorder them.</p>
        )}
      </div>
    </div>
  );
}
