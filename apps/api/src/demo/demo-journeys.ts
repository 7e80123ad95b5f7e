import type { App } from '../app-handle';
import { saveTemplate } from '../templates';
import { createJourney, publishJourney } from '../journeys';
import { createServiceJourney } from '../service-messages';

const winBackEmail = `<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text font-size="20px" font-weight="bold">It has been a while</mj-text>
        <mj-text>Hi {{ profile.traits.first_name | default: 'there' }}, here is what other customers are buying this week:</mj-text>
        <mj-text>{% for p in recommendations limit: 3 %}{{ p.name | capitalize }}{% if p.price %}: £{{ p.price }}{% endif %}<br />{% endfor %}</mj-text>
        <mj-button href="https://shop.example/?utm_source=overture&amp;utm_medium=email&amp;utm_campaign=win-back">Back to the shop</mj-button>
        <mj-text font-size="12px" color="#777777"><a href="{{ unsubscribe_url }}" data-overture-notrack>Unsubscribe</a></mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;

/**
 * A published win-back broadcast to the demo's "At risk, high value" segment (A/B test with a holdout,
 * a wait, a check and the right channel) and a draft service journey, so the builder has something to show.
 */
export async function seedDemoJourneys(app: App, workspaceId: string, atRiskSegmentId: string): Promise<void> {
  await saveTemplate(app, workspaceId, { name: 'We miss you', channel: 'email', subject: 'We kept something for you, {{ profile.traits.first_name | default: "friend" }}', body: winBackEmail, subscriptionGroup: 'promotions' });
  await saveTemplate(app, workspaceId, { name: 'Still thinking?', channel: 'email', subject: 'Still thinking it over?', body: winBackEmail.replace('It has been a while', 'Still thinking it over?'), subscriptionGroup: 'promotions' });
  const journey = await createJourney(app.postgres.db, workspaceId, 'Win back at-risk customers', {
    // A broadcast a minute after the first start, so the canvas soon shows live counts and skip reasons.
    trigger: { type: 'broadcast', segmentId: atRiskSegmentId, at: new Date(Date.now() + 60_000).toISOString() },
    entry: { frequency: 'once_per_period', periodDays: 90 },
    goal: { event: 'Order Completed', revenueProperty: 'revenue', attributionWindowHours: 24 * 7 },
    start: 'test',
    nodes: [
      { id: 'test', type: 'split', label: 'Subject line test', branches: [{ name: 'A', weight: 50, next: 'miss-you' }, { name: 'B', weight: 50, next: 'thinking' }], holdoutPercent: 10 },
      { id: 'miss-you', type: 'message', label: 'We miss you', channel: 'email', template: 'We miss you', sendAt: { mode: 'best_time', withinHours: 24 }, next: 'wait' },
      { id: 'thinking', type: 'message', label: 'Still thinking?', channel: 'email', template: 'Still thinking?', sendAt: { mode: 'best_time', withinHours: 24 }, next: 'wait' },
      { id: 'wait', type: 'wait', label: 'Wait 3 days', seconds: 3 * 86_400, next: 'ordered' },
      {
        id: 'ordered',
        type: 'condition',
        label: 'Ordered since?',
        branches: [{ name: 'ordered', when: [{ kind: 'event_performed', event: 'Order Completed', withinDays: 3 }], next: null }],
        otherwise: 'nudge',
      },
      { id: 'nudge', type: 'message', label: 'Nudge on the best channel', channel: 'best', template: 'We miss you', fallback: true, next: null },
    ],
  });
  await publishJourney(app.postgres.db, workspaceId, journey.id);
  await createServiceJourney(app, workspaceId, 'order-delayed');
}
