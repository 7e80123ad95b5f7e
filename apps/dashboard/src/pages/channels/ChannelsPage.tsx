import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../trpc';
import { CopyButton } from '../../components/CopyButton';
import { When } from '../../components/When';
import '../segments/common.css';
import '../messages/messages.css';
import './channels.css';

/** Channel settings: SMTP and its fallback From, sender identities, a test send, web push keys, one-click action policy. */
export function ChannelsPage({ workspaceId }: { workspaceId: string }) {
  return (
    <div className="channels-page">
      <div className="page-header">
        <h1>Channels</h1>
      </div>
      <EmailSettings workspaceId={workspaceId} />
      <SenderIdentities workspaceId={workspaceId} />
      <TestSend workspaceId={workspaceId} />
      <PushSettings workspaceId={workspaceId} />
      <ActionPolicy workspaceId={workspaceId} />
    </div>
  );
}

function EmailSettings({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const current = useQuery(trpc.channels.emailSettings.queryOptions({ workspaceId }));
  const [form, setForm] = useState({ host: '', port: '587', secure: false, username: '', password: '', fromAddress: '', fromName: '' });
  useEffect(() => {
    const s = current.data;
    if (s) setForm({ host: s.host, port: String(s.port), secure: s.secure, username: s.username, password: '', fromAddress: s.fromAddress, fromName: s.fromName });
  }, [current.data]);
  const save = useMutation(trpc.channels.saveEmailSettings.mutationOptions({ onSuccess: () => queryClient.invalidateQueries(trpc.channels.emailSettings.queryFilter()) }));
  const set = (patch: Partial<typeof form>) => setForm({ ...form, ...patch });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const { password, port, ...rest } = form;
    // An empty password field keeps the stored one.
    save.mutate({ workspaceId, settings: { ...rest, port: Number(port), ...(password ? { password } : {}) } });
  };
  return (
    <form className="card channels-form" aria-label="Email (SMTP)" onSubmit={submit}>
      <h2>Email (SMTP)</h2>
      {current.isError && <p className="form-error">Could not load the settings: {current.error.message}</p>}
      {current.data === null && <p className="muted">No SMTP server yet: emails are skipped until one is set.</p>}
      <div className="editor-row">
        <label>
          Host
          <input value={form.host} onChange={(e) => set({ host: e.target.value })} required placeholder="smtp.example.com" />
        </label>
        <label className="narrow">
          Port
          <input type="number" min={1} max={65535} value={form.port} onChange={(e) => set({ port: e.target.value })} required />
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={form.secure} onChange={(e) => set({ secure: e.target.checked })} /> Implicit TLS (465)
        </label>
      </div>
      <div className="editor-row">
        <label>
          User name
          <input value={form.username} onChange={(e) => set({ username: e.target.value })} autoComplete="off" />
        </label>
        <label>
          Password
          <input
            type="password"
            value={form.password}
            onChange={(e) => set({ password: e.target.value })}
            autoComplete="new-password"
            placeholder={current.data?.hasPassword ? 'stored (encrypted); type to replace' : ''}
          />
        </label>
      </div>
      <h3>Fallback sender</h3>
      <p className="muted small">Emails go out from this address only while the workspace has no sender identity (below).</p>
      <div className="editor-row">
        <label>
          From name
          <input value={form.fromName} onChange={(e) => set({ fromName: e.target.value })} placeholder="Your Shop" />
        </label>
        <label>
          From address
          <input type="email" value={form.fromAddress} onChange={(e) => set({ fromAddress: e.target.value })} required placeholder="hello@shop.example" />
        </label>
      </div>
      {save.isError && <p className="form-error">Not saved: {save.error.message}</p>}
      {save.isSuccess && <p className="notice">Saved.</p>}
      {current.data && <p className="muted small">Last changed <When iso={current.data.updatedAt} />.</p>}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save
        </button>
      </div>
    </form>
  );
}

interface SenderDraft {
  id?: string;
  name: string;
  address: string;
  replyTo: string;
}

/** The From (and Reply-To) identities templates can send as; one is the default of templates without their own. */
function SenderIdentities({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const senders = useQuery(trpc.channels.senders.queryOptions({ workspaceId }));
  // null: the form is closed; without an id it adds a sender.
  const [draft, setDraft] = useState<SenderDraft | null>(null);
  const refresh = () => queryClient.invalidateQueries(trpc.channels.senders.queryFilter());
  const save = useMutation(
    trpc.channels.saveSender.mutationOptions({
      onSuccess: () => {
        setDraft(null);
        void refresh();
      },
    }),
  );
  const makeDefault = useMutation(trpc.channels.setDefaultSender.mutationOptions({ onSuccess: () => void refresh() }));
  const remove = useMutation(trpc.channels.deleteSender.mutationOptions({ onSuccess: () => void refresh() }));
  const busy = makeDefault.isPending || remove.isPending;
  const open = (d: SenderDraft) => {
    save.reset();
    setDraft(d);
  };
  const list = senders.data ?? [];
  return (
    <section className="card channels-form" aria-label="Sender identities">
      <div className="section-head">
        <h2>Sender identities</h2>
        {!draft && (
          <button type="button" onClick={() => open({ name: '', address: '', replyTo: '' })}>
            Add sender
          </button>
        )}
      </div>
      <p className="muted small">
        The From of an email: a template's own sender, else the default sender, else the SMTP settings' From. E.g. “Shop &lt;news@shop.example&gt;” for newsletters, “Shop Support
        &lt;care@shop.example&gt;” with a Reply-To for service messages.
      </p>
      {senders.isError && <p className="form-error">Could not load the senders: {senders.error.message}</p>}
      {senders.data && list.length === 0 && <p className="muted">No sender yet: emails go out from the SMTP settings' From.</p>}
      {list.length > 0 && (
        <table className="data-table senders-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Address</th>
              <th>Reply-To</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.map((s) => (
              <tr key={s.id}>
                <td>
                  {s.name} {s.isDefault && <span className="badge">default</span>}
                </td>
                <td className="mono">{s.address}</td>
                <td className="mono">{s.replyTo ?? <span className="muted">—</span>}</td>
                <td className="sender-actions">
                  <button type="button" className="link-button" onClick={() => open({ id: s.id, name: s.name, address: s.address, replyTo: s.replyTo ?? '' })}>
                    Edit
                  </button>
                  {!s.isDefault && (
                    <button type="button" className="link-button" disabled={busy} onClick={() => makeDefault.mutate({ workspaceId, id: s.id })}>
                      Make default
                    </button>
                  )}
                  <button type="button" className="link-button danger-button" disabled={busy} onClick={() => window.confirm(`Delete the sender ${s.address}?`) && remove.mutate({ workspaceId, id: s.id })}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {remove.isError && (
        <p className="form-error" role="alert">
          Not deleted: {remove.error.message}
        </p>
      )}
      {makeDefault.isError && (
        <p className="form-error" role="alert">
          {makeDefault.error.message}
        </p>
      )}
      {draft && (
        <form
          className="sender-form"
          aria-label={draft.id ? 'Edit sender' : 'Add sender'}
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate({ workspaceId, sender: { ...(draft.id ? { id: draft.id } : {}), name: draft.name, address: draft.address, replyTo: draft.replyTo.trim() || null } });
          }}
        >
          <h3>{draft.id ? 'Edit sender' : 'New sender'}</h3>
          <div className="editor-row">
            <label>
              Name
              <input value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} required maxLength={200} placeholder="Shop Support" />
            </label>
            <label>
              Address
              <input type="email" value={draft.address} onChange={(e) => setDraft({ ...draft, address: e.target.value })} required placeholder="care@shop.example" />
            </label>
            <label>
              Reply-To (optional)
              <input type="email" value={draft.replyTo} onChange={(e) => setDraft({ ...draft, replyTo: e.target.value })} placeholder="help@shop.example" />
            </label>
          </div>
          {save.isError && (
            <p className="form-error" role="alert">
              Not saved: {save.error.message}
            </p>
          )}
          <div className="form-actions">
            <button type="button" onClick={() => setDraft(null)}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={save.isPending}>
              {save.isPending ? 'Saving…' : draft.id ? 'Save sender' : 'Add sender'}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

function TestSend({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const templates = useQuery(trpc.templates.list.queryOptions({ workspaceId }));
  const emailTemplates = templates.data?.filter((t) => t.channel === 'email') ?? [];
  const [template, setTemplate] = useState('');
  const [profileId, setProfileId] = useState('');
  const [to, setTo] = useState('');
  const send = useMutation(trpc.templates.testSend.mutationOptions());
  return (
    <form
      className="card channels-form"
      aria-label="SMTP test send"
      onSubmit={(e) => {
        e.preventDefault();
        send.mutate({ workspaceId, template: template || emailTemplates[0]?.id || '', profileId, to });
      }}
    >
      <h2>Test send</h2>
      <p className="muted small">Sends a template, rendered for a profile, through the SMTP server above (no tracking, subject prefixed with [Test]).</p>
      <div className="editor-row">
        <label>
          Template
          <select value={template} onChange={(e) => setTemplate(e.target.value)}>
            {emailTemplates.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Profile id
          <input value={profileId} onChange={(e) => setProfileId(e.target.value)} required />
        </label>
        <label>
          To
          <input type="email" value={to} onChange={(e) => setTo(e.target.value)} required />
        </label>
        <button type="submit" disabled={send.isPending || emailTemplates.length === 0}>
          Send test
        </button>
      </div>
      {emailTemplates.length === 0 && templates.data && <p className="muted small">No email template yet.</p>}
      {send.isError && <p className="form-error">{send.error.message}</p>}
      {send.isSuccess && <p className="notice">Sent to {to} (server id {send.data.providerId}).</p>}
    </form>
  );
}

function PushSettings({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const keys = useQuery(trpc.channels.pushKeys.queryOptions({ workspaceId }));
  const [subject, setSubject] = useState('');
  useEffect(() => {
    if (keys.data) setSubject(keys.data.subject);
  }, [keys.data]);
  const save = useMutation(trpc.channels.setPushSubject.mutationOptions({ onSuccess: () => queryClient.invalidateQueries(trpc.channels.pushKeys.queryFilter()) }));
  const worker = `importScripts('${location.origin}/sdk/push-sw.js');`;
  return (
    <section className="card channels-form" aria-label="Web push">
      <h2>Web push</h2>
      {keys.isError && <p className="form-error">{keys.error.message}</p>}
      <label>
        VAPID public key
        <span className="key-row">
          <code data-testid="vapid-key">{keys.data?.publicKey ?? '…'}</code>
          {keys.data && <CopyButton text={keys.data.publicKey} />}
        </span>
      </label>
      <p className="muted small">The private key is generated for this workspace and stored encrypted; it never leaves the server.</p>
      <form
        className="editor-row"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate({ workspaceId, subject });
        }}
      >
        <label>
          Contact for push services (mailto: or https:)
          <input value={subject} onChange={(e) => setSubject(e.target.value)} required />
        </label>
        <button type="submit" disabled={save.isPending}>
          Save contact
        </button>
      </form>
      {save.isError && <p className="form-error">{save.error.message}</p>}
      {save.isSuccess && <p className="notice">Saved.</p>}
      <p className="small">
        Site setup: put this file at your site's root as <code>/overture-sw.js</code>, then call <code>overture.push.subscribe()</code> from your page.
      </p>
      <span className="key-row">
        <code>{worker}</code>
        <CopyButton text={worker} />
      </span>
    </section>
  );
}

const knownActions = ['reship', 'refund', 'cancel'] as const;

function ActionPolicy({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const policy = useQuery(trpc.serviceMessages.policy.queryOptions({ workspaceId }));
  const [form, setForm] = useState({ webhookUrl: '', allowedActions: [] as string[], limitPerCustomer: '1', periodDays: '30', linkTtlHours: '168' });
  useEffect(() => {
    const p = policy.data;
    if (p) setForm({ webhookUrl: p.webhookUrl, allowedActions: p.allowedActions, limitPerCustomer: String(p.limitPerCustomer), periodDays: String(p.periodDays), linkTtlHours: String(p.linkTtlHours) });
  }, [policy.data]);
  const save = useMutation(trpc.serviceMessages.savePolicy.mutationOptions({ onSuccess: () => queryClient.invalidateQueries(trpc.serviceMessages.policy.queryFilter()) }));
  const toggle = (a: string, on: boolean) => setForm({ ...form, allowedActions: on ? [...form.allowedActions, a] : form.allowedActions.filter((x) => x !== a) });
  return (
    <form
      className="card channels-form"
      aria-label="One-click actions"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({
          workspaceId,
          policy: { webhookUrl: form.webhookUrl, allowedActions: form.allowedActions, limitPerCustomer: Number(form.limitPerCustomer), periodDays: Number(form.periodDays), linkTtlHours: Number(form.linkTtlHours) },
        });
      }}
    >
      <h2>One-click actions</h2>
      <p className="muted small">
        Links like <code>{'{{ actions.reship }}'}</code> in service emails call this webhook (signed; its host must be on the journeys' webhook allow-list), within these
        limits. Every click is audited.
      </p>
      <label>
        Webhook URL
        <input type="url" value={form.webhookUrl} onChange={(e) => setForm({ ...form, webhookUrl: e.target.value })} required placeholder="https://shop.example/overture/actions" />
      </label>
      <fieldset className="editor-row actions-fieldset">
        <legend>Allowed actions</legend>
        {knownActions.map((a) => (
          <label key={a} className="checkbox">
            <input type="checkbox" checked={form.allowedActions.includes(a)} onChange={(e) => toggle(a, e.target.checked)} /> {a}
          </label>
        ))}
      </fieldset>
      <div className="editor-row">
        <label>
          Per customer, at most
          <input type="number" min={1} value={form.limitPerCustomer} onChange={(e) => setForm({ ...form, limitPerCustomer: e.target.value })} />
        </label>
        <label>
          every (days)
          <input type="number" min={1} value={form.periodDays} onChange={(e) => setForm({ ...form, periodDays: e.target.value })} />
        </label>
        <label>
          Links expire after (hours)
          <input type="number" min={1} value={form.linkTtlHours} onChange={(e) => setForm({ ...form, linkTtlHours: e.target.value })} />
        </label>
      </div>
      {save.isError && <p className="form-error">Not saved: {save.error.message}</p>}
      {save.isSuccess && <p className="notice">Saved.</p>}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save policy
        </button>
      </div>
    </form>
  );
}
