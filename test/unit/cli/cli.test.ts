import * as assert from 'assert';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { assertReportSchema } from '../../support/reportSchema';

// The compiled CLI entry (tsc output), run as a user would: a separate process.
const CLI = path.resolve(__dirname, '../../../src/cli/main.js');

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, LANG: 'C', ...env }, timeout: 30000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

describe('(unit) cvm-doctor CLI', () => {
  it('--version prints the manifest\'s version', async () => {
    const { version } = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../../package.json'), 'utf8')) as { version: string };
    const r = await run(['--version']);
    assert.deepStrictEqual([r.code, r.stdout], [0, `cvm-doctor ${version}\n`]);
  });

  const BAD: Array<[string[], string]> = [
    [['diagnose', 'a;rm -rf /'], 'host'],
    [['diagnose', '$(id)'], 'host'],
    [['diagnose', 'h', '--port', '0'], '--port'],
    [['diagnose', 'h', '--port', '70000'], '--port'],
    [['diagnose', 'h', '--port', 'ssh'], '--port'],
    [['diagnose', 'h', '--timeout', '-5'], '--timeout'],
    [['diagnose', 'h', '--identity', '/nonexistent/key'], '--identity'],
    [['diagnose', 'h', '--known-hosts', '/nonexistent/kh'], '--known-hosts'],
    [['diagnose', 'h', '--password-env', 'CVM_DOCTOR_TEST_UNSET'], '--password-env'],
    [['diagnose', 'h', '--protocol', 'telnet'], '--protocol'],
    [['diagnose', 'h', '--lang', 'fr'], '--lang'],
    [['diagnose', 'h', '--alt-ports', '22,x'], '--alt-ports'],
    [['diagnose', 'h', '--tencent-instance', 'ins-abc12345'], '--region'],
    // A Lighthouse ID is an instance ID too (it passes, then the region is missing); others are not.
    [['diagnose', 'h', '--tencent-instance', 'lhins-abc12345'], '--region'],
    [['diagnose', 'h', '--tencent-instance', 'lh-abc12345', '--region', 'ap-seoul'], '--tencent-instance'],
    [['diagnose'], 'host'],
    [['diagnose', 'h', '--bogus'], 'usage'],
    [['frobnicate'], 'usage'],
  ];
  for (const [args, field] of BAD) {
    it(`exit 2 naming ${field}: ${args.join(' ')}`, async () => {
      const r = await run(args);
      assert.strictEqual(r.code, 2, r.stderr);
      const lines = r.stderr.trim().split('\n');
      assert.strictEqual(lines.length, 1, `one line expected: ${r.stderr}`);
      assert.ok(lines[0].startsWith(`cvm-doctor: ${field}`), lines[0]);
      assert.doesNotMatch(r.stderr, /\bat .+:\d+:\d+/, 'stack trace shown');
      assert.strictEqual(r.stdout, '');
    });
  }

  it('exit 1 with JSON for a closed port on loopback', async () => {
    const net = await import('net');
    const s = net.createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    const port = (s.address() as import('net').AddressInfo).port;
    await new Promise<void>((r) => s.close(() => r()));
    const r = await run(['diagnose', '127.0.0.1', '--port', String(port), '--alt-ports', 'none', '--timeout', '1000', '--json', '--no-icmp']);
    assert.strictEqual(r.code, 1, r.stderr);
    const j = JSON.parse(r.stdout);
    assertReportSchema(j);
    assert.strictEqual(j.verdict.code, 'PORT_CLOSED');
  });

  it('--trace: the path to the host appears in the text and in the JSON checks', async function () {
    this.timeout(60000);
    const net = await import('net');
    const s = net.createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    const port = (s.address() as import('net').AddressInfo).port;
    await new Promise<void>((r) => s.close(() => r()));
    const args = ['diagnose', '127.0.0.1', '--port', String(port), '--alt-ports', 'none', '--timeout', '1000', '--no-icmp', '--trace'];
    const j = await run([...args, '--json']);
    assert.strictEqual(j.code, 1, j.stderr);
    const rep = JSON.parse(j.stdout);
    assertReportSchema(rep);
    const out = rep.checks.find((c: { id: string }) => c.id === 'path.out');
    assert.ok(out, JSON.stringify(rep.checks.map((c: { id: string }) => c.id)));
    assert.strictEqual(out.evidence.direction, 'out');
    assert.strictEqual(out.evidence.target, '127.0.0.1');
    // Whatever this machine has: a trace labelled with its tool, or why none could run.
    assert.match(out.summary, /^(Trace from here \((mtr --tcp|traceroute -T|tcptraceroute), TCP to port \d+\)|Trace from here \(net-ping, ICMP\)|No trace could run here)/);
    if (out.evidence.tool && out.evidence.tool !== 'net-ping') assert.strictEqual(out.evidence.reached, true, out.summary);
    const t = await run(args);
    assert.strictEqual(t.code, 1, t.stderr);
    assert.match(t.stdout, /Path to the host/);
    assert.ok(t.stdout.includes(out.summary.split(':')[0]), t.stdout);
    // Without --trace, no path check.
    const plain = JSON.parse((await run(args.filter((a) => a !== '--trace').concat('--json'))).stdout);
    assert.ok(!plain.checks.some((c: { id: string }) => c.id.startsWith('path.')));
  });

  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    it(`${sig} during a diagnosis: exit 2 (no verdict), one line, no stack trace`, async function () {
      this.timeout(20000);
      const net = await import('net');
      // Accepts and never speaks: the banner wait runs until the signal comes.
      const held: import('net').Socket[] = [];
      const s = net.createServer((c) => { held.push(c); c.on('error', () => undefined); });
      await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
      const port = (s.address() as import('net').AddressInfo).port;
      try {
        const { spawn } = await import('child_process');
        const child = spawn(process.execPath, [CLI, 'diagnose', '127.0.0.1', '--port', String(port), '--alt-ports', 'none', '--timeout', '8000', '--no-icmp', '--json'],
          { env: { PATH: process.env.PATH ?? '', LANG: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => { stdout += d; });
        child.stderr.on('data', (d: Buffer) => { stderr += d; });
        // Signal once the connection is held (the CLI is inside the diagnosis), bounded.
        for (let i = 0; i < 100 && !held.length; i++) await new Promise((r) => setTimeout(r, 50));
        assert.ok(held.length, 'the CLI never connected');
        child.kill(sig);
        const [code, signal] = await new Promise<[number | null, string | null]>((r) => child.on('exit', (c, g) => r([c, g])));
        assert.deepStrictEqual([code, signal], [2, null], stderr);
        assert.deepStrictEqual(stderr.trim().split('\n'), ['cvm-doctor: cancelled (no verdict)']);
        assert.strictEqual(stdout, '');
      } finally {
        for (const c of held) c.destroy();
        s.close();
      }
    });
  }

  it('the CLI source returns no exit code but 0, 1 and 2', async () => {
    const fs = await import('fs');
    const src = fs.readFileSync(path.resolve(__dirname, '../../../../src/cli/main.ts'), 'utf8');
    const codes = [...src.matchAll(/\b(?:return|process\.exit\(|exitCode = )\s*(\d+)/g)].map((m) => Number(m[1]));
    assert.deepStrictEqual(codes.filter((c) => c > 2), []);
    assert.match(src, /noVerdict: 2/);
  });

  it('--help exits 0 with the usage', async () => {
    const r = await run(['--help']);
    assert.strictEqual(r.code, 0);
    assert.match(r.stdout, /cvm-doctor diagnose <host>/);
    assert.match(r.stdout, /--accept-new/);
  });

  it('--known-hosts may name a file that does not exist yet with --accept-new (it is created as OpenSSH would)', async () => {
    const net = await import('net');
    const s = net.createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    const port = (s.address() as import('net').AddressInfo).port;
    await new Promise<void>((r) => s.close(() => r()));
    const missing = path.join(require('os').tmpdir(), `cvmd-no-such-dir-${process.pid}`, 'known_hosts');
    const args = ['diagnose', '127.0.0.1', '--port', String(port), '--alt-ports', 'none', '--timeout', '1000', '--json', '--no-icmp', '--known-hosts', missing];
    const without = await run(args);
    assert.strictEqual(without.code, 2, without.stderr);
    assert.match(without.stderr, /^cvm-doctor: --known-hosts/);
    const withAccept = await run([...args, '--accept-new']);
    assert.strictEqual(withAccept.code, 1, withAccept.stderr);
    assert.strictEqual(JSON.parse(withAccept.stdout).verdict.code, 'PORT_CLOSED');
  });

  it('--identity that is a directory: exit 2 naming the flag', async () => {
    const r = await run(['diagnose', '127.0.0.1', '--identity', require('os').tmpdir()]);
    assert.strictEqual(r.code, 2, r.stderr);
    assert.match(r.stderr, /^cvm-doctor: --identity: cannot read file/);
  });

  it('demo diagnoses every local target', async () => {
    const r = await run(['demo']);
    assert.strictEqual(r.code, 0, r.stderr);
    for (const code of ['OK', 'AUTH_FAILED', 'HOST_KEY_MISMATCH', 'PORT_CLOSED', 'SERVICE_ON_OTHER_PORT', 'BANNER_TIMEOUT', 'NOT_SSH', 'CONNECTION_CLOSED']) {
      assert.match(r.stdout, new RegExp(`\\b${code}\\b`), code);
    }
  });
});
