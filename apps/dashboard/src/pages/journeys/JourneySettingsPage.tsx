import { useEffect, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { channelNames } from '@overture/journeys/definition';
import { useTRPC } from '../../trpc';
import { Link, workspacePath } from '../../router';
import { CopyButton } from '../../components/CopyButton';
import { When } from '../../components/When';
import { channelLabels, formOf, hourLabel, knownTimeZone, placeErrors, settingsOf, type CapRow, type SettingsField, type SettingsForm } from './settingsForm';
import '../messages/messages.css';
import './journey-settings.css';

const hours = Array.from({ length: 24 }, (_, h) => h);
const capChannels = [...channelNames, 'all'] as const;

// Intl knows the zones the engine can compute with; older browsers without the list just get no suggestions.
const timeZones: string[] = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];

function HourSelect({ label, value, onChange }: { label: string; value: number; onChange: (h: number) => void }) {
  return (
    <label className="narrow">
      {label}
      <select value={value} onChange={(e) => onChange(Number(e.target.value))}>
        {hours.map((h) => (
          <option key={h} value={h}>
            {hourLabel(h)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** One setting: its name, the controls, one line on what the engine does with it, and the API's word on it. */
function Setting({ legend, hint, errors, children, footer }: { legend: string; hint: ReactNode; errors: string[] | undefined; children: ReactNode; footer?: ReactNode }) {
  return (
    <fieldset className="setting" aria-invalid={errors ? true : undefined}>
      <legend>{legend}</legend>
      {children}
      <p className="hint">{hint}</p>
      {errors && (
        <ul className="field-errors" role="alert">
          {errors.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      )}
      {footer}
    </fieldset>
  );
}

/** `/w/<ws>/journey-settings`: the workspace-wide rules every journey's steps follow. */
export function JourneySettingsPage({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const current = useQuery(trpc.journeys.settings.queryOptions({ workspaceId }));
  const [form, setForm] = useState<SettingsForm | null>(null);
  const [savedAt, setSavedAt] = useState<string | null>(null);
  useEffect(() => {
    if (current.data) setForm(formOf(current.data));
  }, [current.data]);
  const save = useMutation(
    trpc.journeys.saveSettings.mutationOptions({
      onSuccess: async (saved) => {
        // What the API stored (defaults filled in, lines trimmed) is now both the form and the cache.
        queryClient.setQueryData(trpc.journeys.settings.queryKey({ workspaceId }), saved);
        setForm(formOf(saved));
        setSavedAt(new Date().toISOString());
        await queryClient.invalidateQueries(trpc.journeys.settings.queryFilter());
      },
    }),
  );
  const placed = useMemo(() => (save.error ? placeErrors(save.error.message) : null), [save.error]);
  const dirty = useMemo(() => !!form && !!current.data && JSON.stringify(settingsOf(form)) !== JSON.stringify(settingsOf(formOf(current.data))), [form, current.data]);

  if (current.isError) return <p className="form-error">Could not load the journey settings: {current.error.message}</p>;
  if (!form) return <p className="muted">Loading the journey settings…</p>;

  const set = (patch: Partial<SettingsForm>) => {
    // A change makes the last save's verdict stale.
    if (!save.isIdle) save.reset();
    setSavedAt(null);
    setForm({ ...form, ...patch });
  };
  // The engine cannot compute local times in a zone the platform does not know, and the API does not check the name.
  const zoneError = knownTimeZone(form.defaultTimezone.trim()) ? undefined : [`“${form.defaultTimezone}” is not a time zone name (e.g. Europe/Paris)`];
  const errorsOf = (field: SettingsField) => placed?.byField[field];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({ workspaceId, settings: settingsOf(form) });
  };

  const moveChannel = (i: number, by: -1 | 1) => {
    const channels = [...form.channels];
    const [c] = channels.splice(i, 1);
    channels.splice(i + by, 0, c!);
    set({ channels });
  };
  const setCap = (i: number, patch: Partial<CapRow>) => set({ caps: form.caps.map((c, j) => (j === i ? { ...c, ...patch } : c)) });

  return (
    <div className="journey-settings-page">
      <div className="page-header">
        <h1>Journey settings</h1>
        <Link to={workspacePath(workspaceId, 'journeys')}>← Journeys</Link>
      </div>
      <p className="muted">Rules every journey of this workspace follows. Running journeys pick up a saved change within a few seconds.</p>

      {/* noValidate: the API's schema is the judge, and names the field of any problem. */}
      <form className="card journey-settings" aria-label="Journey settings" noValidate onSubmit={submit}>
        <h2>When messages go out</h2>
        <Setting
          legend="Quiet hours"
          errors={errorsOf('quietHours')}
          hint="A message step due inside this window waits until it ends, then sends. Hours are in each profile's own time zone (the default time zone below when it has none); waits, webhooks and trait updates are not held."
        >
          <div className="editor-row">
            <label className="checkbox">
              <input type="checkbox" checked={form.quietOn} onChange={(e) => set({ quietOn: e.target.checked })} /> Hold messages during quiet hours
            </label>
            {form.quietOn && (
              <>
                <HourSelect label="Quiet from" value={form.quietStart} onChange={(quietStart) => set({ quietStart })} />
                <HourSelect label="Until" value={form.quietEnd} onChange={(quietEnd) => set({ quietEnd })} />
              </>
            )}
          </div>
          {form.quietOn && form.quietStart === form.quietEnd && <p className="field-warning">Start and end are the same hour: no time is quiet.</p>}
        </Setting>

        <Setting
          legend="Best hour"
          errors={errorsOf('bestHour')}
          hint="“At the best time” message steps aim for this local hour when a profile has fewer than 5 opens, clicks or visits in 180 days to learn its own hour from."
        >
          <div className="editor-row">
            <HourSelect label="Best local hour" value={form.bestHour} onChange={(bestHour) => set({ bestHour })} />
          </div>
        </Setting>

        <Setting
          legend="Global control group"
          errors={errorsOf('globalControlPercent')}
          hint="A stable share of people who get no marketing message from any journey or campaign (service messages still go), so the program's lift can be measured against them. Their skips show as “global_control”."
        >
          <div className="editor-row">
            <label>
              Share of profiles (%, 0–20)
              <input type="number" min={0} max={20} step={0.5} value={form.globalControlPercent} onChange={(e) => set({ globalControlPercent: e.target.value })} />
            </label>
          </div>
        </Setting>

        <Setting
          legend="Default time zone"
          errors={errorsOf('defaultTimezone') ?? zoneError}
          hint="The workspace’s time zone (also on the Install page, and the zone the dashboard shows times in). Used for quiet hours, best time and “wait until” steps when a profile has no time zone of its own (its timezone field or trait)."
        >
          <div className="editor-row">
            <label>
              Time zone (IANA name)
              <input value={form.defaultTimezone} onChange={(e) => set({ defaultTimezone: e.target.value })} list="journey-settings-zones" placeholder="Europe/Paris" />
            </label>
            <datalist id="journey-settings-zones">
              {timeZones.map((z) => (
                <option key={z} value={z} />
              ))}
            </datalist>
          </div>
        </Setting>

        <h2>Which channel</h2>
        <Setting
          legend="Channel order"
          errors={errorsOf('channelOrder')}
          hint="“Best channel” steps take the first ticked channel that can reach the profile, unless its history (3+ messages on 2+ channels) shows it engages more elsewhere; steps allowed to fall back try the others in this order. Unticked channels are never picked automatically."
        >
          <ol className="channel-order">
            {form.channels.map((c, i) => (
              <li key={c.channel}>
                <label className="checkbox">
                  <input type="checkbox" checked={c.on} onChange={(e) => set({ channels: form.channels.map((x, j) => (j === i ? { ...x, on: e.target.checked } : x)) })} />{' '}
                  {channelLabels[c.channel]}
                </label>
                <button type="button" className="link-button" aria-label={`Move ${channelLabels[c.channel]} up`} disabled={i === 0} onClick={() => moveChannel(i, -1)}>
                  ↑
                </button>
                <button type="button" className="link-button" aria-label={`Move ${channelLabels[c.channel]} down`} disabled={i === form.channels.length - 1} onClick={() => moveChannel(i, 1)}>
                  ↓
                </button>
              </li>
            ))}
          </ol>
        </Setting>

        <Setting
          legend="Frequency caps"
          errors={errorsOf('caps')}
          hint="At most this many messages per profile on the channel within the last so many hours, across all journeys. Over the cap a step falls back to another channel if allowed, else the message is skipped (not held). A journey's own cap on the same channel replaces this one."
        >
          {form.caps.length === 0 && <p className="muted small">No cap: journeys may message a profile as often as their steps say.</p>}
          {form.caps.map((c, i) => (
            <div className="editor-row cap-row" key={i} role="group" aria-label={`Cap ${i + 1}`}>
              <label>
                Channel
                <select value={c.channel} onChange={(e) => setCap(i, { channel: e.target.value as CapRow['channel'] })}>
                  {capChannels.map((ch) => (
                    <option key={ch} value={ch}>
                      {channelLabels[ch]}
                    </option>
                  ))}
                </select>
              </label>
              <label className="narrow">
                At most
                <input type="number" min={0} step={1} value={c.max} onChange={(e) => setCap(i, { max: e.target.value })} />
              </label>
              <label className="narrow">
                per hours
                <input type="number" min={1} value={c.periodHours} onChange={(e) => setCap(i, { periodHours: e.target.value })} />
              </label>
              <button type="button" className="link-button" aria-label={`Remove cap ${i + 1}`} onClick={() => set({ caps: form.caps.filter((_, j) => j !== i) })}>
                ✕
              </button>
            </div>
          ))}
          <div>
            <button type="button" className="link-button" onClick={() => set({ caps: [...form.caps, { channel: 'email', max: '1', periodHours: '24' }] })}>
              + Add cap
            </button>
          </div>
        </Setting>

        <h2>Webhooks</h2>
        <Setting
          legend="Webhook allow-list"
          errors={errorsOf('webhookHosts')}
          footer={<WebhookSecret workspaceId={workspaceId} />}
          hint="Webhook steps and one-click action links may only call these hosts, one per line: api.shop.example (any port), *.shop.example (its subdomains on any port, not shop.example itself), hooks.shop.example:8443 or *.shop.example:8443 (that port only). Calls to other hosts fail."
        >
          <label>
            Allowed hosts
            <textarea className="hosts" rows={4} value={form.webhookHosts} onChange={(e) => set({ webhookHosts: e.target.value })} spellCheck={false} placeholder={'api.shop.example\n*.shop.example'} />
          </label>
        </Setting>

        {placed && placed.other.length > 0 && (
          <p className="form-error" role="alert">
            Not saved: {placed.other.join('; ')}
          </p>
        )}
        {placed && placed.other.length === 0 && <p className="form-error">Not saved: see the marked settings above.</p>}
        {savedAt && !dirty && (
          <p className="notice" role="status">
            Saved at <When iso={savedAt} exact />.
          </p>
        )}
        <div className="form-actions">
          <button type="submit" className="primary" disabled={save.isPending || zoneError !== undefined}>
            {save.isPending ? 'Saving…' : 'Save'}
          </button>
          {dirty && <span className="muted">Unsaved changes</span>}
        </div>
      </form>
    </div>
  );
}

/** The secret receivers verify `x-overture-signature` with: fetched only when asked for. */
function WebhookSecret({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const [shown, setShown] = useState(false);
  const secret = useQuery(trpc.journeys.webhookSecret.queryOptions({ workspaceId }, { enabled: shown }));
  return (
    <div className="webhook-secret">
      <span className="muted small">Receivers check the x-overture-signature header of each call with the workspace's signing secret.</span>
      {!shown ? (
        <button type="button" className="link-button" onClick={() => setShown(true)}>
          Show signing secret
        </button>
      ) : secret.isError ? (
        <span className="form-error">{secret.error.message}</span>
      ) : (
        <span className="key-row">
          <code data-testid="webhook-secret">{secret.data?.secret ?? '…'}</code>
          {secret.data && <CopyButton text={secret.data.secret} />}
        </span>
      )}
    </div>
  );
}
