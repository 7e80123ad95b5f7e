import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, parseEnv, toConfig } from '../../env';
import { OutboundGuard, OutboundLimitError, OutboundRefusedError, type ResolvedAddress } from './index';

/** A local HTTP server whose handler the test picks per path; counts every connection it gets. */
async function startReceiver() {
  const state = { connections: 0, paths: [] as string[], hosts: [] as string[], lengths: [] as Array<string | undefined> };
  const server: Server = createServer((req, res) => {
    state.paths.push(req.url ?? '');
    state.hosts.push(req.headers.host ?? '');
    state.lengths.push(req.headers['content-length']);
    if (req.url === '/slow') return; // never answers
    if (req.url === '/huge') {
      // 1 MiB, chunked: no length announced, the cap must count.
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      for (let i = 0; i < 16; i++) res.write(Buffer.alloc(64 * 1024, 1));
      return res.end();
    }
    if (req.url === '/declared') return res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) }).end();
    if (req.url === '/redirect') return res.writeHead(302, { location: '/elsewhere' }).end();
    res.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
  });
  server.on('connection', () => state.connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, state, port: (server.address() as AddressInfo).port };
}

/** A resolver that answers from a table and counts its calls (no real DNS in tests). */
function fakeDns(table: Record<string, string[] | string[][]>) {
  const calls: string[] = [];
  const resolve = async (hostname: string): Promise<ResolvedAddress[]> => {
    calls.push(hostname);
    const entry = table[hostname];
    if (!entry) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    // A list of lists: one answer per call, the last one repeated (a rebinding name).
    const answer = (Array.isArray(entry[0]) ? (entry as string[][])[Math.min(calls.filter((c) => c === hostname).length - 1, entry.length - 1)] : entry) as string[];
    return answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return { resolve, calls };
}

// Every form the security review found accepted, and their relatives.
const refused = [
  '127.0.0.1',
  '127.0.0.2',
  '0.0.0.0',
  '10.1.2.3',
  '172.16.0.1',
  '192.168.1.1',
  '169.254.169.254',
  '100.64.0.1',
  '100.100.100.200',
  '192.0.0.192',
  '224.0.0.1',
  '240.0.0.1',
  '255.255.255.255',
  '0x7f.1',
  '2130706433',
  '[::1]',
  '[::]',
  '::1',
  '[::ffff:127.0.0.1]',
  '[::ffff:7f00:1]',
  '[::ffff:10.0.0.1]',
  '[::127.0.0.1]',
  '[64:ff9b::127.0.0.1]',
  '[64:ff9b:1::1]',
  '[2002:7f00:1::1]',
  '[2002:a9fe:a9fe::1]',
  '[2001:0:4136:e378::1]',
  '[fe80::1]',
  '[fc00::1]',
  '[fd00:ec2::254]',
  '[ff02::1]',
  '[2001:db8::1]',
  'localhost',
  'api.localhost',
  'metadata.google.internal',
  'metadata',
];
const accepted = ['8.8.8.8', '[2606:4700::1111]', '[::ffff:8.8.8.8]', '[64:ff9b::8.8.8.8]', '[2002:808:808::1]', 'fcm.googleapis.com'];

describe('the outbound guard', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    receiver.server.closeAllConnections();
    await new Promise<void>((r) => receiver.server.close(() => r()));
  });

  it('refuses loopback, unspecified, private, link-local, unique-local, CGNAT, multicast, reserved, metadata and their IPv6 forms', () => {
    const guard = new OutboundGuard();
    const wrongly = refused.filter((h) => guard.hostRefusal(h) === null);
    expect(wrongly).toEqual([]);
    expect(accepted.map((h) => [h, guard.hostRefusal(h)])).toEqual(accepted.map((h) => [h, null]));
    expect(guard.hostRefusal('[::ffff:127.0.0.1]')).toBe('[::ffff:7f00:1] is a loopback address (127.0.0.1 in IPv4-mapped form)');
    expect(guard.hostRefusal('0x7f.1')).toBe('127.0.0.1 is a loopback address');
    expect(guard.hostRefusal('[fd00:ec2::254]')).toMatch(/metadata/);
    expect(guard.hostRefusal('not a host/x')).toMatch(/not a valid host/);
  });

  it('lets the operator allow-list admit addresses, ranges and names, and nothing beyond them', () => {
    const guard = new OutboundGuard({ allow: '127.0.0.1,10.0.0.0/8,smtp.internal,*.corp.example' });
    expect(['127.0.0.1', '10.9.8.7', '[::ffff:10.0.0.1]', 'smtp.internal', 'hooks.corp.example'].map((h) => guard.hostRefusal(h))).toEqual([null, null, null, null, null]);
    expect(['127.0.0.2', '192.168.0.1', '[::1]', 'localhost', '169.254.169.254'].every((h) => guard.hostRefusal(h) !== null)).toBe(true);
  });

  it('refuses at send time without connecting: an address literal, and a name resolving to loopback (DNS rebinding)', async () => {
    const dns = fakeDns({ 'rebind.test': ['127.0.0.1'], 'mixed.test': ['93.184.216.34', '127.0.0.1'], 'v6.test': ['::ffff:127.0.0.1'] });
    const guard = new OutboundGuard({ resolve: dns.resolve });
    const before = receiver.state.connections;
    for (const url of [`http://127.0.0.1:${receiver.port}/`, `http://[::ffff:127.0.0.1]:${receiver.port}/`, `http://rebind.test:${receiver.port}/`, `http://mixed.test:${receiver.port}/`, `http://v6.test:${receiver.port}/`]) {
      await expect(guard.request(url), url).rejects.toBeInstanceOf(OutboundRefusedError);
    }
    for (const host of refused) {
      const inUrl = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
      await expect(guard.request(`http://${inUrl}:${receiver.port}/`), host).rejects.toBeInstanceOf(OutboundRefusedError);
      await expect(guard.connect(host, receiver.port), host).rejects.toBeInstanceOf(OutboundRefusedError);
    }
    await expect(guard.request(`http://rebind.test:${receiver.port}/`)).rejects.toThrow('rebind.test resolves to 127.0.0.1, a loopback address');
    await expect(guard.connect('rebind.test', receiver.port)).rejects.toBeInstanceOf(OutboundRefusedError);
    await expect(guard.request(`http://nowhere.test/`)).rejects.toThrow(/does not resolve/);
    // A resolver failing for now is no refusal: a webhook retries it.
    const flaky = new OutboundGuard({ resolve: async () => Promise.reject(Object.assign(new Error('try again'), { code: 'EAI_AGAIN' })) });
    const temporary = await flaky.request('https://hooks.example/x').catch((err: Error) => err);
    expect([temporary instanceof OutboundRefusedError, (temporary as Error).message]).toEqual([false, 'hooks.example could not be resolved now (EAI_AGAIN)']);
    expect(receiver.state.connections).toBe(before);
  });

  it('reaches an allow-listed loopback receiver at the address it checked, resolving once', async () => {
    // The name answers the allowed address first and a refused one afterwards: the connection stays on the first.
    const dns = fakeDns({ 'receiver.test': [['127.0.0.1'], ['10.0.0.1']] });
    const guard = new OutboundGuard({ allow: '127.0.0.1', resolve: dns.resolve });
    const res = await guard.request(`http://receiver.test:${receiver.port}/hello`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect([res.status, res.body.toString()]).toEqual([200, 'hello']);
    expect(receiver.state.hosts.at(-1)).toBe(`receiver.test:${receiver.port}`);
    expect(receiver.state.lengths.at(-1)).toBe('2');
    expect(dns.calls).toEqual(['receiver.test']);
    const socket = await guard.connect('127.0.0.1', receiver.port);
    expect(socket.remoteAddress).toBe('127.0.0.1');
    socket.destroy();
  });

  it('ends a request that outlasts its deadline, and one whose answer passes the size cap', async () => {
    const guard = new OutboundGuard({ allow: '127.0.0.1' });
    const base = `http://127.0.0.1:${receiver.port}`;
    await expect(guard.request(`${base}/slow`, { timeoutMs: 300 })).rejects.toThrow(OutboundLimitError);
    await expect(guard.request(`${base}/slow`, { timeoutMs: 300 })).rejects.toThrow(/timed out after 300 ms/);
    await expect(guard.request(`${base}/huge`, { maxResponseBytes: 64 * 1024 })).rejects.toThrow(/over the 65536 byte cap/);
    await expect(guard.request(`${base}/declared`, { maxResponseBytes: 64 * 1024 })).rejects.toThrow(/10485760 bytes is over the 65536 byte cap/);
    expect((await guard.request(`${base}/huge`, { maxResponseBytes: 2 * 1024 * 1024 })).body.length).toBe(1024 * 1024);
  });

  it('returns a redirect as the answer and never follows it', async () => {
    const guard = new OutboundGuard({ allow: '127.0.0.1' });
    const res = await guard.request(`http://127.0.0.1:${receiver.port}/redirect`);
    expect([res.status, res.headers.location]).toEqual([302, '/elsewhere']);
    expect(receiver.state.paths).not.toContain('/elsewhere');
  });

  it('reads OUTBOUND_ALLOW from the environment and stops on a malformed entry, naming it', () => {
    expect(toConfig(parseEnv({ OVERTURE_SECRET: 'x'.repeat(32), OUTBOUND_ALLOW: ' 127.0.0.1, 10.0.0.0/8 ,smtp.internal' })).outboundAllow).toEqual(['127.0.0.1', '10.0.0.0/8', 'smtp.internal']);
    expect(toConfig(parseEnv({ OVERTURE_SECRET: 'x'.repeat(32) })).outboundAllow).toEqual([]);
    expect(() => parseEnv({ OUTBOUND_ALLOW: '10.0.0.0/33' })).toThrow(ConfigError);
    expect(() => parseEnv({ OUTBOUND_ALLOW: 'smtp.internal,http://x' })).toThrow(/OUTBOUND_ALLOW: "http:\/\/x"/);
  });
});
