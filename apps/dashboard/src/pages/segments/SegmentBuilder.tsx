import { useEffect, useMemo, useState } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../trpc';
import { navigate, workspacePath } from '../../router';
import { formatCount, formatDateTime, useTimeZone } from '../../lib/format';
import { ConditionEditor } from './ConditionEditor';
import { SegmentMembers } from './SegmentMembers';
import { countLeaves, emptyDefinition, errorsByNode, validateTree } from './tree';
import type { Condition } from './types';

const estimateDelayMs = 400;

/** `value`, once it has stopped changing for `ms`. */
function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = window.setTimeout(() => setSettled(value), ms);
    return () => window.clearTimeout(t);
  }, [value, ms]);
  return settled;
}

/** Loads an existing segment (or starts a new one) and hands it to the editor. */
export function SegmentBuilder({ workspaceId, segmentId }: { workspaceId: string; segmentId: string | null }) {
  const trpc = useTRPC();
  const segment = useQuery(trpc.segments.get.queryOptions({ workspaceId, id: segmentId ?? '' }, { enabled: segmentId !== null }));
  if (segmentId === null) return <Editor key="new" workspaceId={workspaceId} initial={null} />;
  if (segment.isError) return <p className="form-error">Could not load the segment: {segment.error.message}</p>;
  if (!segment.data) return <p className="muted">Loading…</p>;
  return <Editor key={segment.data.id} workspaceId={workspaceId} initial={segment.data} />;
}

interface Initial {
  id: string;
  name: string;
  description: string;
  definition: Condition;
  size: number | null;
  version: number;
  refreshedAt: string | null;
}

function Editor({ workspaceId, initial }: { workspaceId: string; initial: Initial | null }) {
  const timeZone = useTimeZone();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState(initial?.name ?? '');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [definition, setDefinition] = useState<Condition>(() => initial?.definition ?? emptyDefinition());
  const [saved, setSaved] = useState<string | null>(null);

  const segments = useQuery(trpc.segments.list.queryOptions({ workspaceId }));
  const totals = useQuery(trpc.events.totals.queryOptions({ workspaceId }));
  const others = useMemo(() => (segments.data ?? []).filter((s) => s.id !== initial?.id).map((s) => ({ id: s.id, name: s.name })), [segments.data, initial?.id]);
  const ctx = useMemo(
    () => ({ eventNames: [...new Set((totals.data?.names ?? []).map((n) => n.event).filter(Boolean))].sort(), segments: others }),
    [totals.data, others],
  );

  const segmentIds = useMemo(() => (segments.data ? new Set(others.map((s) => s.id)) : null), [segments.data, others]);
  const errors = useMemo(() => validateTree(definition, segmentIds), [definition, segmentIds]);
  const byNode = useMemo(() => errorsByNode(errors), [errors]);
  const valid = errors.length === 0;

  // Ask for a size only for a definition that has been still for a moment and is valid.
  const settled = useDebounced(definition, estimateDelayMs);
  const settledValid = useMemo(() => validateTree(settled, segmentIds).length === 0, [settled, segmentIds]);
  const estimate = useQuery(trpc.segments.estimate.queryOptions({ workspaceId, definition: settled }, { enabled: settledValid, placeholderData: keepPreviousData, retry: false }));
  const pending = settled !== definition || estimate.isFetching;

  const invalidate = () => Promise.all([queryClient.invalidateQueries(trpc.segments.pathFilter()), queryClient.invalidateQueries(trpc.profiles.pathFilter())]);
  const create = useMutation(
    trpc.segments.create.mutationOptions({
      onSuccess: async (s) => {
        await invalidate();
        navigate(workspacePath(workspaceId, 'segments', s.id));
      },
    }),
  );
  const update = useMutation(
    trpc.segments.update.mutationOptions({
      onSuccess: async () => {
        setSaved(`Saved at ${formatDateTime(new Date().toISOString(), timeZone)}; membership refreshed.`);
        await invalidate();
      },
    }),
  );
  const remove = useMutation(
    trpc.segments.delete.mutationOptions({
      onSuccess: async () => {
        await invalidate();
        navigate(workspacePath(workspaceId, 'segments'));
      },
    }),
  );
  const saving = create.isPending || update.isPending;
  const saveError = create.error ?? update.error ?? remove.error;
  const nameError = name.trim() ? null : 'name the segment';

  const save = () => {
    setSaved(null);
    const input = { workspaceId, name: name.trim(), description, definition };
    if (initial) update.mutate({ ...input, id: initial.id });
    else create.mutate(input);
  };

  const size = estimate.data;
  return (
    <div className="segment-builder">
      <div className="page-header">
        <h1>{initial ? `Segment: ${initial.name}` : 'New segment'}</h1>
        <div className="form-actions">
          {initial && (
            <button
              type="button"
              className="danger-button"
              disabled={remove.isPending}
              onClick={() => window.confirm(`Delete the segment “${initial.name}”?`) && remove.mutate({ workspaceId, id: initial.id })}
            >
              Delete
            </button>
          )}
          <button type="button" className="primary" disabled={!valid || nameError !== null || saving} onClick={save}>
            {saving ? 'Saving…' : initial ? 'Save changes' : 'Create segment'}
          </button>
        </div>
      </div>

      <section className="card segment-meta">
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} aria-invalid={nameError !== null} />
        </label>
        {nameError && <span className="field-error">{nameError}</span>}
        <label>
          Description
          <input value={description} onChange={(e) => setDescription(e.target.value)} maxLength={2000} placeholder="What this audience is for" />
        </label>
      </section>

      <section className={pending ? 'card estimate stale' : 'card estimate'} aria-label="Live size estimate" aria-busy={pending}>
        <div className="stat-label">Estimated size</div>
        {!valid ? (
          <div className="muted">Fix the {errors.length === 1 ? 'error' : `${errors.length} errors`} below to see the size.</div>
        ) : estimate.isError ? (
          <div className="form-error" role="alert">
            {estimate.error.message}
          </div>
        ) : size ? (
          <div>
            <span className="stat-value" data-testid="estimate-size">
              {formatCount(size.size)}
            </span>{' '}
            <span className="muted">
              of {formatCount(size.profiles)} profiles{size.profiles > 0 ? ` (${((100 * size.size) / size.profiles).toFixed(1)}%)` : ''}
            </span>
          </div>
        ) : (
          <div className="muted">Estimating…</div>
        )}
        <div className="muted small">
          {countLeaves(definition)} condition{countLeaves(definition) === 1 ? '' : 's'}
          {initial?.size !== null && initial?.size !== undefined && ` · saved membership: ${formatCount(initial.size)}${initial.refreshedAt ? ` (refreshed ${formatDateTime(initial.refreshedAt, timeZone)})` : ''}`}
        </div>
      </section>

      <section className="card" aria-label="Conditions">
        <h2>Conditions</h2>
        <ConditionEditor value={definition} onChange={setDefinition} errors={byNode} ctx={ctx} />
      </section>

      {saveError && (
        <p className="form-error" role="alert">
          Could not save: {saveError.message}
        </p>
      )}
      {saved && (
        <p className="ok-text" role="status">
          {saved}
        </p>
      )}

      {initial && <SegmentMembers workspaceId={workspaceId} segmentId={initial.id} />}
    </div>
  );
}
