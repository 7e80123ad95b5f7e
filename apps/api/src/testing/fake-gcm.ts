// Plays the browser vendor's push registration service for a Chromium under test, the way
// push.test.ts's local endpoint plays the push service that receives sends. Every
// `PushManager.subscribe` in Chromium goes through Google's GCM client: a device checkin, then a
// registration that returns the token the subscription's endpoint is built from. Offline, that
// never completes, so the subscription is never made. Chromium's own --gcm-* switches
// (google_apis/gcm/engine/gservices_switches.cc) point its GCM client here instead:
//  - POST /checkin: protobuf AndroidCheckinRequest in, AndroidCheckinResponse out with the
//    device's android_id and security_token (the four fields Chromium needs are hand-encoded);
//  - POST /register3: a form-encoded registration, answered `token=<token>`. For a web push
//    subscription Chromium sends `sender` = the VAPID application server key (base64url) and
//    `X-subtype` = `wp:<origin>/#<id>`.
// The MCS socket (where pushes would arrive) is aimed at this port too, so Chromium never looks
// for Google's servers; its TLS handshake fails here and Chromium just retries later.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

export interface GcmRegistration {
  /** The form fields Chromium posted (`app`, `sender`, `X-subtype`, `device`, …). */
  params: Record<string, string>;
  authorization: string;
  /** The token this server answered with. */
  token: string;
}

export interface FakeGcm {
  /** Switches for a Chromium that should register here. */
  args: string[];
  androidId: bigint;
  securityToken: bigint;
  checkins: number;
  registrations: GcmRegistration[];
  close(): Promise<void>;
}

const varint = (n: bigint): Buffer => {
  const out: number[] = [];
  for (; n > 0x7fn; n >>= 7n) out.push(Number(n & 0x7fn) | 0x80);
  out.push(Number(n));
  return Buffer.from(out);
};
const fixed64 = (n: bigint): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(n);
  return b;
};
// Chromium retries a checkin whose android_id or security_token is zero: draw both non-zero (63 bits).
const nonZeroId = (): bigint => (BigInt(`0x${randomBytes(8).toString('hex')}`) >> 1n) | 1n;

/** AndroidCheckinResponse: stats_ok (1, bool), time_msec (3, int64), android_id (7, fixed64), security_token (8, fixed64). */
export function checkinResponse(androidId: bigint, securityToken: bigint, now = Date.now()): Buffer {
  return Buffer.concat([Buffer.from([0x08, 1, 0x18]), varint(BigInt(now)), Buffer.from([0x39]), fixed64(androidId), Buffer.from([0x41]), fixed64(securityToken)]);
}

export async function startFakeGcm(): Promise<FakeGcm> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (req.method === 'POST' && path === '/checkin') {
        gcm.checkins += 1;
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(checkinResponse(gcm.androidId, gcm.securityToken));
      } else if (req.method === 'POST' && path === '/register3') {
        const token = `fake-gcm-${randomBytes(12).toString('base64url')}`;
        const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
        gcm.registrations.push({ params, authorization: req.headers.authorization ?? '', token });
        res.writeHead(200, { 'content-type': 'text/plain' }).end(`token=${token}`);
      } else res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const gcm: FakeGcm = {
    args: [`--gcm-checkin-url=${base}/checkin`, `--gcm-registration-url=${base}/register3`, `--gcm-mcs-endpoint=${base.replace('http:', 'https:')}`],
    androidId: nonZeroId(),
    securityToken: nonZeroId(),
    checkins: 0,
    registrations: [],
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
  return gcm;
}
