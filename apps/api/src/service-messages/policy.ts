import { z } from 'zod';
import type { App } from '../app-handle';

/** What one-click links may do for a workspace: which actions, how often per customer, for how long. */
export const actionPolicySchema = z.object({
  /** The workspace's endpoint that performs the action (its host must be on the webhook allow-list). */
  webhookUrl: z.url({ protocol: /^https?$/, error: 'webhookUrl: an http(s) URL' }),
  allowedActions: z.array(z.string().regex(/^[a-z][a-z_]{0,39}$/, 'allowedActions: lower-case names like "reship"')).max(20).default([]),
  /** At most this many performed actions per customer within `periodDays` (all actions together). */
  limitPerCustomer: z.number().int().min(1).max(1000).default(1),
  periodDays: z.number().int().min(1).max(3650).default(30),
  /** A link works this long after the message was sent. */
  linkTtlHours: z.number().int().min(1).max(24 * 90).default(24 * 7),
});
export type ActionPolicy = z.infer<typeof actionPolicySchema>;

export async function getActionPolicy(app: App, workspaceId: string): Promise<ActionPolicy | null> {
  const row = await app.postgres.db.selectFrom('service_action_policies').select('policy').where('workspace_id', '=', workspaceId).executeTakeFirst();
  return row ? actionPolicySchema.parse(row.policy) : null;
}

export async function saveActionPolicy(app: App, workspaceId: string, input: unknown): Promise<ActionPolicy> {
  const policy = actionPolicySchema
    .superRefine((p, ctx) => {
      if (!URL.canParse(p.webhookUrl)) return; // already reported as no URL
      const refusal = app.outbound.hostRefusal(new URL(p.webhookUrl).hostname);
      if (refusal) ctx.addIssue({ code: 'custom', path: ['webhookUrl'], message: `must be a public address or one the operator allows (${refusal})` });
    })
    .parse(input);
  const json = JSON.stringify(policy);
  await app.postgres.db
    .insertInto('service_action_policies')
    .values({ workspace_id: workspaceId, policy: json })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet({ policy: json, updated_at: new Date() }))
    .execute();
  return policy;
}
