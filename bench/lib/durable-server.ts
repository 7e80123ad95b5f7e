// The durable baseline: a bare Node http server in its own process that parses the same bodies, maps
// them to `events` rows without validating them, and answers 200 only once they are stored in chDB
// through the same group commit and insert as ours. No queue, no real-time work: the limit of the
// durable path itself on this machine.
import { createServer } from 'node:http';
import { createClickhouse, migrateClickhouse, insertEvents, GroupCommitWriter, type EventRow } from '@overture/api';

const dataDir = process.env.OVERTURE_DATA_DIR;
if (!dataDir) throw new Error('OVERTURE_DATA_DIR is required');
const workspaceId = process.env.BENCH_WORKSPACE_ID ?? 'bench';

const clickhouse = createClickhouse({ dataDir });
await migrateClickhouse(clickhouse);
const writer = new GroupCommitWriter({ insert: (rows) => insertEvents(clickhouse, rows) });

interface Message {
  type: string;
  event?: string;
  name?: string;
  userId?: string;
  anonymousId?: string;
  messageId: string;
  timestamp: string;
  properties?: unknown;
  traits?: unknown;
  context?: unknown;
}

const chTime = (iso: string) => iso.slice(0, 23).replace('T', ' ');

function toRow(m: Message, sentAt: string, receivedAt: string): EventRow {
  return {
    workspace_id: workspaceId,
    message_id: m.messageId,
    type: m.type,
    event: m.event ?? m.name ?? '',
    distinct_id: m.userId ?? m.anonymousId ?? '',
    anonymous_id: m.anonymousId ?? '',
    user_id: m.userId ?? '',
    group_id: '',
    previous_id: '',
    timestamp: chTime(m.timestamp),
    sent_at: chTime(sentAt),
    received_at: receivedAt,
    properties: JSON.stringify(m.properties ?? {}),
    traits: JSON.stringify(m.traits ?? {}),
    context: JSON.stringify(m.context ?? {}),
    is_bot: 0,
    bot_reason: '',
  };
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { batch: Message[]; sentAt: string };
    const receivedAt = chTime(new Date().toISOString());
    writer.write(body.batch.map((m) => toRow(m, body.sentAt, receivedAt))).then(
      () => {
        const text = JSON.stringify({ success: true, accepted: body.batch.length });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      },
      () => {
        res.writeHead(503);
        res.end();
      },
    );
  });
});
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  console.log(`listening on http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`);
});
process.on('SIGTERM', () => {
  server.close();
  void writer.drain().then(() => clickhouse.close()).then(() => process.exit(0));
});
