// The side panel's form for one step, per node type.

import { useState } from 'react';
import { handlesOf, targetOf, type Draft, type DraftNode } from './graph';
import { labelOfType } from './nodeTypes';
import { TemplatePicker } from './refs';
import { CheckField, ConditionsEditor, DurationField, FiltersEditor, NumberField, parseScalar, SelectField, TextField, type ConditionDraft } from './fields';

type Props = { node: DraftNode; draft: Draft; onChange: (node: DraftNode) => void; onConnect: (field: string, target: string | null) => void; onDelete: () => void };

const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export function NodeForm({ node, draft, onChange, onConnect, onDelete }: Props) {
  const set = (patch: Record<string, unknown>) => onChange({ ...node, ...patch });
  return (
    <div className="node-form" data-testid="node-form">
      <h2>
        {labelOfType(node.type)} <code className="muted">{node.id}</code>
      </h2>
      <TextField label="Label" value={node.label} onChange={(label) => set({ label })} placeholder="shown on the canvas" />
      <Fields node={node} set={set} />
      {handlesOf(node).length > 0 && (
        <fieldset className="sub">
          <legend>Goes to</legend>
          {handlesOf(node).map((h) => (
            <label key={h.field}>
              {h.label}
              <select aria-label={`${h.label} goes to`} value={targetOf(node, h.field) ?? ''} onChange={(e) => onConnect(h.field, e.target.value || null)}>
                <option value="">(end of journey)</option>
                {draft.nodes
                  .filter((n) => n.id !== node.id)
                  .map((n) => (
                    <option key={n.id} value={n.id}>
                      {n.label ? `${String(n.label)} (${n.id})` : n.id}
                    </option>
                  ))}
              </select>
            </label>
          ))}
        </fieldset>
      )}
      <button type="button" className="danger-button" onClick={onDelete}>
        Delete step
      </button>
    </div>
  );
}

function Fields({ node, set }: { node: DraftNode; set: (patch: Record<string, unknown>) => void }) {
  switch (node.type) {
    case 'wait':
      return <DurationField label="Wait for" seconds={node.seconds} onChange={(seconds) => set({ seconds })} />;
    case 'wait_until': {
      const days = Array.isArray(node.weekdays) ? (node.weekdays as number[]) : [];
      return (
        <>
          <div className="row">
            <NumberField label="Hour" value={node.hour} min={0} max={23} onChange={(hour) => set({ hour })} />
            <NumberField label="Minute" value={node.minute} min={0} max={59} onChange={(minute) => set({ minute })} />
          </div>
          <fieldset className="sub weekdays">
            <legend>Weekdays (none = any day)</legend>
            {weekdays.map((d, i) => (
              <CheckField key={d} label={d} checked={days.includes(i)} onChange={(on) => set({ weekdays: on ? [...days, i].sort() : days.filter((x) => x !== i) })} />
            ))}
          </fieldset>
          <p className="hint">In the profile’s time zone.</p>
        </>
      );
    }
    case 'wait_for_event':
      return (
        <>
          <TextField label="Event" value={node.event} onChange={(event) => set({ event })} placeholder="Order Completed" />
          <FiltersEditor label="Event filters" filters={node.filters} onChange={(filters) => set({ filters })} />
          <DurationField label="Timeout" seconds={node.timeoutSeconds} onChange={(timeoutSeconds) => set({ timeoutSeconds })} />
        </>
      );
    case 'condition':
      return <ConditionBranches node={node} set={set} />;
    case 'split':
      return <SplitBranches node={node} set={set} />;
    case 'message': {
      const sendAt = (node.sendAt ?? { mode: 'now' }) as { mode?: string; withinHours?: number };
      return (
        <>
          <SelectField
            label="Channel"
            value={node.channel}
            options={[
              ['email', 'Email'],
              ['web_push', 'Web push'],
              ['onsite', 'Onsite'],
              ['best', 'Best channel for the profile'],
            ]}
            onChange={(channel) => set({ channel })}
          />
          <TemplatePicker channel={node.channel} value={node.template} onChange={(template) => set({ template })} />
          <TextField label="Subscription group" value={node.subscriptionGroup} onChange={(subscriptionGroup) => set({ subscriptionGroup })} placeholder="optional" />
          <CheckField label="On a skip, fall back to the next allowed channel" checked={node.fallback === true} onChange={(fallback) => set({ fallback })} />
          <CheckField label="Send during quiet hours (a service message the customer is waiting for)" checked={node.ignoreQuietHours === true} onChange={(ignoreQuietHours) => set({ ignoreQuietHours })} />
          <SelectField
            label="Send"
            value={sendAt.mode}
            options={[
              ['now', 'Now'],
              ['best_time', 'At the best time within a window'],
            ]}
            onChange={(mode) => set({ sendAt: mode === 'now' ? { mode } : { mode, withinHours: 24 } })}
          />
          {sendAt.mode === 'best_time' && <NumberField label="Window (hours)" value={sendAt.withinHours} min={1} max={168} onChange={(withinHours) => set({ sendAt: { ...sendAt, withinHours } })} />}
        </>
      );
    }
    case 'update_trait':
      return (
        <>
          <TextField label="Trait" value={node.trait} onChange={(trait) => set({ trait })} />
          <label>
            Value
            <input type="text" value={node.value === null ? 'null' : node.value === undefined ? '' : String(node.value)} onChange={(e) => set({ value: e.target.value === 'null' ? null : (parseScalar(e.target.value) ?? '') })} />
          </label>
          <p className="hint">Numbers, true/false and null keep their type.</p>
        </>
      );
    case 'webhook':
      return (
        <>
          <TextField label="URL" value={node.url} onChange={(url) => set({ url })} placeholder="https://hooks.example.com/…" />
          <JsonField label="Body (JSON object)" value={node.body ?? {}} onChange={(body) => set({ body })} />
          <div className="row">
            <NumberField label="Timeout (ms)" value={node.timeoutMs} min={100} max={30000} onChange={(timeoutMs) => set({ timeoutMs })} />
            <NumberField label="Retries" value={node.retries} min={0} max={10} onChange={(retries) => set({ retries })} />
          </div>
          <p className="hint">Signed POST; the host must be on the workspace’s allow-list.</p>
        </>
      );
    case 'exit':
      return <p className="hint">Profiles that reach this step leave the journey.</p>;
  }
}

function ConditionBranches({ node, set }: { node: DraftNode; set: (patch: Record<string, unknown>) => void }) {
  const branches = (Array.isArray(node.branches) ? node.branches : []) as Array<{ name?: string; when?: ConditionDraft[]; next?: string | null }>;
  const put = (i: number, patch: Record<string, unknown>) => set({ branches: branches.map((b, j) => (j === i ? { ...b, ...patch } : b)) });
  return (
    <>
      {branches.map((b, i) => (
        <fieldset className="sub branch" key={i}>
          <legend>Branch {i + 1}</legend>
          <TextField label="Name" value={b.name} onChange={(name) => put(i, { name })} />
          <ConditionsEditor label="When all of" conditions={b.when} onChange={(when) => put(i, { when })} />
          {branches.length > 1 && (
            <button type="button" className="link-button" onClick={() => set({ branches: branches.filter((_, j) => j !== i) })}>
              Remove branch
            </button>
          )}
        </fieldset>
      ))}
      <button type="button" onClick={() => set({ branches: [...branches, { name: `Branch ${branches.length + 1}`, when: [{ kind: 'trait', filter: { property: '', op: 'eq', value: '' } }], next: null }] })}>
        + Add branch
      </button>
      <p className="hint">Branches are tried in order; the first that matches wins, else “otherwise”.</p>
    </>
  );
}

function SplitBranches({ node, set }: { node: DraftNode; set: (patch: Record<string, unknown>) => void }) {
  const branches = (Array.isArray(node.branches) ? node.branches : []) as Array<{ name?: string; weight?: number; next?: string | null }>;
  const put = (i: number, patch: Record<string, unknown>) => set({ branches: branches.map((b, j) => (j === i ? { ...b, ...patch } : b)) });
  return (
    <>
      {branches.map((b, i) => (
        <div className="row" key={i}>
          <TextField label={`Variant ${i + 1}`} value={b.name} onChange={(name) => put(i, { name })} />
          <NumberField label="Weight" value={b.weight} min={0} onChange={(weight) => put(i, { weight })} />
          {branches.length > 1 && (
            <button type="button" className="link-button" aria-label={`Remove variant ${i + 1}`} onClick={() => set({ branches: branches.filter((_, j) => j !== i) })}>
              ✕
            </button>
          )}
        </div>
      ))}
      <button type="button" onClick={() => set({ branches: [...branches, { name: String.fromCharCode(65 + branches.length), weight: 50, next: null }] })}>
        + Add variant
      </button>
      <NumberField label="Holdout % (receives nothing, measured)" value={node.holdoutPercent} min={0} max={50} onChange={(holdoutPercent) => set({ holdoutPercent })} />
    </>
  );
}

/** JSON typed by hand: kept as text while it does not parse, with the parse error shown. */
function JsonField({ label, value, onChange }: { label: string; value: unknown; onChange: (v: unknown) => void }) {
  const [text, setText] = useState(() => JSON.stringify(value, null, 2));
  const [error, setError] = useState<string | null>(null);
  return (
    <label>
      {label}
      <textarea
        rows={4}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          try {
            onChange(JSON.parse(e.target.value || '{}'));
            setError(null);
          } catch (err) {
            setError((err as Error).message);
          }
        }}
      />
      {error && <span className="form-error">{error}</span>}
    </label>
  );
}
