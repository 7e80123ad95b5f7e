import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@overture/api';

export type TimelineItem = inferRouterOutputs<AppRouter>['profiles']['timeline']['items'][number];

export type TimelineKind = 'event' | 'page' | 'identify' | 'merge' | 'segment' | 'journey' | 'message';

export interface TimelineLine {
  kind: TimelineKind;
  title: string;
  detail: string;
}

const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

/** How one timeline item reads: its kind badge, a title and a short detail line. */
export function describeItem(item: TimelineItem): TimelineLine {
  const p = item.properties;
  if (item.kind === 'merge') return { kind: 'merge', title: `Merged profile ${str(p.from_profile_id)}`, detail: `${str(p.reason)}${Array.isArray(p.distinct_ids) ? ` · ids ${p.distinct_ids.join(', ')}` : ''}` };
  if (item.kind === 'message') {
    const via = [str(p.journey_id) && `journey ${str(p.journey_id)}`, str(p.template_id) && `template ${str(p.template_id)}`, str(p.reason)].filter(Boolean).join(' · ');
    return { kind: 'message', title: `${str(p.channel)} message ${str(p.outcome)}`, detail: via };
  }
  if (item.event === '$segment_entered' || item.event === '$segment_exited') {
    return { kind: 'segment', title: `${item.event === '$segment_entered' ? 'Entered' : 'Left'} segment ${str(p.segment_name) || str(p.segment_id)}`, detail: '' };
  }
  if (item.event === '$journey_step') {
    return {
      kind: 'journey',
      title: `Journey step: ${str(p.step)}`,
      detail: [`journey ${str(p.journey_id)} v${str(p.version)}`, `node ${str(p.node_id)}`, str(p.channel), str(p.reason)].filter(Boolean).join(' · '),
    };
  }
  if (item.type === 'page') {
    const title = item.event || str(p.path) || str(p.url) || 'Page view';
    const where = str(p.url) || str(p.path);
    return { kind: 'page', title, detail: where === title ? '' : where };
  }
  if (item.type === 'identify' || item.type === 'alias') return { kind: 'identify', title: item.type === 'alias' ? 'Alias' : 'Identify', detail: item.distinctId };
  return { kind: 'event', title: item.event || item.type, detail: item.distinctId };
}
