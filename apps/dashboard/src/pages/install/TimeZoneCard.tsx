import { useMemo, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../trpc';
import { formatDateTime, useTimeZone } from '../../lib/format';
import { allTimeZones, searchTimeZones, zoneLabel } from './timeZones';

const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const shown = 200;

/** The zone every time in the dashboard is shown in, and journeys fall back to for a profile without one. */
export function TimeZoneCard({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const current = useTimeZone();
  const [query, setQuery] = useState('');
  const labels = useMemo(() => new Map(allTimeZones.map((z) => [z, zoneLabel(z)])), []);
  const matches = useMemo(() => searchTimeZones(query, allTimeZones, (z) => labels.get(z) ?? z).slice(0, shown), [query, labels]);
  const save = useMutation(
    trpc.workspaces.setTimeZone.mutationOptions({
      onSuccess: async () => {
        setQuery('');
        await queryClient.invalidateQueries(trpc.workspaces.pathFilter());
        await queryClient.invalidateQueries(trpc.journeys.settings.pathFilter());
      },
    }),
  );
  const pick = (timeZone: string) => timeZone && timeZone !== current && save.mutate({ workspaceId, timeZone });
  return (
    <section className="card time-zone-card" aria-label="Time zone">
      <h2>4. Your time zone</h2>
      <p>
        Now: <strong data-testid="workspace-time-zone">{labels.get(current) ?? current}</strong>
      </p>
      <label>
        Search
        <input type="search" aria-label="Search time zones" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="City, region or abbreviation (e.g. Paris, EST)" disabled={save.isPending} />
      </label>
      <label>
        Time zone
        <select aria-label="Time zone" size={6} value={matches.includes(current) ? current : ''} disabled={save.isPending} onChange={(e) => pick(e.target.value)}>
          {matches.map((z) => (
            <option key={z} value={z}>
              {labels.get(z) ?? z}
            </option>
          ))}
        </select>
      </label>
      {matches.length === 0 && <p className="muted small">No time zone matches “{query}”.</p>}
      {browserZone && browserZone !== current && (
        <button type="button" className="link-button" onClick={() => pick(browserZone)} disabled={save.isPending}>
          Use this browser’s zone ({browserZone})
        </button>
      )}
      <p className="muted small">
        Times across the dashboard read like “5 min ago”, with the exact time on hover: {formatDateTime(new Date().toISOString(), current)}. Journeys use this zone for quiet hours, the best hour
        and “wait until” steps when a profile has no zone of its own.
      </p>
      {save.error && <p className="form-error">Could not save the time zone: {save.error.message}</p>}
    </section>
  );
}
