import { useQuery } from '@tanstack/react-query';
import { useTRPC, httpStatusOf } from '../../trpc';
import { Link, workspacePath } from '../../router';
import { useTimeZone } from '../../lib/format';
import { churnLabel, featureGroups, formatFeature, formatTrait, otherFeatures } from './features';
import { Timeline } from './Timeline';
import { When } from '../../components/When';

/** One profile: who it is, what we computed about it, where it belongs, and what it did. */
export function ProfileView({ workspaceId, id }: { workspaceId: string; id: string }) {
  const timeZone = useTimeZone();
  const trpc = useTRPC();
  const profile = useQuery(trpc.profiles.get.queryOptions({ workspaceId, id }));

  if (profile.isError) {
    return (
      <section className="card empty">
        <h1>{httpStatusOf(profile.error) === 404 ? 'No such profile' : 'Could not load the profile'}</h1>
        <p>{profile.error.message}</p>
        <Link to={workspacePath(workspaceId, 'profiles')}>Search profiles</Link>
      </section>
    );
  }
  if (!profile.data) return <p className="muted">Loading profile…</p>;
  const p = profile.data;
  const traits = Object.entries(p.traits).sort(([a], [b]) => a.localeCompare(b));
  const features = p.features;

  return (
    <div className="profile-page">
      <div className="page-header">
        <div>
          <Link to={workspacePath(workspaceId, 'profiles')} className="muted small">
            ← Profiles
          </Link>
          <h1 data-testid="profile-title">{p.email ?? p.userIds[0] ?? p.id}</h1>
          <div className="muted mono small">{p.id}</div>
        </div>
      </div>

      <div className="profile-grid">
        <div className="profile-side">
          <section className="card" aria-label="RFM">
            <h2>RFM and value</h2>
            {p.rfm ? (
              <dl className="kv">
                <dt>Segment</dt>
                <dd data-testid="rfm-segment">{p.rfm.segment}</dd>
                <dt>Scores</dt>
                <dd>
                  <span className="score">R {p.rfm.r}</span> <span className="score">F {p.rfm.f}</span> <span className="score">M {p.rfm.m}</span>
                </dd>
                <dt>Churn risk</dt>
                <dd>{churnLabel(p.rfm.churnRisk, Number(features?.orders ?? 0))}</dd>
                <dt>CLTV estimate</dt>
                <dd title="Expected net revenue over the next 12 months, discounted at 10 % a year (BG/NBD + Gamma–Gamma)">{formatFeature(p.rfm.cltv, 'money')} <span className="muted small">next 12 months</span></dd>
              </dl>
            ) : (
              <p className="muted">No orders yet (or not computed yet): no RFM scores.</p>
            )}
          </section>

          <section className="card" aria-label="Segments">
            <h2>Segments</h2>
            {p.segments.length === 0 ? (
              <p className="muted">In no segment.</p>
            ) : (
              <ul className="plain-list">
                {p.segments.map((s) => (
                  <li key={s.id}>
                    <Link to={workspacePath(workspaceId, 'segments', s.id)}>{s.name}</Link>
                    {s.since && (
                      <span className="muted small">
                        {' '}
                        since <When iso={s.since} />
                      </span>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </section>

          <section className="card" aria-label="Identities">
            <h2>Identities</h2>
            <ul className="plain-list">
              {p.identities.map((i) => (
                <li key={i.id}>
                  <span className="badge">{i.kind}</span> <span className="mono small">{i.id}</span>
                </li>
              ))}
            </ul>
            {p.merges.length > 0 && (
              <>
                <h3>Merged profiles</h3>
                <ul className="plain-list">
                  {p.merges.map((m) => (
                    <li key={m.from} className="small">
                      <span className="mono">{m.from}</span> <span className="muted">({m.reason}{m.at ? (
                        <>
                          , <When iso={m.at} />
                        </>
                      ) : null})</span>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </section>

          <section className="card" aria-label="Traits">
            <h2>Traits</h2>
            {traits.length === 0 ? (
              <p className="muted">No traits.</p>
            ) : (
              <dl className="kv" data-testid="traits">
                {traits.map(([k, v]) => (
                  <div key={k} className="kv-row">
                    <dt>{k}</dt>
                    <dd>{formatTrait(v)}</dd>
                  </div>
                ))}
              </dl>
            )}
          </section>
        </div>

        <div className="profile-main">
          <section className="card" aria-label="Features">
            <h2>Features {features?.computed_at ? <span className="muted small">· computed <When iso={String(features.computed_at)} /></span> : null}</h2>
            {!features ? (
              <p className="muted">Not computed yet.</p>
            ) : (
              <div className="feature-groups">
                {featureGroups.map((g) => (
                  <div key={g.title} className="feature-group">
                    <h3>{g.title}</h3>
                    <dl className="kv">
                      {g.fields.map(([k, label, kind]) => (
                        <div key={k} className="kv-row">
                          <dt>{label}</dt>
                          <dd>{kind === 'list' && Array.isArray(features[k]) ? <ShortList items={features[k] as unknown[]} /> : formatFeature(features[k], kind, timeZone)}</dd>
                        </div>
                      ))}
                      {g.title === 'Page visits' && (
                        <>
                          <div className="kv-row">
                            <dt>Top pages</dt>
                            <dd>{p.pages.top.length ? p.pages.top.map((t) => `${t.path} (${t.views})`).join(', ') : '—'}</dd>
                          </div>
                          <div className="kv-row">
                            <dt>Top categories</dt>
                            <dd>{p.pages.categories.length ? p.pages.categories.map((t) => `${t.category} (${t.views})`).join(', ') : '—'}</dd>
                          </div>
                        </>
                      )}
                    </dl>
                  </div>
                ))}
                {otherFeatures(features).length > 0 && (
                  <div className="feature-group">
                    <h3>Other</h3>
                    <dl className="kv">
                      {otherFeatures(features).map((k) => (
                        <div key={k} className="kv-row">
                          <dt>{k}</dt>
                          <dd>{formatFeature(features[k])}</dd>
                        </div>
                      ))}
                    </dl>
                  </div>
                )}
              </div>
            )}
          </section>

          <Timeline workspaceId={workspaceId} profileId={p.id} />
        </div>
      </div>
    </div>
  );
}

/** A long list (hundreds of products) shows its first few and opens on demand, so the timeline stays in view. */
function ShortList({ items, shown = 5 }: { items: unknown[]; shown?: number }) {
  if (items.length <= shown) return <>{formatFeature(items, 'list')}</>;
  return (
    <details className="short-list">
      <summary>
        {formatFeature(items.slice(0, shown), 'list')} <span className="muted">and {items.length - shown} more</span>
      </summary>
      <div className="short-list-rest">{formatFeature(items.slice(shown), 'list')}</div>
    </details>
  );
}
