import { z } from 'zod';
import { experimentHash, variantForHash } from '@overture/journeys';

/**
 * A template's variants: 2–5 versions of one message (subject, body, sender name, and a send-time
 * offset) sent to stable shares of profiles, so its experiment (kind `message`, key
 * `message:<templateId>`, kept by the experiments domain) can tell which works best. An empty
 * override falls back to the template's own, so a variant may differ in its subject alone; the
 * first variant is the control. A template without variants sends exactly as before.
 */
export const maxTemplateVariants = 5;
/** A week: beyond it a "later" variant measures another moment rather than another message. */
export const maxSendOffsetMinutes = 7 * 24 * 60;

export const templateVariant = z.object({
  key: z
    .string()
    .trim()
    .min(1)
    .max(40)
    .regex(/^[\w-]+$/, 'letters, digits, - and _ only'),
  weight: z.number().positive().max(1000).default(1),
  /** Email subject or push title (Liquid); '' = the template's. */
  subject: z.string().max(2_000).default(''),
  /** Email MJML, push or onsite text (Liquid); '' = the template's. */
  body: z.string().max(500_000).default(''),
  /** Email: the From display name; '' = the sender's. */
  senderName: z.string().trim().max(200).default(''),
  /** Sent this many minutes after the template's own send time (journeys only). */
  sendOffsetMinutes: z.number().int().min(0).max(maxSendOffsetMinutes).default(0),
});
export type TemplateVariant = z.output<typeof templateVariant>;
export type TemplateVariantInput = z.input<typeof templateVariant>;

export const messageExperimentKey = (templateId: string) => `message:${templateId}`;

/**
 * The variant a profile gets and whether that counts as an exposure: the experiments' hash of
 * (experiment key, profile id) over the weights while the experiment runs; once it is decided,
 * everyone gets the winner (a winner no longer among the variants: the first, as a stopped
 * experiment), unexposed. Null for a template without variants.
 */
export function assignTemplateVariant(t: { id: string; variants: TemplateVariant[]; variantWinner: string | null }, profileId: string): { variant: TemplateVariant; exposed: boolean } | null {
  if (t.variants.length < 2) return null;
  if (t.variantWinner !== null) return { variant: t.variants.find((v) => v.key === t.variantWinner) ?? t.variants[0]!, exposed: false };
  const i = variantForHash(experimentHash(messageExperimentKey(t.id), profileId), t.variants.map((v) => v.weight));
  return { variant: t.variants[i]!, exposed: true };
}

/** The template as a variant sends it: its overrides in place of the template's own subject and body. */
export function withVariant<T extends { subject: string; body: string }>(template: T, variant: TemplateVariant | null | undefined): T {
  if (!variant) return template;
  return { ...template, subject: variant.subject || template.subject, body: variant.body || template.body };
}

/**
 * The variant a send uses: the one its caller asked for (the journey engine chose it before a
 * send-time offset, so the message keeps it) while the template still has it, else the profile's
 * assignment. Exposed only when that is the running experiment's assignment, not a decided winner.
 */
export function variantForSend(t: { id: string; variants: TemplateVariant[]; variantWinner: string | null }, profileId: string, requested?: string): { variant: TemplateVariant; exposed: boolean } | null {
  const assigned = assignTemplateVariant(t, profileId);
  if (!assigned) return null;
  const asked = requested === undefined ? undefined : t.variants.find((v) => v.key === requested);
  if (!asked || asked.key === assigned.variant.key) return assigned;
  return { variant: asked, exposed: assigned.exposed };
}
