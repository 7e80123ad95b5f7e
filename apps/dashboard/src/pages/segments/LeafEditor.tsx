import type { ReactNode } from 'react';
import {
  channelLabels,
  consentChannelLabels,
  dateFeatureLabels,
  listFeatureLabels,
  numberOps,
  numericFeatureLabels,
  propertyOps,
  rfmSegmentList,
  textFeatureLabels,
  textOps,
  traitOps,
  typedValue,
} from './catalog';
import type { TreeError } from './tree';
import type { Leaf, LeafOf } from './types';

export interface LeafContext {
  /** Event names seen in the workspace, offered while typing. */
  eventNames: string[];
  /** Other segments of the workspace (the one being edited excluded). */
  segments: Array<{ id: string; name: string }>;
}

function Choice<K extends string>({ label, value, options, onChange }: { label: string; value: K; options: Record<K, string>; onChange: (v: K) => void }) {
  return (
    <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value as K)}>
      {(Object.keys(options) as K[]).map((k) => (
        <option key={k} value={k}>
          {options[k]}
        </option>
      ))}
    </select>
  );
}

/** A number input whose empty state is NaN (flagged by validation) rather than a silent 0. */
function NumberInput({ label, value, onChange, min, max, step }: { label: string; value: number; onChange: (n: number) => void; min?: number; max?: number; step?: number }) {
  return (
    <input
      type="number"
      aria-label={label}
      className="num-input"
      value={Number.isFinite(value) ? value : ''}
      min={min}
      max={max}
      step={step ?? 'any'}
      onChange={(e) => onChange(e.target.valueAsNumber)}
    />
  );
}

type When = LeafOf<'feature_date'>['value'];

function WhenInput({ value, onChange }: { value: When; onChange: (w: When) => void }) {
  const mode = 'at' in value ? 'at' : 'daysAgo';
  return (
    <>
      <Choice
        label="Point in time"
        value={mode}
        options={{ daysAgo: 'days ago', at: 'the date' }}
        onChange={(m) => onChange(m === 'at' ? { at: new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10) } : { daysAgo: 30 })}
      />
      {'at' in value ? (
        <input type="date" aria-label="Date" value={value.at.slice(0, 10)} onChange={(e) => onChange({ at: e.target.value })} />
      ) : (
        <NumberInput label="Days ago" value={value.daysAgo} min={0} step={1} onChange={(n) => onChange({ daysAgo: n })} />
      )}
    </>
  );
}

function EventName({ value, onChange, names }: { value: string; onChange: (v: string) => void; names: string[] }) {
  return (
    <>
      <input aria-label="Event name" placeholder="Event name" list="segment-event-names" value={value} onChange={(e) => onChange(e.target.value)} />
      <datalist id="segment-event-names">
        {names.map((n) => (
          <option key={n} value={n} />
        ))}
      </datalist>
    </>
  );
}

type Window = 'ever' | 'within' | 'between';

function EventFields({ c, set, ctx }: { c: LeafOf<'event'>; set: (c: Leaf) => void; ctx: LeafContext }) {
  const windowKind: Window = c.within ? 'within' : c.between ? 'between' : 'ever';
  const setWindow = (w: Window) => {
    const { within: _w, between: _b, ...rest } = c;
    void _w;
    void _b;
    const day = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
    if (w === 'within') set({ ...rest, within: { days: 30 } });
    else if (w === 'between') set({ ...rest, between: { from: `${day(30)}T00:00:00Z`, to: `${day(0)}T00:00:00Z` } });
    else set(rest);
  };
  const setFilter = (i: number, patch: Partial<LeafOf<'event'>['where'][number]>) => set({ ...c, where: c.where.map((w, j) => (j === i ? { ...w, ...patch } : w)) });
  return (
    <>
      <EventName value={c.event} names={ctx.eventNames} onChange={(event) => set({ ...c, event })} />
      <span className="muted">count</span>
      <Choice label="Count operator" value={c.count.op} options={numberOps} onChange={(op) => set({ ...c, count: { ...c.count, op } })} />
      <NumberInput label="Count" value={c.count.value} min={0} step={1} onChange={(value) => set({ ...c, count: { ...c.count, value } })} />
      <Choice label="Time window" value={windowKind} options={{ ever: 'ever', within: 'in the last', between: 'between' }} onChange={setWindow} />
      {c.within && (
        <>
          <NumberInput label="Window days" value={c.within.days} min={1} step={1} onChange={(days) => set({ ...c, within: { days } })} />
          <span className="muted">days</span>
        </>
      )}
      {c.between && (
        <>
          <input type="date" aria-label="From" value={c.between.from.slice(0, 10)} onChange={(e) => set({ ...c, between: { ...c.between!, from: `${e.target.value}T00:00:00Z` } })} />
          <input type="date" aria-label="To" value={c.between.to.slice(0, 10)} onChange={(e) => set({ ...c, between: { ...c.between!, to: `${e.target.value}T00:00:00Z` } })} />
        </>
      )}
      <div className="leaf-filters">
        {c.where.map((w, i) => (
          <div className="leaf-filter" key={i}>
            <span className="muted">where</span>
            <input aria-label="Property" placeholder="property" value={w.property} onChange={(e) => setFilter(i, { property: e.target.value })} />
            <Choice label="Property operator" value={w.op} options={propertyOps} onChange={(op) => setFilter(i, { op, value: op === 'exists' ? undefined : (w.value ?? '') })} />
            {w.op !== 'exists' && (
              <input aria-label="Property value" placeholder="value" value={w.value === undefined ? '' : String(w.value)} onChange={(e) => setFilter(i, { value: typedValue(w.op, e.target.value) })} />
            )}
            <button type="button" className="link-button" onClick={() => set({ ...c, where: c.where.filter((_, j) => j !== i) })}>
              remove
            </button>
          </div>
        ))}
        {c.where.length < 10 && (
          <button type="button" className="link-button" onClick={() => set({ ...c, where: [...c.where, { property: '', op: 'eq', value: '' }] })}>
            + property filter
          </button>
        )}
      </div>
    </>
  );
}

/** The fields of one leaf condition, by kind. */
export function LeafFields({ c, set, ctx }: { c: Leaf; set: (c: Leaf) => void; ctx: LeafContext }): ReactNode {
  switch (c.type) {
    case 'trait':
      return (
        <>
          <input aria-label="Trait name" placeholder="trait, e.g. plan" value={c.trait} onChange={(e) => set({ ...c, trait: e.target.value })} />
          <Choice label="Trait operator" value={c.op} options={traitOps} onChange={(op) => set({ ...c, op, value: op === 'exists' || op === 'not_exists' ? undefined : typedValue(op, String(c.value ?? '')) })} />
          {c.op !== 'exists' && c.op !== 'not_exists' && (
            <input aria-label="Trait value" placeholder="value" value={c.value === undefined ? '' : String(c.value)} onChange={(e) => set({ ...c, value: typedValue(c.op, e.target.value) })} />
          )}
        </>
      );
    case 'feature':
      return (
        <>
          <Choice label="Feature" value={c.feature} options={numericFeatureLabels} onChange={(feature) => set({ ...c, feature })} />
          <Choice label="Operator" value={c.op} options={numberOps} onChange={(op) => set({ ...c, op })} />
          <NumberInput label="Value" value={c.value} onChange={(value) => set({ ...c, value })} />
        </>
      );
    case 'feature_text':
      return (
        <>
          <Choice label="Feature" value={c.feature} options={textFeatureLabels} onChange={(feature) => set({ ...c, feature })} />
          <Choice label="Operator" value={c.op} options={textOps} onChange={(op) => set({ ...c, op })} />
          <input aria-label="Value" value={c.value} onChange={(e) => set({ ...c, value: e.target.value })} />
        </>
      );
    case 'feature_date':
      return (
        <>
          <Choice label="Feature" value={c.feature} options={dateFeatureLabels} onChange={(feature) => set({ ...c, feature })} />
          <Choice label="Operator" value={c.op} options={{ before: 'before', after: 'after' }} onChange={(op) => set({ ...c, op })} />
          <WhenInput value={c.value} onChange={(value) => set({ ...c, value })} />
        </>
      );
    case 'feature_list':
      return (
        <>
          <Choice label="Feature" value={c.feature} options={listFeatureLabels} onChange={(feature) => set({ ...c, feature })} />
          <Choice label="Operator" value={c.op} options={{ has: 'include', not_has: 'do not include' }} onChange={(op) => set({ ...c, op })} />
          <input aria-label="Value" placeholder="product or category" value={c.value} onChange={(e) => set({ ...c, value: e.target.value })} />
        </>
      );
    case 'event':
      return <EventFields c={c} set={set} ctx={ctx} />;
    case 'last_performed':
      return (
        <>
          <EventName value={c.event} names={ctx.eventNames} onChange={(event) => set({ ...c, event })} />
          <Choice label="Operator" value={c.op} options={{ before: 'before', after: 'after' }} onChange={(op) => set({ ...c, op })} />
          <WhenInput value={c.value} onChange={(value) => set({ ...c, value })} />
        </>
      );
    case 'rfm_segment':
      return (
        <fieldset className="rfm-choices" aria-label="RFM segments">
          {rfmSegmentList.map((s) => (
            <label key={s} className="check-label">
              <input type="checkbox" checked={c.segments.includes(s)} onChange={(e) => set({ ...c, segments: e.target.checked ? [...c.segments, s] : c.segments.filter((x) => x !== s) })} />
              {s}
            </label>
          ))}
        </fieldset>
      );
    case 'rfm_score':
      return (
        <>
          <Choice label="Score" value={c.score} options={{ r: 'Recency (R)', f: 'Frequency (F)', m: 'Monetary (M)' }} onChange={(score) => set({ ...c, score })} />
          <Choice label="Operator" value={c.op} options={numberOps} onChange={(op) => set({ ...c, op })} />
          <NumberInput label="Score value" value={c.value} min={0} max={5} step={1} onChange={(value) => set({ ...c, value })} />
        </>
      );
    case 'segment':
      return (
        <>
          <Choice label="Membership" value={c.member ? 'in' : 'out'} options={{ in: 'is in', out: 'is not in' }} onChange={(m) => set({ ...c, member: m === 'in' })} />
          <select aria-label="Segment" value={c.segmentId} onChange={(e) => set({ ...c, segmentId: e.target.value })}>
            <option value="">Pick a segment…</option>
            {ctx.segments.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </>
      );
    case 'reachable':
      return <Choice label="Channel" value={c.channel} options={channelLabels} onChange={(channel) => set({ ...c, channel })} />;
    case 'consent':
      return (
        <>
          <Choice label="Channel" value={c.channel} options={consentChannelLabels} onChange={(channel) => set({ ...c, channel })} />
          <Choice label="Consent" value={c.granted ? 'yes' : 'no'} options={{ yes: 'granted', no: 'not granted' }} onChange={(v) => set({ ...c, granted: v === 'yes' })} />
        </>
      );
    case 'random_bucket':
      return (
        <>
          <span className="muted">bucket from</span>
          <NumberInput label="Bucket from" value={c.from} min={0} max={99} step={1} onChange={(from) => set({ ...c, from })} />
          <span className="muted">to</span>
          <NumberInput label="Bucket to" value={c.to} min={0} max={99} step={1} onChange={(to) => set({ ...c, to })} />
          <input aria-label="Salt" placeholder="salt (optional)" value={c.salt} onChange={(e) => set({ ...c, salt: e.target.value })} />
        </>
      );
  }
}

export function FieldErrors({ errors }: { errors: TreeError[] | undefined }) {
  if (!errors?.length) return null;
  return (
    <ul className="field-errors" role="alert">
      {errors.map((e) => (
        <li key={`${e.field}:${e.message}`}>
          <strong>{e.field}</strong>: {e.message}
        </li>
      ))}
    </ul>
  );
}
