import type { App } from '../app-handle';
import { composeEmail, composePush, loadRecipient, templateContext, type TriggerEventInput } from './compose';
import { validateTemplate, TemplateError } from './render';
import { templateInput, type Template, type TemplateInput } from './store';
import { withVariant } from './variants';

export type Preview = { channel: 'email'; subject: string; html: string } | { channel: 'web_push' | 'onsite'; title: string; body: string; url: string };

/** A template (saved or a draft from the editor) rendered for one profile, without tracking; with `variantKey`, as that variant sends it. */
export async function previewTemplate(app: App, workspaceId: string, draft: TemplateInput, profileId: string, event?: TriggerEventInput, variantKey?: string): Promise<Preview> {
  const parsed = templateInput.parse(draft);
  const variant = variantKey === undefined ? null : parsed.variants.find((v) => v.key === variantKey);
  if (variant === undefined) throw new TemplateError([{ field: 'variants', line: null, column: null, message: `no variant ${variantKey} in this template` }]);
  const input = withVariant(parsed, variant);
  const issues = await validateTemplate(input);
  if (issues.length) throw new TemplateError(issues);
  const profile = await loadRecipient(app, workspaceId, profileId);
  if (!profile) throw new TemplateError([{ field: 'body', line: null, column: null, message: `profileId: no profile ${profileId} in this workspace` }]);
  const template: Template = { ...input, id: input.id ?? 'draft', workspaceId, senderId: input.senderId ?? null, variantWinner: null, updatedAt: new Date().toISOString() };
  const context = await templateContext(app, workspaceId, profile, event);
  if (template.channel === 'email') {
    const e = await composeEmail(template, context, null);
    return { channel: 'email', subject: e.subject, html: e.html };
  }
  const p = await composePush(template, context);
  return { channel: template.channel, title: p.title, body: p.body, url: p.url };
}
