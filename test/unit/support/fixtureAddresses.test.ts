/**
 * (unit) Every address a test can cause to be dialled is loopback or a lab namespace's own:
 * a host literal in a fixture file (test/support, test/e2e, test/integration, test/lab, the
 * benchmarks, the demo's targets) outside 127.0.0.0/8, ::1 and the lab's networks fails here.
 * Rule data is exempt — a CIDR block ("a/n") or an address range ("a-b") is matched against,
 * never connected to — and so are pure unit tests, which never reach a socket with such an
 * address. The egress audit (scripts/egress-audit.sh) proves the same at run time.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { LAB_NETWORKS } from '../../support/lab';

const ROOT = path.resolve(__dirname, '../../../..');
const FIXTURE_DIRS = ['test/support', 'test/e2e', 'test/integration', 'test/lab', 'bench', 'test/unit/fixtures'];
const FIXTURE_FILES = ['src/cli/demoTargets.ts'];

const allowed = new net.BlockList();
allowed.addSubnet('127.0.0.0', 8, 'ipv4');
allowed.addAddress('::1', 'ipv6');
allowed.addAddress('0.0.0.0', 'ipv4'); // a listener's wildcard in `ss` output, never a destination
allowed.addAddress('::', 'ipv6');
for (const n of LAB_NETWORKS) allowed.addSubnet(n.address, n.prefix, n.family);

function sourceFiles(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && /\.(ts|js|json|sh|txt)$/.test(d.name))
    .map((d) => path.relative(ROOT, path.join(d.parentPath, d.name)));
}

/** Host literals in `text`: IPv4 and IPv6 addresses that are not part of a CIDR or a range. */
export function hostLiterals(text: string): string[] {
  const found: string[] = [];
  // IPv6 (may end in an IPv4 tail), or IPv4 (may be followed by ":port").
  const candidate = /(?<![\w.:-])([0-9a-fA-F]{0,4}(?::[0-9a-fA-F]{0,4}){2,7}(?:\.\d{1,3}){0,3}(?![\w.:])|\d{1,3}(?:\.\d{1,3}){3}(?![\w.]))/g;
  for (const m of text.matchAll(candidate)) {
    const addr = m[1];
    if (!net.isIP(addr)) continue;
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 2);
    const before = text.slice(Math.max(0, m.index - 1), m.index);
    if (/^\/\d/.test(after) || after.startsWith('-') || before === '-') continue; // CIDR or range
    found.push(addr);
  }
  return found;
}

function isAllowed(addr: string): boolean {
  return allowed.check(addr, net.isIP(addr) === 6 ? 'ipv6' : 'ipv4');
}

describe('(unit) fixture addresses stay on this machine', () => {
  it('finds host literals and skips rule data (the scanner itself)', () => {
    assert.deepStrictEqual(
      hostLiterals(`host '203.0.113.10', url http://192.0.2.1:9/x, cidr 198.51.100.0/24, range 203.0.113.100-203.0.113.120, v6 '2001:db8::7', net fd00:cd::/32, mac 00:11:22:33:44:55, time 12:30:00, ver 4.139.1`),
      ['203.0.113.10', '192.0.2.1', '2001:db8::7'],
    );
    assert.deepStrictEqual(['127.0.0.10', '::1', '10.213.4.2', 'fd00:cd:5::2', '10.0.1.10', '192.0.2.1', '2001:db8::1'].map(isAllowed),
      [true, true, true, true, false, false, false]);
  });

  const files = [...FIXTURE_DIRS.flatMap(sourceFiles), ...FIXTURE_FILES];
  it(`covers the fixture files (${files.length})`, () => {
    assert.ok(files.some((f) => f.endsWith('tencentEndpointFixture.ts')) && files.some((f) => f.endsWith('cloud.itest.ts')), files.join(', '));
  });

  for (const f of files) {
    it(`${f}: every host address is loopback or a lab address`, () => {
      const bad = hostLiterals(fs.readFileSync(path.join(ROOT, f), 'utf8')).filter((a) => !isAllowed(a));
      assert.deepStrictEqual(bad, [], `${f} names addresses a socket could reach off this machine`);
    });
  }
});
