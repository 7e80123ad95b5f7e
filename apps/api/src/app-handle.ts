import type { Queue } from 'bullmq';
import type { Config } from './env';
import type { ClickHouseClient } from './stores/clickhouse';
import type { PostgresStore } from './stores/postgres';
import type { Redis } from './stores/redis';
import type { GroupCommitWriter } from './events/group-commit';
import type { IngestLog } from './events/ingest-log';
import type { EventsJob } from './events/queue';
import type { EventBatchStore } from './events/batch-store';
import type { KeyResolver } from './workspaces/key-resolver';
import type { GeoLookup } from './stores/geoip';
import type { Logger } from './logger';
import type { InvalidationBus } from './stores/invalidation';
import type { OutboundGuard } from './stores/outbound';
import type { KeyedQueue } from './kernel/keyed-queue';
import type { CoalescingRunner } from './kernel/coalescing-runner';
import type { OnceWriter } from './kernel/once-writer';
import type { LoginThrottle } from './auth/throttle';
import type { PlacementExposure } from './onsite/exposures';
import type { MessageExposure } from './channels/exposures';
import type { BlockChecks } from './channels/block-checks';
import type { SendLedger } from './channels/email/ledger-batches';
import type { SmtpPools } from './channels/email/transport';
import type { OutcomeWriter } from './channels/outcome-writer';
import type { ImpressionWriter } from './recommendations/impression-writer';
import type { LRUCache } from 'lru-cache';

// The App handle every domain function takes: types only, so any module may import it without
// depending on the composition root (app.ts), which builds it from the domains.

/** Everything a request handler or a job needs: the stores and the services over them. */
export interface App {
  config: Config;
  log: Logger;
  clickhouse: ClickHouseClient;
  postgres: PostgresStore;
  redis: Redis;
  eventsQueue: Queue<EventsJob>;
  /** Committed batches stored once for the real-time consumer steps that read them. */
  eventBatches: EventBatchStore;
  writer: GroupCommitWriter;
  /** With INGEST_ACK=logged: ingestion is acknowledged from this log and stored through `writer` behind it. */
  ingestLog: IngestLog | null;
  keys: KeyResolver;
  /** City-level location of an IP, when GEOIP_DATABASE is set. */
  geo: GeoLookup | undefined;
  /** Tells every process's caches that something changed (Redis pub/sub). */
  invalidation: InvalidationBus;
  /** Every request the server makes to a destination it was given (push, webhooks, SMTP) goes through it. */
  outbound: OutboundGuard;
  /** The per-process services over the stores, built once per app (`createServices` in app.ts). */
  services: Services;
  close(): Promise<void>;
}

/**
 * Caches, batch writers, ledgers and pools this process keeps, one of each per app. Each is made by
 * its domain's own factory from the stores; domains reach it as `app.services.<name>`. A service whose
 * type lives beside code that takes the App handle is declared by that domain, as it declares its
 * tables (`declare module '../app-handle' { interface Services { ... } }`); it is still built by `createServices` in app.ts. Tests
 * swap one for their own (a throttle with their clock) through the domain's `use...` function.
 */
export interface Services {
  /** Failed sign-ins per account and address (Redis, shared by every API process). */
  loginThrottle: LoginThrottle;
  /** Identity links of one workspace are applied one batch at a time in this process. */
  identityBatches: KeyedQueue;
  /** The real-time refresh of touched profiles (features, segments, facts copies): concurrent batches of one workspace share a run. */
  profileRefreshes: CoalescingRunner;
  /** `$experiment_exposure` events of onsite placement variants, once per profile, off decide's path. */
  placementExposures: OnceWriter<PlacementExposure>;
  /** `$experiment_exposure` events of template variants, once per profile, off the send path. */
  messageExposures: OnceWriter<MessageExposure>;
  /** Suppression and consent checks of concurrent sends, one round trip per batch. */
  consentChecks: BlockChecks;
  /** Email sends' Message-ID ledger, batched both ways. */
  sendLedger: SendLedger;
  /** Pooled SMTP connections per workspace and settings version. */
  smtpPools: SmtpPools;
  /** Group commit of `message_events` rows. */
  outcomeWriter: OutcomeWriter;
  /** Profile id of a user or anonymous id, for recommendation requests: known ids only, a minute. */
  recommendationProfileIds: LRUCache<string, string>;
  /** Shown recommendation blocks, written a second (or 1,000 rows) at a time. */
  recommendationImpressions: ImpressionWriter;
}
