// Small form controls of the builder's side panel. Empty inputs become `undefined`, so the shared
// schema (not the form) says what is missing, on the node, like it would for the API.

import { useEffect, useState } from 'react';
import { SegmentPicker } from './refs';

export function TextField({ label, value, onChange, placeholder }: { label: string; value: unknown; onChange: (v: string | undefined) => void; placeholder?: string }) {
  return (
    <label>
      {label}
      <input type="text" value={typeof value === 'string' ? value : ''} placeholder={placeholder} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)} />
    </label>
  );
}

export function NumberField({ label, value, onChange, min, max, step }: { label: string; value: unknown; onChange: (v: number | undefined) => void; min?: number; max?: number; step?: number }) {
  return (
    <label>
      {label}
      <input
        type="number"
        value={typeof value === 'number' ? value : ''}
        min={min}
        max={max}
        step={step}
        onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
      />
    </label>
  );
}

export function SelectField<T extends string>({ label, value, options, onChange }: { label: string; value: unknown; options: Array<[T, string]>; onChange: (v: T) => void }) {
  return (
    <label>
      {label}
      <select value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value as T)}>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

export function CheckField({ label, checked, onChange }: { label: string; checked: boolean; onChange: (v: boolean) => void }) {
  return (
    <label className="check-field">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} /> {label}
    </label>
  );
}

const units: Array<[number, string]> = [
  [1, 'seconds'],
  [60, 'minutes'],
  [3600, 'hours'],
  [86_400, 'days'],
];

/** A duration kept in seconds, edited as a number and a unit. */
export function DurationField({ label, seconds, onChange }: { label: string; seconds: unknown; onChange: (v: number | undefined) => void }) {
  const s = typeof seconds === 'number' ? seconds : undefined;
  const fitting = [...units].reverse().find(([n]) => s !== undefined && s % n === 0)?.[0] ?? 1;
  const [unit, setUnit] = useState(fitting);
  useEffect(() => {
    if (s !== undefined && s % unit !== 0) setUnit(fitting);
  }, [s, unit, fitting]);
  return (
    <div className="duration-field">
      <NumberField label={label} value={s === undefined ? undefined : s / unit} min={1} onChange={(v) => onChange(v === undefined ? undefined : Math.round(v * unit))} />
      <label>
        Unit
        <select aria-label={`${label} unit`} value={unit} onChange={(e) => {
          const u = Number(e.target.value);
          setUnit(u);
          if (s !== undefined) onChange(Math.round((s / unit) * u));
        }}>
          {units.map(([n, name]) => (
            <option key={n} value={n}>
              {name}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

export interface Filter {
  property?: string;
  op?: string;
  value?: string | number | boolean;
}

const ops: Array<[string, string]> = [
  ['eq', '='],
  ['neq', '≠'],
  ['gt', '>'],
  ['gte', '≥'],
  ['lt', '<'],
  ['lte', '≤'],
  ['contains', 'contains'],
  ['exists', 'exists'],
];

/** Numbers and booleans typed in a text box keep their type, as they would in JSON. */
export function parseScalar(text: string): string | number | boolean | undefined {
  if (text === '') return undefined;
  if (text === 'true' || text === 'false') return text === 'true';
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) ? n : text;
}

export function FilterRow({ filter, onChange, onRemove }: { filter: Filter; onChange: (f: Filter) => void; onRemove?: () => void }) {
  return (
    <div className="filter-row">
      <input aria-label="Property" placeholder="property" value={filter.property ?? ''} onChange={(e) => onChange({ ...filter, property: e.target.value })} />
      <select aria-label="Operator" value={filter.op ?? 'eq'} onChange={(e) => onChange({ ...filter, op: e.target.value })}>
        {ops.map(([v, t]) => (
          <option key={v} value={v}>
            {t}
          </option>
        ))}
      </select>
      {filter.op !== 'exists' && (
        <input aria-label="Value" placeholder="value" value={filter.value === undefined ? '' : String(filter.value)} onChange={(e) => onChange({ ...filter, value: parseScalar(e.target.value) })} />
      )}
      {onRemove && (
        <button type="button" className="link-button" aria-label="Remove filter" onClick={onRemove}>
          ✕
        </button>
      )}
    </div>
  );
}

export function FiltersEditor({ label, filters, onChange }: { label: string; filters: unknown; onChange: (f: Filter[]) => void }) {
  const list = Array.isArray(filters) ? (filters as Filter[]) : [];
  return (
    <fieldset className="sub">
      <legend>{label}</legend>
      {list.map((f, i) => (
        <FilterRow key={i} filter={f} onChange={(nf) => onChange(list.map((x, j) => (j === i ? nf : x)))} onRemove={() => onChange(list.filter((_, j) => j !== i))} />
      ))}
      <button type="button" className="link-button" onClick={() => onChange([...list, { property: '', op: 'eq', value: '' }])}>
        + Add filter
      </button>
    </fieldset>
  );
}

export type ConditionDraft = Record<string, unknown> & { kind?: string };

const conditionKinds: Array<[string, string]> = [
  ['trait', 'Trait'],
  ['feature', 'Feature'],
  ['segment', 'Segment'],
  ['event_performed', 'Event performed'],
];

function freshCondition(kind: string): ConditionDraft {
  if (kind === 'segment') return { kind, segmentId: '', in: true };
  if (kind === 'event_performed') return { kind, event: '', withinDays: 30, performed: true };
  return { kind, filter: { property: '', op: 'eq', value: '' } };
}

export function ConditionEditor({ condition, onChange, onRemove }: { condition: ConditionDraft; onChange: (c: ConditionDraft) => void; onRemove?: () => void }) {
  const kind = condition.kind ?? 'trait';
  return (
    <div className="condition">
      <div className="condition-head">
        <select aria-label="Condition kind" value={kind} onChange={(e) => onChange(freshCondition(e.target.value))}>
          {conditionKinds.map(([v, t]) => (
            <option key={v} value={v}>
              {t}
            </option>
          ))}
        </select>
        {onRemove && (
          <button type="button" className="link-button" aria-label="Remove condition" onClick={onRemove}>
            ✕
          </button>
        )}
      </div>
      {(kind === 'trait' || kind === 'feature') && <FilterRow filter={(condition.filter as Filter) ?? {}} onChange={(filter) => onChange({ ...condition, filter })} />}
      {kind === 'segment' && (
        <div className="row">
          <SegmentPicker value={condition.segmentId} onChange={(segmentId) => onChange({ ...condition, segmentId })} />
          <CheckField label="is in it" checked={condition.in !== false} onChange={(v) => onChange({ ...condition, in: v })} />
        </div>
      )}
      {kind === 'event_performed' && (
        <div className="row">
          <TextField label="Event" value={condition.event} onChange={(event) => onChange({ ...condition, event })} />
          <NumberField label="Within days" value={condition.withinDays} min={1} onChange={(withinDays) => onChange({ ...condition, withinDays })} />
          <CheckField label="performed" checked={condition.performed !== false} onChange={(v) => onChange({ ...condition, performed: v })} />
        </div>
      )}
    </div>
  );
}

export function ConditionsEditor({ label, conditions, onChange }: { label: string; conditions: unknown; onChange: (c: ConditionDraft[]) => void }) {
  const list = Array.isArray(conditions) ? (conditions as ConditionDraft[]) : [];
  return (
    <fieldset className="sub">
      <legend>{label}</legend>
      {list.map((c, i) => (
        <ConditionEditor key={i} condition={c} onChange={(nc) => onChange(list.map((x, j) => (j === i ? nc : x)))} onRemove={() => onChange(list.filter((_, j) => j !== i))} />
      ))}
      <button type="button" className="link-button" onClick={() => onChange([...list, freshCondition('trait')])}>
        + Add condition
      </button>
    </fieldset>
  );
}
