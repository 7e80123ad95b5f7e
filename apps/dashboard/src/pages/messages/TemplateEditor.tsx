import { useEffect, useMemo, useRef, useState } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../trpc';
import { Link, navigate, workspacePath } from '../../router';
import { useDebounced } from '../../lib/useDebounced';
import { emailBlocks, insertBlock, starterTemplates } from './email-blocks';
import { EmailBodyEditor } from './block-editor/EmailBodyEditor';
import { blankEmail } from './block-editor/mjml';
import { TemplateVariants, templateVariantDraft, templateVariantInput, type TemplateVariantDraft } from './TemplateVariants';

type Channel = 'email' | 'web_push' | 'onsite';
interface Draft {
  name: string;
  channel: Channel;
  subject: string;
  body: string;
  url: string;
  subscriptionGroup: string;
  /** Email: the sender identity it goes out as; null is the workspace's default sender. */
  senderId: string | null;
  /** 2–5 run the template as an experiment; none sends the template itself. */
  variants: TemplateVariantDraft[];
}

/** What the API takes: a draft's variants with numbers for weights and offsets. */
const toInput = (d: Draft) => ({ ...d, variants: d.variants.map((v) => templateVariantInput(v, d.channel)) });

const starter: Record<Channel, Pick<Draft, 'subject' | 'body' | 'url'>> = {
  email: {
    subject: 'Hello {{ profile.traits.first_name | default: "there" }}',
    body: blankEmail,
    url: '',
  },
  web_push: { subject: 'Title', body: 'Message for {{ profile.traits.first_name | default: "you" }}', url: 'https://' },
  onsite: { subject: '', body: '<p>…</p>', url: '' },
};

type Saved = Omit<Draft, 'variants'> & { variants: Parameters<typeof templateVariantDraft>[0][] };
const fromSaved = (t: Saved): Draft => ({ name: t.name, channel: t.channel, subject: t.subject, body: t.body, url: t.url, subscriptionGroup: t.subscriptionGroup, senderId: t.senderId, variants: t.variants.map(templateVariantDraft) });

/** The template editor: liquid + MJML source, problems with line numbers as one types, live preview, test send. */
export function TemplateEditor({ workspaceId, templateId }: { workspaceId: string; templateId: string | null }) {
  const trpc = useTRPC();
  const saved = useQuery(trpc.templates.get.queryOptions({ workspaceId, id: templateId ?? '' }, { enabled: templateId !== null }));
  const [draft, setDraft] = useState<Draft | null>(templateId === null ? { name: '', channel: 'email', subscriptionGroup: '', senderId: null, variants: [], ...starter.email } : null);
  useEffect(() => {
    if (saved.data && draft === null) setDraft(fromSaved(saved.data));
  }, [saved.data, draft]);

  if (saved.isError) return <p className="form-error">Could not load the template: {saved.error.message}</p>;
  if (!draft) return <p className="muted">Loading…</p>;
  const saving = saved.data ? { count: saved.data.variants.length, winner: saved.data.variantWinner } : { count: 0, winner: null };
  return <Editor workspaceId={workspaceId} templateId={templateId} draft={draft} setDraft={setDraft} savedVariants={saving} />;
}

function Editor({ workspaceId, templateId, draft, setDraft, savedVariants }: { workspaceId: string; templateId: string | null; draft: Draft; setDraft: (d: Draft) => void; savedVariants: { count: number; winner: string | null } }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [profileId, setProfileId] = useState('');
  const [eventText, setEventText] = useState('');
  const [device, setDevice] = useState<'desktop' | 'mobile'>('desktop');
  /** The variant the preview shows ('' = the template itself). */
  const [previewVariant, setPreviewVariant] = useState('');
  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });

  const settled = useDebounced(draft, 300);
  // The API wants a name; an unnamed draft is still checked.
  const checked = useMemo(() => ({ ...toInput(settled), name: settled.name.trim() || 'draft' }), [settled]);
  const shownVariant = draft.variants.some((v) => v.key === previewVariant) ? previewVariant : '';
  const validation = useQuery(trpc.templates.validate.queryOptions({ workspaceId, template: checked }, { placeholderData: keepPreviousData }));
  const issues = validation.data ?? [];

  const event = useMemo((): { value?: { name: string; properties?: Record<string, unknown> }; error?: string } => {
    if (!eventText.trim()) return {};
    try {
      const v = JSON.parse(eventText) as { name?: unknown; properties?: unknown };
      if (typeof v?.name !== 'string' || !v.name) return { error: 'Event: needs a "name" (e.g. "Order Delayed")' };
      return { value: { name: v.name, ...(v.properties && typeof v.properties === 'object' ? { properties: v.properties as Record<string, unknown> } : {}) } };
    } catch (err) {
      return { error: `Event: not valid JSON (${(err as Error).message})` };
    }
  }, [eventText]);
  const previewProfile = useDebounced(profileId.trim(), 300);
  const preview = useQuery(
    trpc.templates.preview.queryOptions(
      { workspaceId, template: checked, profileId: previewProfile, ...(event.value ? { event: event.value } : {}), ...(shownVariant ? { variant: shownVariant } : {}) },
      { enabled: previewProfile !== '' && issues.length === 0 && !validation.isPlaceholderData && !event.error, placeholderData: keepPreviousData },
    ),
  );

  const save = useMutation(
    trpc.templates.save.mutationOptions({
      onSuccess: (t) => {
        void queryClient.invalidateQueries(trpc.templates.list.queryFilter());
        void queryClient.invalidateQueries(trpc.templates.get.queryFilter({ workspaceId, id: t.id }));
        if (templateId === null) navigate(workspacePath(workspaceId, 'messages', t.id), { replace: true });
      },
    }),
  );
  const [to, setTo] = useState('');
  const testSend = useMutation(trpc.templates.testSend.mutationOptions());

  const bodyLines = new Set(issues.filter((i) => i.field === 'body' && i.line).map((i) => i.line!));
  const isEmail = draft.channel === 'email';

  return (
    <div className="template-editor">
      <div className="page-header">
        <h1>{templateId ? draft.name || 'Template' : 'New template'}</h1>
        <Link to={workspacePath(workspaceId, 'messages')}>All messages</Link>
      </div>
      <div className="editor-grid">
        <form
          className="card editor-form"
          aria-label="Template source"
          onSubmit={(e) => {
            e.preventDefault();
            // Only email has senders: a channel switched away from email drops its choice.
            save.mutate({ workspaceId, template: { ...toInput(draft), senderId: isEmail ? draft.senderId : null, ...(templateId ? { id: templateId } : {}) } });
          }}
        >
          <div className="editor-row">
            <label>
              Name
              <input value={draft.name} onChange={(e) => set({ name: e.target.value })} required maxLength={200} />
            </label>
            <label>
              Channel
              <select
                value={draft.channel}
                disabled={templateId !== null}
                onChange={(e) => {
                  const channel = e.target.value as Channel;
                  set({ channel, ...starter[channel] });
                }}
              >
                <option value="email">Email (MJML)</option>
                <option value="web_push">Web push</option>
                <option value="onsite">Onsite</option>
              </select>
            </label>
            <label>
              Subscription group
              <input value={draft.subscriptionGroup} onChange={(e) => set({ subscriptionGroup: e.target.value })} placeholder="e.g. promotions" maxLength={100} />
            </label>
          </div>
          {isEmail && <SenderSelect workspaceId={workspaceId} value={draft.senderId} onChange={(senderId) => set({ senderId })} />}
          <label>
            {isEmail ? 'Subject' : 'Title'}
            <input value={draft.subject} onChange={(e) => set({ subject: e.target.value })} />
          </label>
          {isEmail && templateId === null && (
            <div className="starter-gallery" role="group" aria-label="Start from">
              <span className="muted small">Start from:</span>
              {starterTemplates.map((t) => (
                <button key={t.id} type="button" onClick={() => set({ subject: t.subject, body: t.body, name: draft.name || t.name })}>
                  {t.name}
                </button>
              ))}
            </div>
          )}
          <EmailBodyEditor enabled={isEmail} body={draft.body} onChange={(body) => set({ body })}>
          <label htmlFor="template-body">{isEmail ? 'Body (MJML with liquid)' : 'Body (liquid)'}</label>
          {isEmail && (
            <div className="block-bar" role="group" aria-label="Insert a block">
              <span className="muted small">Insert:</span>
              {emailBlocks.map((b) => (
                <button
                  key={b.id}
                  type="button"
                  // Keeps the focus (and so the cursor) in the source while the block goes in.
                  onMouseDown={(e) => e.preventDefault()}
                  onClick={() => {
                    const area = document.getElementById('template-body') as HTMLTextAreaElement | null;
                    set({ body: insertBlock(draft.body, b.mjml, area && document.activeElement === area ? area.selectionStart : null) });
                  }}
                >
                  {b.label}
                </button>
              ))}
            </div>
          )}
          <CodeArea id="template-body" value={draft.body} onChange={(body) => set({ body })} marked={bodyLines} />
          </EmailBodyEditor>
          {!isEmail && (
            <label>
              Link (opened on click)
              <input value={draft.url} onChange={(e) => set({ url: e.target.value })} />
            </label>
          )}
          <p className="muted small">
            Liquid sees <code>profile.traits</code>, <code>profile.features</code>, <code>event.properties</code>, <code>recommendations</code>
            {isEmail && (
              <>
                , <code>unsubscribe_url</code> and one-click <code>actions.reship</code>, <code>actions.refund</code>, <code>actions.cancel</code>
              </>
            )}
            .
          </p>
          <TemplateVariants
            workspaceId={workspaceId}
            templateId={templateId}
            channel={draft.channel}
            savedCount={savedVariants.count}
            winner={savedVariants.winner}
            variants={draft.variants}
            onChange={(variants) => set({ variants })}
            issues={issues}
          />
          <div role="alert" aria-label="Template problems" className={issues.length ? 'template-issues' : 'template-ok'}>
            {issues.length === 0 ? (
              validation.data && <span>No problems found.</span>
            ) : (
              <ul>
                {issues.map((i, n) => (
                  <li key={n}>
                    <strong>
                      {i.field}
                      {i.line ? ` line ${i.line}` : ''}
                      {i.column ? `:${i.column}` : ''}
                    </strong>{' '}
                    {i.message}
                  </li>
                ))}
              </ul>
            )}
          </div>
          {save.isError && <p className="form-error">Not saved: {save.error.message}</p>}
          {save.isSuccess && !save.isPending && <p className="notice">Saved.</p>}
          <div className="form-actions">
            <button type="submit" className="primary" disabled={save.isPending}>
              {save.isPending ? 'Saving…' : 'Save'}
            </button>
          </div>
        </form>

        <section className="card editor-preview" aria-label="Preview">
          <h2>Preview</h2>
          <div className="editor-row">
            <label>
              Profile id
              <input value={profileId} onChange={(e) => setProfileId(e.target.value)} placeholder="profile, user or anonymous id" />
            </label>
            {draft.variants.length > 0 && (
              <label>
                As
                <select value={shownVariant} onChange={(e) => setPreviewVariant(e.target.value)}>
                  <option value="">The template</option>
                  {draft.variants.map((v) => (
                    <option key={v.key} value={v.key}>
                      Variant {v.key}
                    </option>
                  ))}
                </select>
              </label>
            )}
          </div>
          <label>
            Triggering event (JSON, optional)
            <textarea className="event-json" rows={3} value={eventText} onChange={(e) => setEventText(e.target.value)} placeholder='{"name": "Order Delayed", "properties": {"order_id": "A-1001"}}' />
          </label>
          {event.error && <p className="form-error">{event.error}</p>}
          {previewProfile === '' ? (
            <p className="muted">Choose a profile to preview the message as they would get it.</p>
          ) : issues.length > 0 ? (
            <p className="muted">Fix the problems to see the preview.</p>
          ) : preview.isError ? (
            <p className="form-error">{preview.error.message}</p>
          ) : !preview.data ? (
            <p className="muted">Rendering…</p>
          ) : preview.data.channel === 'email' ? (
            <>
              <p className="preview-subject">
                <span className="muted">Subject:</span> {preview.data.subject}
              </p>
              {/* No scripts, no same-origin access: the HTML is the message, not part of the dashboard. */}
              <div className="device-toggle" role="group" aria-label="Preview size">
                {(['desktop', 'mobile'] as const).map((d) => (
                  <button key={d} type="button" aria-pressed={device === d} onClick={() => setDevice(d)}>
                    {d === 'desktop' ? 'Desktop' : 'Mobile'}
                  </button>
                ))}
              </div>
              <iframe title="Email preview" className={`email-preview ${device}`} sandbox="" srcDoc={preview.data.html} />
            </>
          ) : (
            <div className="push-preview" data-testid="push-preview">
              <strong>{preview.data.title}</strong>
              <p>{preview.data.body}</p>
              <span className="muted small">{preview.data.url}</span>
            </div>
          )}

          {isEmail && (
            <form
              className="test-send"
              aria-label="Test send"
              onSubmit={(e) => {
                e.preventDefault();
                if (templateId) testSend.mutate({ workspaceId, template: templateId, profileId: previewProfile, to, ...(event.value ? { event: event.value } : {}) });
              }}
            >
              <h3>Test send</h3>
              <div className="editor-row">
                <label>
                  To
                  <input type="email" value={to} onChange={(e) => setTo(e.target.value)} required placeholder="you@example.com" />
                </label>
                <button type="submit" disabled={!templateId || !previewProfile || testSend.isPending}>
                  Send test
                </button>
              </div>
              {!templateId && <p className="muted small">Save the template first; the test uses the saved version and the profile above.</p>}
              {testSend.isError && <p className="form-error">{testSend.error.message}</p>}
              {testSend.isSuccess && <p className="notice">Sent to {to}.</p>}
            </form>
          )}
        </section>
      </div>
    </div>
  );
}

/** The From of an email template: one of the workspace's sender identities, or (unset) its default. */
function SenderSelect({ workspaceId, value, onChange }: { workspaceId: string; value: string | null; onChange: (id: string | null) => void }) {
  const trpc = useTRPC();
  const senders = useQuery(trpc.channels.senders.queryOptions({ workspaceId }));
  const smtp = useQuery(trpc.channels.emailSettings.queryOptions({ workspaceId }));
  const label = (s: { name: string; address: string }) => (s.name ? `${s.name} <${s.address}>` : s.address);
  const list = senders.data ?? [];
  const fallback = list.find((s) => s.isDefault) ?? (smtp.data ? { name: smtp.data.fromName, address: smtp.data.fromAddress } : null);
  return (
    <label>
      From
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value || null)}>
        <option value="">Default sender{fallback ? ` (${label(fallback)})` : ''}</option>
        {list.map((s) => (
          <option key={s.id} value={s.id}>
            {`${label(s)}${s.replyTo ? `, replies to ${s.replyTo}` : ''}`}
          </option>
        ))}
      </select>
      {senders.isError && <span className="form-error">Could not load the senders: {senders.error.message}</span>}
    </label>
  );
}

/** A textarea with a line-number gutter; lines with problems are marked in it. */
function CodeArea({ id, value, onChange, marked }: { id: string; value: string; onChange: (v: string) => void; marked: Set<number> }) {
  const gutter = useRef<HTMLPreElement>(null);
  const lines = value.split('\n').length;
  return (
    <div className="code-area">
      <pre ref={gutter} className="code-gutter" aria-hidden="true">
        {Array.from({ length: lines }, (_, i) => (
          <span key={i} className={marked.has(i + 1) ? 'marked' : undefined}>
            {i + 1}
            {'\n'}
          </span>
        ))}
      </pre>
      <textarea
        id={id}
        spellCheck={false}
        value={value}
        rows={18}
        onChange={(e) => onChange(e.target.value)}
        onScroll={(e) => {
          if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop;
        }}
      />
    </div>
  );
}
