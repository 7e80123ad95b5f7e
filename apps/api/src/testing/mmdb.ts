// Writes a small MaxMind DB (format 2.0, IPv4, 24-bit records) for tests of the GeoIP lookup, so they
// read a real file through the real reader rather than a stand-in. Supports maps, strings, doubles
// and unsigned integers: what a City record needs.

type Value = string | number | { [k: string]: Value } | Value[];

function control(type: number, size: number): Buffer {
  const head = type <= 7 ? [(type << 5)] : [0, type - 7];
  const extended = type > 7;
  let sizeBytes: number[] = [];
  let bits = size;
  if (size >= 29 && size < 285) [bits, sizeBytes] = [29, [size - 29]];
  else if (size >= 285) throw new Error('mmdb fixture: value too large');
  head[0] = head[0]! | bits;
  return Buffer.from(extended ? [head[0], head[1]!, ...sizeBytes] : [head[0], ...sizeBytes]);
}

function encode(v: Value): Buffer {
  if (typeof v === 'string') {
    const bytes = Buffer.from(v, 'utf8');
    return Buffer.concat([control(2, bytes.length), bytes]);
  }
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 2 ** 32) {
    const bytes: number[] = [];
    for (let n = v; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
    return Buffer.concat([control(6, bytes.length), Buffer.from(bytes)]);
  }
  if (typeof v === 'number') {
    const b = Buffer.alloc(8);
    b.writeDoubleBE(v);
    return Buffer.concat([control(3, 8), b]);
  }
  if (Array.isArray(v)) return Buffer.concat([control(11, v.length), ...v.map(encode)]);
  const entries = Object.entries(v);
  return Buffer.concat([control(7, entries.length), ...entries.flatMap(([k, x]) => [encode(k), encode(x)])]);
}

interface Node {
  left: Node | number | null;
  right: Node | number | null;
  index?: number;
}

/** `networks`: IPv4 CIDR (e.g. `81.2.69.0/24`) → record. */
export function writeMmdb(networks: Record<string, Value>, databaseType = 'GeoIP2-City'): Buffer {
  const records: Buffer[] = [];
  const offsets: number[] = [];
  let dataSize = 0;
  const root: Node = { left: null, right: null };
  for (const [cidr, record] of Object.entries(networks)) {
    const [addr, len] = cidr.split('/') as [string, string];
    const ip = addr.split('.').reduce((n, o) => n * 256 + Number(o), 0);
    const buf = encode(record);
    offsets.push(dataSize);
    records.push(buf);
    dataSize += buf.length;
    let node = root;
    for (let bit = 0; bit < Number(len); bit++) {
      const side = (ip >>> (31 - bit)) & 1 ? 'right' : 'left';
      if (bit === Number(len) - 1) node[side] = offsets.length - 1;
      else node = (node[side] as Node | null) ?? (node[side] = { left: null, right: null });
    }
  }
  const nodes: Node[] = [];
  const walk = (n: Node) => {
    n.index = nodes.push(n) - 1;
    for (const c of [n.left, n.right]) if (c && typeof c === 'object') walk(c);
  };
  walk(root);
  const count = nodes.length;
  const recordValue = (c: Node | number | null) => (c === null ? count : typeof c === 'number' ? count + 16 + offsets[c]! : c.index!);
  const tree = Buffer.alloc(count * 6);
  nodes.forEach((n, i) => {
    tree.writeUIntBE(recordValue(n.left), i * 6, 3);
    tree.writeUIntBE(recordValue(n.right), i * 6 + 3, 3);
  });
  const metadata = encode({
    binary_format_major_version: 2,
    binary_format_minor_version: 0,
    build_epoch: Math.floor(Date.now() / 1000),
    database_type: databaseType,
    description: { en: 'Overture test fixture' },
    ip_version: 4,
    languages: ['en'],
    node_count: count,
    record_size: 24,
  });
  return Buffer.concat([tree, Buffer.alloc(16), ...records, Buffer.from([0xab, 0xcd, 0xef]), Buffer.from('MaxMind.com'), metadata]);
}
