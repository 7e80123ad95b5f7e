// The side panel for the trigger node: what starts the journey, who may enter, and the goal.

import type { Draft } from './graph';
import { CheckField, ConditionsEditor, FiltersEditor, NumberField, SelectField, TextField } from './fields';
import { SegmentPicker } from './refs';

type Obj = Record<string, unknown>;

function freshTrigger(type: string): Obj {
  switch (type) {
    case 'segment':
      return { type, segmentId: '', on: 'entered' };
    case 'date_property':
      return { type, property: '', offsetDays: 0, recurring: 'once' };
    case 'broadcast':
      return { type, segmentId: '', at: '' };
    default:
      return { type: 'event', event: '', filters: [] };
  }
}

/** `datetime-local` has no zone: the broadcast time is read and written in the browser's zone, stored as ISO UTC. */
const toLocalInput = (iso: unknown) => {
  if (typeof iso !== 'string' || !iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

export function TriggerForm({ draft, onChange }: { draft: Draft; onChange: (d: Draft) => void }) {
  const trigger = (draft.trigger ?? {}) as Obj;
  const entry = (draft.entry ?? {}) as Obj;
  const goal = draft.goal as Obj | undefined;
  const setTrigger = (patch: Obj) => onChange({ ...draft, trigger: { ...trigger, ...patch } });
  const setEntry = (patch: Obj) => onChange({ ...draft, entry: { ...entry, ...patch } });
  const setGoal = (patch: Obj) => onChange({ ...draft, goal: { ...goal, ...patch } });
  return (
    <div className="node-form" data-testid="trigger-form">
      <h2>Trigger</h2>
      <SelectField
        label="Starts when"
        value={trigger.type ?? 'event'}
        options={[
          ['event', 'An event happens'],
          ['segment', 'A profile enters / exits a segment'],
          ['date_property', 'A date trait comes round'],
          ['broadcast', 'Scheduled broadcast to a segment'],
        ]}
        onChange={(type) => onChange({ ...draft, trigger: freshTrigger(type) })}
      />
      {(trigger.type ?? 'event') === 'event' && (
        <>
          <TextField label="Trigger event" value={trigger.event} onChange={(event) => setTrigger({ event })} placeholder="Checkout Started" />
          <FiltersEditor label="Event filters" filters={trigger.filters} onChange={(filters) => setTrigger({ filters })} />
        </>
      )}
      {trigger.type === 'segment' && (
        <>
          <SegmentPicker value={trigger.segmentId} onChange={(segmentId) => setTrigger({ segmentId })} />
          <SelectField
            label="On"
            value={trigger.on}
            options={[
              ['entered', 'Entered'],
              ['exited', 'Exited'],
            ]}
            onChange={(on) => setTrigger({ on })}
          />
        </>
      )}
      {trigger.type === 'date_property' && (
        <>
          <TextField label="Date trait" value={trigger.property} onChange={(property) => setTrigger({ property })} placeholder="birthday" />
          <NumberField label="Days after (negative: before)" value={trigger.offsetDays} min={-366} max={366} onChange={(offsetDays) => setTrigger({ offsetDays })} />
          <SelectField
            label="Recurs"
            value={trigger.recurring ?? 'once'}
            options={[
              ['once', 'Once (e.g. last order)'],
              ['yearly', 'Every year (e.g. birthday)'],
            ]}
            onChange={(recurring) => setTrigger({ recurring })}
          />
        </>
      )}
      {trigger.type === 'broadcast' && (
        <>
          <SegmentPicker value={trigger.segmentId} onChange={(segmentId) => setTrigger({ segmentId })} />
          <label>
            Send at
            <input type="datetime-local" value={toLocalInput(trigger.at)} onChange={(e) => setTrigger({ at: e.target.value ? new Date(e.target.value).toISOString() : undefined })} />
          </label>
        </>
      )}

      <fieldset className="sub">
        <legend>Entry rules</legend>
        <SelectField
          label="Frequency"
          value={entry.frequency ?? 'once'}
          options={[
            ['once', 'Once ever'],
            ['every_time', 'Every time'],
            ['once_per_period', 'At most once per N days'],
          ]}
          onChange={(frequency) => setEntry({ frequency })}
        />
        {entry.frequency === 'once_per_period' && <NumberField label="Period (days)" value={entry.periodDays} min={1} onChange={(periodDays) => setEntry({ periodDays })} />}
        <NumberField label="Entry cap (profiles, blank = none)" value={entry.cap} min={1} onChange={(cap) => setEntry({ cap })} />
        <ConditionsEditor label="Audience (all must hold)" conditions={entry.audience} onChange={(audience) => setEntry({ audience })} />
      </fieldset>

      <CapsEditor caps={draft.caps} onChange={(caps) => onChange({ ...draft, caps: caps.length ? caps : undefined })} />

      <fieldset className="sub">
        <legend>Goal</legend>
        <CheckField
          label="Measure a goal event"
          checked={!!goal}
          onChange={(on) => onChange({ ...draft, goal: on ? { event: '', filters: [], revenueProperty: 'revenue', attributionWindowHours: 72 } : undefined })}
        />
        {goal && (
          <>
            <TextField label="Goal event" value={goal.event} onChange={(event) => setGoal({ event })} placeholder="Order Completed" />
            <FiltersEditor label="Goal filters" filters={goal.filters} onChange={(filters) => setGoal({ filters })} />
            <TextField label="Revenue property" value={goal.revenueProperty} onChange={(revenueProperty) => setGoal({ revenueProperty })} />
            <NumberField label="Attribution window (hours)" value={goal.attributionWindowHours} min={1} max={2160} onChange={(attributionWindowHours) => setGoal({ attributionWindowHours })} />
            <p className="hint">The goal exits the profile and credits the conversion to the last message within the window.</p>
          </>
        )}
      </fieldset>
    </div>
  );
}

type Cap = { channel?: string; max?: number; periodHours?: number };

/** Journey overrides of the workspace's frequency caps (e.g. at most 1 push a day from this journey's sends). */
function CapsEditor({ caps, onChange }: { caps: unknown; onChange: (caps: Cap[]) => void }) {
  const list = Array.isArray(caps) ? (caps as Cap[]) : [];
  const put = (i: number, patch: Cap) => onChange(list.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  return (
    <fieldset className="sub">
      <legend>Frequency caps (override the workspace’s)</legend>
      {list.map((c, i) => (
        <div className="row" key={i}>
          <SelectField
            label="Channel"
            value={c.channel}
            options={[
              ['all', 'All'],
              ['email', 'Email'],
              ['web_push', 'Web push'],
              ['onsite', 'Onsite'],
            ]}
            onChange={(channel) => put(i, { channel })}
          />
          <NumberField label="At most" value={c.max} min={0} onChange={(max) => put(i, { max })} />
          <NumberField label="Per hours" value={c.periodHours} min={1} onChange={(periodHours) => put(i, { periodHours })} />
          <button type="button" className="link-button" aria-label={`Remove cap ${i + 1}`} onClick={() => onChange(list.filter((_, j) => j !== i))}>
            ✕
          </button>
        </div>
      ))}
      <button type="button" className="link-button" onClick={() => onChange([...list, { channel: 'all', max: 3, periodHours: 168 }])}>
        + Add cap
      </button>
    </fieldset>
  );
}
