import type { IncomingEvent } from './schema';

/**
 * `properties.$auth` records which key an event arrived with: `"secret_key"` when the workspace's
 * secret key sent it (the shop's server), absent for the public write key that every browser holds.
 * Only ingestion sets it, from the resolved key and never from the body, so what depends on it (the
 * action links of service messages) cannot be unlocked by a visitor.
 */
export const keyKindProperty = '$auth';
export const secretKeyMark = 'secret_key';

export function withKeyKind(event: IncomingEvent, kind: 'write' | 'secret'): IncomingEvent {
  if (kind === 'secret') return { ...event, properties: { ...event.properties, [keyKindProperty]: secretKeyMark } };
  if (!event.properties || !Object.hasOwn(event.properties, keyKindProperty)) return event;
  const { [keyKindProperty]: _claimed, ...properties } = event.properties;
  return { ...event, properties };
}
