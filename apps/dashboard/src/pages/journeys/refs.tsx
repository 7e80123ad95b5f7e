// The builder's side panel names templates and segments, not ids: the lists come from the Builder,
// which has the workspace, through a context so every nested form can pick from them.

import { createContext, useContext, useId, useMemo } from 'react';
import type { Names } from './nodeTypes';
import { Link, workspacePath } from '../../router';

export interface BuilderRefs {
  workspaceId: string;
  templates: Array<{ id: string; name: string; channel: string }> | undefined;
  segments: Array<{ id: string; name: string }> | undefined;
}

export const RefsContext = createContext<BuilderRefs | null>(null);

const useRefs = (): BuilderRefs => useContext(RefsContext) ?? { workspaceId: '', templates: undefined, segments: undefined };

/**
 * A template chosen by name, with the workspace's templates of the step's channel offered as you type
 * (a journey refers to a template by id or by name; a name reads better and survives a re-import).
 */
export function TemplatePicker({ channel, value, onChange }: { channel: unknown; value: unknown; onChange: (v: string | undefined) => void }) {
  const { workspaceId, templates } = useRefs();
  const listId = useId();
  const text = typeof value === 'string' ? value : '';
  const offered = (templates ?? []).filter((t) => channel === 'best' || typeof channel !== 'string' || t.channel === channel);
  const match = templates?.find((t) => t.id === text || t.name === text);
  return (
    <label>
      Template
      <input type="search" list={listId} value={match && match.id === text ? match.name : text} placeholder="search templates by name" onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)} />
      <datalist id={listId}>
        {offered.map((t) => (
          <option key={t.id} value={t.name}>
            {t.channel}
          </option>
        ))}
      </datalist>
      {match ? (
        <Link to={workspacePath(workspaceId, 'messages', match.id)} className="small">
          Open “{match.name}” →
        </Link>
      ) : (
        text &&
        templates && (
          <span className="field-hint" role="note">
            No template is named “{text}” yet.
          </span>
        )
      )}
    </label>
  );
}

/** A segment chosen from the workspace's segments by name; an id that no longer exists stays visible. */
export function SegmentPicker({ label = 'Segment', value, onChange }: { label?: string; value: unknown; onChange: (v: string | undefined) => void }) {
  const { segments } = useRefs();
  const id = typeof value === 'string' ? value : '';
  const known = segments?.some((s) => s.id === id);
  return (
    <label>
      {label}
      <select value={id} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}>
        <option value="">Choose a segment…</option>
        {id && segments && !known && <option value={id}>Unknown segment {id}</option>}
        {segments?.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Names for the canvas's one-line summaries, from the same lists. */
export function useNames(): Names {
  const { templates, segments } = useRefs();
  return useMemo(
    () => ({
      template: (ref: string) => templates?.find((t) => t.id === ref || t.name === ref)?.name,
      segment: (id: string) => segments?.find((s) => s.id === id)?.name,
    }),
    [templates, segments],
  );
}
