import type { App } from '../app-handle';

/** The latest followed action links of a workspace, for the dashboard. */
export async function recentActions(app: App, workspaceId: string, limit = 50) {
  const rows = await app.postgres.db
    .selectFrom('service_actions')
    .select(['link_id', 'profile_id', 'message_id', 'action', 'order_id', 'status', 'webhook_status', 'error', 'created_at', 'completed_at'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    linkId: r.link_id,
    profileId: r.profile_id,
    messageId: r.message_id,
    action: r.action,
    orderId: r.order_id,
    status: r.status,
    webhookStatus: r.webhook_status,
    error: r.error,
    createdAt: new Date(r.created_at).toISOString(),
    completedAt: r.completed_at ? new Date(r.completed_at).toISOString() : null,
  }));
}
