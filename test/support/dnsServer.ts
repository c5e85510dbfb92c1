/**
 * A tiny authoritative DNS server on 127.0.0.1 (UDP, random port) for names of a test's own:
 * tests resolve through it (probes' `dns.servers`) instead of the machine's resolver or
 * /etc/hosts. It answers A and AAAA from a fixed table, NXDOMAIN for names it does not know,
 * and an empty answer for a type a known name lacks. Queries are hostile input: anything that
 * is not one well-formed question is dropped. Hand-written (RFC 1035 §4) rather than a
 * dependency: the subset needed is a few dozen lines.
 */
import * as dgram from 'dgram';
import * as net from 'net';

export interface DnsRecords {
  /** name (lower case, no trailing dot) → addresses, IPv4 and IPv6 mixed, in answer order. */
  [name: string]: string[];
}

export interface TestDnsServer {
  /** "127.0.0.1:PORT", for `setServers`. */
  server: string;
  /** Every question seen: "name TYPE". */
  queries: string[];
  close(): Promise<void>;
}

const TYPE_A = 1;
const TYPE_AAAA = 28;

function readName(msg: Buffer, start: number): { name: string; end: number } | undefined {
  const labels: string[] = [];
  let i = start;
  for (let n = 0; n < 128; n++) {
    if (i >= msg.length) return undefined;
    const len = msg[i]!;
    if (len === 0) return { name: labels.join('.').toLowerCase(), end: i + 1 };
    if (len > 63 || i + 1 + len > msg.length) return undefined; // no compression in a question
    labels.push(msg.subarray(i + 1, i + 1 + len).toString('latin1'));
    i += 1 + len;
  }
  return undefined;
}

function v6Bytes(address: string): Buffer {
  const [head, tail] = address.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const b = Buffer.alloc(16);
  groups.forEach((g, k) => b.writeUInt16BE(parseInt(g, 16), 2 * k));
  return b;
}

export function answer(query: Buffer, records: DnsRecords): Buffer | undefined {
  if (query.length < 12 || query.length > 512) return undefined;
  const flags = query.readUInt16BE(2);
  if (flags & 0x8000 || query.readUInt16BE(4) !== 1) return undefined; // a response, or not one question
  const q = readName(query, 12);
  if (!q || q.end + 4 > query.length) return undefined;
  const qtype = query.readUInt16BE(q.end);
  const question = query.subarray(12, q.end + 4);
  const known = Object.prototype.hasOwnProperty.call(records, q.name) ? records[q.name]! : undefined;
  const family = qtype === TYPE_A ? 4 : qtype === TYPE_AAAA ? 6 : 0;
  const addrs = known && family ? known.filter((a) => net.isIP(a) === family) : [];
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0);
  // QR, AA, the client's RD; RCODE 3 (NXDOMAIN) for an unknown name.
  header.writeUInt16BE(0x8400 | (flags & 0x0100) | (known ? 0 : 3), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(addrs.length, 6);
  const rrs = addrs.map((a) => {
    const rdata = family === 4 ? Buffer.from(a.split('.').map(Number)) : v6Bytes(a);
    const rr = Buffer.alloc(12);
    rr.writeUInt16BE(0xc00c, 0); // pointer to the question's name
    rr.writeUInt16BE(qtype, 2);
    rr.writeUInt16BE(1, 4); // IN
    rr.writeUInt32BE(5, 6); // TTL
    rr.writeUInt16BE(rdata.length, 10);
    return Buffer.concat([rr, rdata]);
  });
  return Buffer.concat([header, question, ...rrs]);
}

export async function startDnsServer(records: DnsRecords): Promise<TestDnsServer> {
  const sock = dgram.createSocket('udp4');
  const queries: string[] = [];
  sock.on('message', (msg, rinfo) => {
    const q = msg.length >= 12 ? readName(msg, 12) : undefined;
    if (q && q.end + 2 <= msg.length) {
      const t = msg.readUInt16BE(q.end);
      queries.push(`${q.name} ${t === TYPE_A ? 'A' : t === TYPE_AAAA ? 'AAAA' : t}`);
    }
    const reply = answer(msg, records);
    if (reply) sock.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(0, '127.0.0.1', () => resolve());
  });
  sock.on('error', () => undefined);
  return {
    server: `127.0.0.1:${sock.address().port}`,
    queries,
    close: () => new Promise<void>((r) => sock.close(() => r())),
  };
}
