import type { App } from '../app-handle';
import { messageExperimentKey, variantForSend, type Template } from '../templates';
import { logMessageExposure } from './exposures';

/**
 * The variant of a template a send uses, and what to record once the message went out: the variant
 * on its outcomes and tracking claims, and the experiment exposure (once per profile).
 */
export function sendVariant(app: App, template: Template | null, req: { workspaceId: string; profileId: string; variant?: string | undefined }, channel: string, messageId: string) {
  const chosen = template ? variantForSend(template, req.profileId, req.variant) : null;
  return {
    variant: chosen?.variant ?? null,
    outcome: chosen ? { variant: chosen.variant.key } : {},
    claims: chosen ? { v: chosen.variant.key } : {},
    exposed(): void {
      if (!template || !chosen?.exposed) return;
      logMessageExposure(app, { workspaceId: req.workspaceId, key: messageExperimentKey(template.id), variant: chosen.variant.key, profileId: req.profileId, templateId: template.id, messageId, channel, at: Date.now() });
    },
  };
}
