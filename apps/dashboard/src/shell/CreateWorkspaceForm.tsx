import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../trpc';

export interface NewWorkspace {
  id: string;
  name: string;
  writeKey: string;
  secretKey: string;
}

export function CreateWorkspaceForm({ onCreated, onCancel }: { onCreated: (ws: NewWorkspace) => void; onCancel?: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const create = useMutation(
    trpc.workspaces.create.mutationOptions({
      onSuccess: async (ws) => {
        await queryClient.invalidateQueries(trpc.workspaces.list.queryFilter());
        onCreated(ws);
      },
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ name });
  };
  return (
    <form className="create-workspace" onSubmit={submit}>
      <label>
        Workspace name
        <input name="workspace-name" required autoFocus maxLength={200} placeholder="e.g. My store" value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      {create.isError && (
        <p className="form-error" role="alert">
          {create.error.message}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create workspace'}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
