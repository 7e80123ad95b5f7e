import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../trpc';

const channels = [
  ['email', 'Email'],
  ['web_push', 'Web push'],
  ['onsite', 'Onsite'],
  ['best', 'Best channel for each person'],
] as const;
type Channel = (typeof channels)[number][0];

/** Pick an audience and a message, then send now or at a time: a one-off broadcast on the journey engine. */
export function CampaignForm({ workspaceId, onCreated }: { workspaceId: string; onCreated: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const segments = useQuery(trpc.segments.list.queryOptions({ workspaceId }));
  const templates = useQuery(trpc.templates.list.queryOptions({ workspaceId }));
  const [name, setName] = useState('');
  const [segmentId, setSegmentId] = useState('');
  const [channel, setChannel] = useState<Channel>('email');
  const [template, setTemplate] = useState('');
  const [when, setWhen] = useState<'now' | 'later'>('now');
  const [at, setAt] = useState('');
  const [bestTime, setBestTime] = useState(false);
  const create = useMutation(
    trpc.campaigns.create.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.campaigns.pathFilter());
        await queryClient.invalidateQueries(trpc.journeys.pathFilter());
        onCreated();
      },
    }),
  );
  const offered = (templates.data ?? []).filter((t) => channel === 'best' || t.channel === channel);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ workspaceId, name: name.trim(), segmentId, channel, template, at: when === 'now' || !at ? null : new Date(at).toISOString(), bestTime });
  };

  return (
    <form className="card campaign-form" onSubmit={submit} aria-label="New campaign">
      <h2>New campaign</h2>
      <label>
        Campaign name
        <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} placeholder="Spring sale" />
      </label>
      <label>
        Audience
        <select value={segmentId} onChange={(e) => setSegmentId(e.target.value)} required>
          <option value="">Choose a segment…</option>
          {segments.data?.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
              {s.size !== null ? ` (${s.size.toLocaleString('en-US')})` : ''}
            </option>
          ))}
        </select>
      </label>
      <label>
        Channel
        <select
          value={channel}
          onChange={(e) => {
            setChannel(e.target.value as Channel);
            setTemplate('');
          }}
        >
          {channels.map(([v, label]) => (
            <option key={v} value={v}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Message
        <select value={template} onChange={(e) => setTemplate(e.target.value)} required>
          <option value="">Choose a template…</option>
          {offered.map((t) => (
            <option key={t.id} value={t.name}>
              {t.name}
            </option>
          ))}
        </select>
      </label>
      <fieldset className="campaign-when">
        <legend>When</legend>
        <label>
          <input type="radio" name="when" checked={when === 'now'} onChange={() => setWhen('now')} /> Send now
        </label>
        <label>
          <input type="radio" name="when" checked={when === 'later'} onChange={() => setWhen('later')} /> At
          <input type="datetime-local" aria-label="Send at" value={at} disabled={when !== 'later'} required={when === 'later'} onChange={(e) => setAt(e.target.value)} />
        </label>
        <label>
          <input type="checkbox" checked={bestTime} onChange={(e) => setBestTime(e.target.checked)} /> Each person at their best hour (within 24 hours)
        </label>
      </fieldset>
      {create.error && <p className="form-error">Could not schedule the campaign: {create.error.message}</p>}
      <button type="submit" className="primary" disabled={create.isPending}>
        {create.isPending ? 'Scheduling…' : when === 'now' ? 'Send campaign' : 'Schedule campaign'}
      </button>
    </form>
  );
}
