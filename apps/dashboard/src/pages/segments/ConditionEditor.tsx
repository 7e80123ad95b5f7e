import { leafLabels, leafTypes } from './catalog';
import { FieldErrors, LeafFields, type LeafContext } from './LeafEditor';
import { addChild, defaultLeaf, isGroup, moveChild, pathKey, removeAt, setGroupType, toggleNot, updateAt, wrapInGroup, type Path, type TreeError } from './tree';
import type { Condition, Leaf, LeafType } from './types';

type Edit = (fn: (root: Condition) => Condition) => void;

interface NodeProps {
  node: Condition;
  path: Path;
  edit: Edit;
  errors: Map<string, TreeError[]>;
  ctx: LeafContext;
  /** Index and size of the parent group, for the move buttons. */
  siblings?: { index: number; count: number };
  /** Set when the node is the child of a `not`: its actions then act on the `not`. */
  negated?: boolean;
}

/** The visual editor of an and / or / not tree of conditions. */
export function ConditionEditor({ value, onChange, errors, ctx }: { value: Condition; onChange: (c: Condition) => void; errors: Map<string, TreeError[]>; ctx: LeafContext }) {
  const edit: Edit = (fn) => onChange(fn(value));
  return (
    <div className="condition-editor" data-testid="condition-editor">
      <Node node={value} path={[]} edit={edit} errors={errors} ctx={ctx} />
    </div>
  );
}

function NodeActions({ path, edit, siblings, negated }: { path: Path; edit: Edit; siblings?: NodeProps['siblings']; negated: boolean }) {
  if (path.length === 0 && !negated) {
    return (
      <button type="button" className="link-button" onClick={() => edit((r) => toggleNot(r, path))} title="Match profiles that do NOT satisfy this">
        NOT
      </button>
    );
  }
  return (
    <span className="node-actions">
      <button type="button" className="link-button" onClick={() => edit((r) => toggleNot(r, path))} title={negated ? 'Remove the negation' : 'Match profiles that do NOT satisfy this'}>
        {negated ? 'un-NOT' : 'NOT'}
      </button>
      {siblings && siblings.count > 1 && (
        <>
          <button type="button" className="icon-button" aria-label="Move up" disabled={siblings.index === 0} onClick={() => edit((r) => moveChild(r, path, -1))}>
            ↑
          </button>
          <button type="button" className="icon-button" aria-label="Move down" disabled={siblings.index === siblings.count - 1} onClick={() => edit((r) => moveChild(r, path, 1))}>
            ↓
          </button>
        </>
      )}
      {path.length > 0 && (
        <button type="button" className="icon-button danger" aria-label="Remove condition" onClick={() => edit((r) => removeAt(r, path))}>
          ×
        </button>
      )}
    </span>
  );
}

function Node({ node, path, edit, errors, ctx, siblings, negated = false }: NodeProps) {
  if (node.type === 'not') {
    return (
      <div className="cond-not">
        <span className="not-badge">NOT</span>
        <Node node={node.condition} path={[...path, 0]} edit={edit} errors={errors} ctx={ctx} siblings={siblings} negated />
      </div>
    );
  }
  // A node directly under a `not` carries the not's own actions (un-NOT, move, remove).
  const actionPath = negated ? path.slice(0, -1) : path;
  if (isGroup(node)) {
    return (
      <div className={`cond-group cond-${node.type}`} data-path={pathKey(path)}>
        <div className="cond-group-head">
          <span className="muted">Match</span>
          <div className="segmented" role="group" aria-label="Match all or any">
            <button type="button" aria-pressed={node.type === 'and'} onClick={() => edit((r) => setGroupType(r, path, 'and'))}>
              all (AND)
            </button>
            <button type="button" aria-pressed={node.type === 'or'} onClick={() => edit((r) => setGroupType(r, path, 'or'))}>
              any (OR)
            </button>
          </div>
          <span className="muted">of</span>
          <select
            aria-label="Add condition"
            value=""
            onChange={(e) => {
              const t = e.target.value as LeafType | 'group';
              if (t) edit((r) => addChild(r, path, t === 'group' ? { type: node.type === 'and' ? 'or' : 'and', conditions: [defaultLeaf('event')] } : defaultLeaf(t)));
            }}
          >
            <option value="">+ Add condition…</option>
            {leafTypes.map((t) => (
              <option key={t} value={t}>
                {leafLabels[t]}
              </option>
            ))}
            <option value="group">Group of conditions</option>
          </select>
          <NodeActions path={actionPath} edit={edit} siblings={siblings} negated={negated} />
        </div>
        <ol className="cond-children">
          {node.conditions.map((child, i) => (
            <li key={i}>
              <Node node={child} path={[...path, i]} edit={edit} errors={errors} ctx={ctx} siblings={{ index: i, count: node.conditions.length }} />
            </li>
          ))}
        </ol>
        <FieldErrors errors={errors.get(pathKey(path))} />
      </div>
    );
  }
  const leaf: Leaf = node;
  return (
    <div className={errors.has(pathKey(path)) ? 'cond-leaf invalid' : 'cond-leaf'} data-path={pathKey(path)}>
      <div className="cond-leaf-row">
        <select aria-label="Condition type" value={leaf.type} onChange={(e) => edit((r) => updateAt(r, path, () => defaultLeaf(e.target.value as LeafType)))}>
          {leafTypes.map((t) => (
            <option key={t} value={t}>
              {leafLabels[t]}
            </option>
          ))}
        </select>
        <LeafFields c={leaf} set={(c) => edit((r) => updateAt(r, path, () => c))} ctx={ctx} />
        <NodeActions path={actionPath} edit={edit} siblings={siblings} negated={negated} />
        {path.length > 0 && !negated && (
          <button type="button" className="link-button" title="Put this condition in a group to add alternatives beside it" onClick={() => edit((r) => wrapInGroup(r, path, 'or'))}>
            group
          </button>
        )}
      </div>
      <FieldErrors errors={errors.get(pathKey(path))} />
    </div>
  );
}
