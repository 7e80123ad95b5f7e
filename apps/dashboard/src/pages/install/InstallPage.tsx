import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../trpc';
import { CodeBlock, CopyButton } from '../../components/CopyButton';
import { LiveCheck } from './LiveCheck';
import { CurrencyCard } from './CurrencyCard';
import { TimeZoneCard } from './TimeZoneCard';

export function InstallPage({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const install = useQuery(trpc.install.snippet.queryOptions({ workspaceId }));

  return (
    <div className="install-page">
      <div className="page-header">
        <h1>Install Overture on your site</h1>
      </div>
      {install.isError && <p className="form-error">Could not load the install snippet: {install.error.message}</p>}
      {install.isPending && <p className="muted">Loading…</p>}
      {install.data && (
        <div className="install-grid">
          <section className="card">
            <h2>1. Add the snippet</h2>
            <p>
              Paste this into the <code>&lt;head&gt;</code> of every page. It loads the SDK asynchronously from <code>{install.data.host}</code> and queues any{' '}
              <code>overture.*</code> calls made before the SDK arrives.
            </p>
            <CodeBlock label="HTML" code={install.data.snippet} />
            <h3>Or install from npm</h3>
            <CodeBlock label="Terminal" code="npm install @overture/sdk" />
            <CodeBlock label="JavaScript" code={install.data.npm} />
            <p className="write-key">
              Write key: <code data-testid="write-key">{install.data.writeKey}</code> <CopyButton text={install.data.writeKey} />
              <br />
              <span className="muted">It can only send events, so it is safe to publish in your pages.</span>
            </p>
          </section>
          <section className="card">
            <h2>2. Check that events arrive</h2>
            <LiveCheck workspaceId={workspaceId} />
          </section>
          <CurrencyCard workspaceId={workspaceId} />
          <TimeZoneCard workspaceId={workspaceId} />
        </div>
      )}
    </div>
  );
}
