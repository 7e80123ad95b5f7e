// Public surface of message templates.
export { listTemplates, getTemplate, getTemplateForSend, templateCacheMs, saveTemplate, templateIssues, setTemplateVariantWinner, setTemplateVariantWeights, templatesWithVariants, subscriptionGroups, templatesUsingSender, templateInput, templateChannels, TemplateNotFound, type Template, type TemplateInput, type TemplateSummary } from './store';
export { validateTemplate, TemplateError, type TemplateIssue } from './render';
export { composeEmail, composePush, readsRecommendationList, loadRecipient, recipientFromView, templateContext, type RecipientProfile, type TriggerEventInput, type RenderedEmail, type RenderedPush } from './compose';
export { signClaims, verifyClaims, rewriteLinks, type TrackingClaims, type LinkContext } from './links';
export { templateRecommendations, eventProductIds, type MessageSource, type RecommendedProduct, type TemplateRecommendations } from './recommendations';
export { previewTemplate, type Preview } from './preview';
export { assignTemplateVariant, variantForSend, messageExperimentKey, withVariant, maxTemplateVariants, maxSendOffsetMinutes, templateVariant, type TemplateVariant, type TemplateVariantInput } from './variants';
export type { TemplateTables } from './tables';
export { messageVariants } from './message-variants';
