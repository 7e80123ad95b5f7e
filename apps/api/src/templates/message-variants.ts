import type { MessageVariants } from '@overture/journeys';
import type { App } from '../app-handle';
import { getTemplateForSend } from './store';
import { assignTemplateVariant } from './variants';

/** The journey engine's view of template variants: the profile's variant of a template (by id or name) and its send offset. */
export function messageVariants(app: App): MessageVariants {
  return {
    async variant(workspaceId, template, profileId) {
      const t = await getTemplateForSend(app, workspaceId, template);
      const assigned = t ? assignTemplateVariant(t, profileId) : null;
      return assigned ? { key: assigned.variant.key, sendOffsetMinutes: assigned.variant.sendOffsetMinutes } : null;
    },
  };
}
