import { navigate, workspacePath } from '../router';

const newOption = '__new__';

export function WorkspaceSwitcher({
  workspaces,
  currentId,
  page,
  onNew,
}: {
  workspaces: Array<{ id: string; name: string }>;
  currentId: string | undefined;
  page: string;
  onNew: () => void;
}) {
  return (
    <select
      className="workspace-switcher"
      aria-label="Workspace"
      value={currentId ?? ''}
      onChange={(e) => {
        if (e.target.value === newOption) onNew();
        else if (e.target.value) navigate(workspacePath(e.target.value, page));
      }}
    >
      {!currentId && (
        <option value="" disabled>
          Choose a workspace
        </option>
      )}
      {workspaces.map((w) => (
        <option key={w.id} value={w.id}>
          {w.name}
        </option>
      ))}
      <option value={newOption}>+ New workspace…</option>
    </select>
  );
}
