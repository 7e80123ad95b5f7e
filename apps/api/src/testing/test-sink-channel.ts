import { sql, type Kysely } from 'kysely';
import { channelNames, type Channel, type ChannelName, type OutgoingMessage, type ProfileView, type SendOutcome } from '@overture/journeys';
import type { Database } from '../stores/postgres';
import { basicReachability } from '../journeys';

/**
 * A channel that records what it receives in PostgreSQL (durable across processes, so a crash
 * test can count afterwards). Deduplicates on the idempotency key like a real provider and
 * counts repeated deliveries of one key, so tests can see them.
 */
export class TestSinkChannel implements Channel {
  readonly idempotent = true;
  constructor(
    readonly name: ChannelName,
    private readonly db: Kysely<Database>,
  ) {}

  reachable(profile: ProfileView): true | string {
    return basicReachability(this.name, profile);
  }

  async send(m: OutgoingMessage): Promise<SendOutcome> {
    await this.db
      .insertInto('test_sink_messages')
      .values({ idempotency_key: m.idempotencyKey, workspace_id: m.workspaceId, profile_id: m.profile.id, channel: m.channel, template: m.template })
      .onConflict((oc) => oc.column('idempotency_key').doUpdateSet({ deliveries: sql`test_sink_messages.deliveries + 1` }))
      .execute();
    return { status: 'sent', providerId: m.idempotencyKey };
  }
}

export function testSinkChannels(db: Kysely<Database>, only: readonly ChannelName[] = channelNames): Partial<Record<ChannelName, Channel>> {
  return Object.fromEntries(only.map((c) => [c, new TestSinkChannel(c, db)]));
}
