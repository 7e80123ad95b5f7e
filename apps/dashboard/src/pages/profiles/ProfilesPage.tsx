import { useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../trpc';
import { Link, setSearchParams, useLocation, workspacePath } from '../../router';
import { ProfileView } from './ProfileView';
import { ProfileList } from './ProfileList';
import '../segments/common.css';
import './profiles.css';
import { AsOfBanner } from '../../components/AsOfBanner';

/** `/profiles` lists everyone (by segment, sorted); `/profiles?q=…` searches; `/profiles/<id>` (profile, user or anonymous id) opens one profile. */
export function ProfilesPage({ workspaceId, rest }: { workspaceId: string; rest: string[] }) {
  const [id] = rest;
  if (id) return <ProfileView key={id} workspaceId={workspaceId} id={id} />;
  return <ProfileSearch workspaceId={workspaceId} />;
}

function ProfileSearch({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const { search } = useLocation();
  const q = search.get('q')?.trim() ?? '';
  const [text, setText] = useState(q);
  const results = useQuery(trpc.profiles.search.queryOptions({ workspaceId, q, limit: 50 }, { enabled: q !== '' }));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSearchParams({ q: text.trim() || undefined });
  };

  return (
    <div className="profiles-page">
      <div className="page-header">
        <h1>Profiles</h1>
      </div>
      <AsOfBanner workspaceId={workspaceId} />
      <form className="card profile-search" onSubmit={submit} role="search">
        <label>
          Find a profile
          <input
            type="search"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="profile id, user id, anonymous id, email or any trait value"
            aria-label="Search profiles"
            maxLength={255}
          />
        </label>
        <button type="submit" className="primary">
          Search
        </button>
      </form>

      {q === '' && <ProfileList workspaceId={workspaceId} />}
      {q !== '' && (
        <section className="card" aria-label="Search results">
          {results.isError ? (
            <p className="form-error">Could not search: {results.error.message}</p>
          ) : !results.data ? (
            <p className="muted">Searching…</p>
          ) : results.data.length === 0 ? (
            <p className="muted">No profile matches “{q}”.</p>
          ) : (
            <>
              <h2>
                {results.data.length} profile{results.data.length === 1 ? '' : 's'} matching “{q}”
              </h2>
              <table className="data-table search-results">
                <thead>
                  <tr>
                    <th>Profile</th>
                    <th>Email</th>
                    <th>Matched on</th>
                  </tr>
                </thead>
                <tbody>
                  {results.data.map((r) => (
                    <tr key={r.id}>
                      <td>
                        <Link to={workspacePath(workspaceId, 'profiles', r.id)} className="mono">
                          {r.id}
                        </Link>
                      </td>
                      <td>{r.email || <span className="muted">—</span>}</td>
                      <td className="muted ellipsis">{r.matched}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </section>
      )}
    </div>
  );
}
