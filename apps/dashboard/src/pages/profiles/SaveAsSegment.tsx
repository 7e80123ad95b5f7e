import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../trpc';
import { Link, workspacePath } from '../../router';
import { suggestedSegmentName, type RfmFilter } from './rfmFilter';

/** "Save as segment": a segment whose definition admits exactly the filtered list's people, kept up to date from then on. */
export function SaveAsSegment({ workspaceId, segmentId, rfmFilter, segmentName }: { workspaceId: string; segmentId: string | undefined; rfmFilter: RfmFilter; segmentName: string | undefined }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState<string | null>(null);
  const create = useMutation(
    trpc.segments.createFromAudience.mutationOptions({
      onSuccess: async () => {
        setName(null);
        await queryClient.invalidateQueries(trpc.segments.pathFilter());
      },
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (name?.trim()) create.mutate({ workspaceId, name: name.trim(), segmentId, ...rfmFilter });
  };
  return (
    <div className="save-as-segment">
      {name === null ? (
        <button type="button" onClick={() => setName(suggestedSegmentName(rfmFilter, segmentName))}>
          Save as segment
        </button>
      ) : (
        <form onSubmit={submit} className="inline-form">
          <label>
            Segment name
            <input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} autoFocus />
          </label>
          <button type="submit" className="primary" disabled={create.isPending || !name.trim()}>
            Save segment
          </button>
          <button type="button" className="link-button" onClick={() => setName(null)}>
            Cancel
          </button>
        </form>
      )}
      {create.data && name === null && (
        <p role="status" className="muted small">
          Saved <Link to={workspacePath(workspaceId, 'segments', create.data.id)}>{create.data.name}</Link>: it keeps these filters and updates as people change.
        </p>
      )}
      {create.error && <p className="form-error">Could not save the segment: {create.error.message}</p>}
    </div>
  );
}
