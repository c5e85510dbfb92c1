/**
 * (lab) `cvm-doctor sweep` over real hosts: a few dozen targets of every kind in one run, each
 * with the verdict its own host deserves; a bad hosts file refused before anything is sent; a
 * sweep cancelled halfway that prints what finished and leaves no socket or child process
 * behind (counted); a Tencent sweep that reads each security group once, not once per instance.
 */
import * as assert from 'assert/strict';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import type { Report, VerdictCode } from '../../src/core/model';
import { createLab, type Lab, type LabHost, labUnavailableReason } from '../support/lab';
import { addLabNetwork, labInstance } from '../support/labCloud';
import { CLI_PATH, cliUnavailableReason, LAB_TIMEOUT_MS, runCli } from '../support/labEngine';
import { PQ_ONLY } from '../support/labScenarios';
import { defaultTencentFixture, REGION, startTencentEndpoint } from '../support/tencentEndpoint';
import { childPids, openSockets as socketsOf } from '../support/procCount';

type Kind = { label: string; want: VerdictCode; host: Parameters<Lab['addHost']>[0]; addresses: number; port?: number };

const KINDS: Kind[] = [
  { label: 'healthy', want: 'OK', host: { sshd: {} }, addresses: 6 },
  { label: 'filtered', want: 'PORT_FILTERED', host: { sshd: {}, nft: 'tcp dport 22 drop' }, addresses: 4 },
  { label: 'closed', want: 'PORT_CLOSED', host: {}, addresses: 4 },
  { label: 'silent', want: 'NO_RESPONSE', host: { sshd: {}, nft: 'meta nfproto ipv4 drop' }, addresses: 4 },
  { label: 'moved', want: 'SERVICE_ON_OTHER_PORT', host: { sshd: { ports: [2222] } }, addresses: 2 },
  { label: 'smtp', want: 'NOT_SSH', host: { servers: [{ kind: 'greeting', port: 22 }] }, addresses: 2 },
  { label: 'tarpit', want: 'BANNER_TIMEOUT', host: { servers: [{ kind: 'silent', port: 22 }] }, addresses: 2 },
  // Only the system OpenSSH can negotiate here: the sweep's diagnoses run child processes too.
  { label: 'pq-only', want: 'OK', host: { sshd: { extraConfig: [PQ_ONLY] } }, addresses: 2 },
];

const parseLines = (stdout: string): Report[] => stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Report);

describe('(lab) cvm-doctor sweep', function () {
  this.timeout(120_000);
  let lab: Lab | undefined;
  const hosts = new Map<string, LabHost>();
  let dir = '';

  before(async function () {
    const reason = labUnavailableReason() ?? cliUnavailableReason();
    if (reason) {
      console.log(`    SKIPPED sweep lab tests: ${reason}`);
      this.skip();
    }
    lab = await createLab();
    await Promise.all(KINDS.map(async (k) => hosts.set(k.label, await lab!.addHost({ label: `sweep-${k.label}`, ...k.host, extraAddresses: k.addresses - 1 }))));
    dir = fs.mkdtempSync(path.join(lab.dir, 'sweep-'));
  });

  after(async () => {
    await lab?.destroy();
  });

  const writeFile = (name: string, lines: string[]) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, `${lines.join('\n')}\n`);
    return f;
  };
  const knownHosts = () => lab!.writeKnownHosts([...hosts.values()].map((h) => h.knownHostsLine).filter(Boolean));

  it('a few dozen lab targets of every kind in one sweep: each gets its own verdict; JSON Lines as they finish', async () => {
    const expected = new Map<string, VerdictCode>();
    const lines = ['# the lab fleet'];
    for (const k of KINDS) for (const a of hosts.get(k.label)!.ipv4All) { lines.push(`${lab!.user}@${a}:22   # ${k.label}`); expected.set(a, k.want); }
    const healthy6 = hosts.get('healthy')!.ipv6;
    lines.push(`[${healthy6}]:22`);
    expected.set(healthy6, 'OK');
    const file = writeFile('fleet.txt', lines);
    const r = await runCli(['sweep', '--hosts-file', file, '--known-hosts', knownHosts(), '--timeout', String(LAB_TIMEOUT_MS), '--alt-ports', '2222', '--concurrency', '8', '--json'], { timeoutMs: 90_000 });
    assert.equal(r.code, 1, `exit 1: some targets are not OK\n${r.stderr}`);
    const reports = parseLines(r.stdout);
    assert.equal(reports.length, expected.size, 'one line per target, nothing else');
    const wrong = reports.filter((x) => x.verdict.code !== expected.get(x.target.host))
      .map((x) => `${x.target.host}: want ${expected.get(x.target.host)}, got ${x.verdict.code} — ${x.verdict.summary}`);
    assert.deepEqual(wrong, []);
    assert.ok(reports.every((x) => x.target.user === lab!.user || x.target.host === healthy6));
  });

  it('the table groups by verdict, most serious first, and exits 0 only when every target is OK', async () => {
    const h = hosts.get('healthy')!;
    const okFile = writeFile('ok.txt', h.ipv4All.slice(0, 3));
    const ok = await runCli(['sweep', '--hosts-file', okFile, '--known-hosts', knownHosts(), '--timeout', String(LAB_TIMEOUT_MS)]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /✓ OK \(3\)/);
    assert.match(ok.stdout, /Every target is OK\./);

    const mixed = writeFile('mixed.txt', [h.ipv4, hosts.get('smtp')!.ipv4, hosts.get('closed')!.ipv4, hosts.get('filtered')!.ipv4]);
    const r = await runCli(['sweep', '--hosts-file', mixed, '--known-hosts', knownHosts(), '--timeout', String(LAB_TIMEOUT_MS), '--alt-ports', 'none', '--lang', 'ko']);
    assert.equal(r.code, 1);
    const at = (s: string) => r.stdout.indexOf(s);
    const smtp = hosts.get('smtp')!.ipv4;
    assert.ok(at('✗ PORT_FILTERED (1)') >= 0 && at('✗ PORT_FILTERED (1)') < at('✗ PORT_CLOSED (1)') && at('✗ PORT_CLOSED (1)') < at('✗ NOT_SSH (1)') && at('✗ NOT_SSH (1)') < at('✓ OK (1)'), r.stdout);
    assert.ok(r.stdout.includes(smtp));
    assert.match(r.stdout, /대상 4개 중 3개에 문제가 있습니다/);
  });

  it('a hosts file with bad lines: exit 2 naming each line, and not one connection made', async () => {
    // A listener the good line points at: it must see no connection at all.
    let connections = 0;
    const server = net.createServer((c) => { connections++; c.destroy(); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as net.AddressInfo).port;
      const file = writeFile('bad.txt', [`127.0.0.1:${port}`, 'web 1', '127.0.0.1:99999', '-oProxyCommand=x']);
      const r = await runCli(['sweep', '--hosts-file', file, '--timeout', String(LAB_TIMEOUT_MS)]);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^cvm-doctor: --hosts-file: .*bad\.txt: 3 bad lines — line 2: .*; line 3: .*; line 4: /);
      assert.equal(r.stderr.trim().split('\n').length, 1, 'one line, no stack trace');
      // The same file without its bad lines does reach the listener: the count can fail.
      const good = writeFile('good.txt', [`127.0.0.1:${port}`]);
      await runCli(['sweep', '--hosts-file', good, '--timeout', String(LAB_TIMEOUT_MS), '--alt-ports', 'none']);
      assert.ok(connections > 0, 'the good file connects');
      const before = connections;
      await runCli(['sweep', '--hosts-file', file, '--timeout', String(LAB_TIMEOUT_MS)]);
      assert.equal(connections, before, 'the bad file connects nowhere');
    } finally {
      server.close();
    }
  });

  it('Ctrl-C halfway: the finished rows are printed, the rest listed as not finished; no socket or child process left', async () => {
    const silent = hosts.get('silent')!.ipv4All;
    const healthy = hosts.get('healthy')!.ipv4All.slice(0, 2);
    const pq = hosts.get('pq-only')!.ipv4All;
    const file = writeFile('cancel.txt', [...healthy, ...pq, ...silent]);
    const child = spawn(process.execPath, [CLI_PATH, 'sweep', '--hosts-file', file, '--known-hosts', knownHosts(), '--timeout', '8000', '--concurrency', '6'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    // Wait until the silent targets are being probed (their sockets open), then interrupt.
    const openSockets = () => socketsOf(child.pid!);
    const spawned = Date.now();
    let peak = 0;
    for (let i = 0; i < 100 && peak < 8; i++) { await new Promise((r) => setTimeout(r, 30)); peak = Math.max(peak, openSockets()); }
    assert.ok(peak >= 8, `the sweep had sockets open before the interrupt (saw ${peak})`);
    // The healthy and OpenSSH-only targets finish within a second or two; the silent ones
    // need the whole 8 s timeout, so they are still running at the interrupt.
    await new Promise((r) => setTimeout(r, Math.max(0, 3000 - (Date.now() - spawned))));
    const kids = childPids(child.pid!);
    const t0 = Date.now();
    child.kill('SIGINT');
    const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 6000))]);
    if (code === 'hung') child.kill('SIGKILL');
    // The process ends by itself only when nothing is left open: no socket, timer or child.
    assert.equal(code, 2, `exit 2 on a cancel, without being killed\n${stdout}\n${stderr}`);
    assert.ok(Date.now() - t0 < 6000);
    assert.match(stdout, /✓ OK \(4\)/, stdout);
    assert.match(stdout, /Not finished \(4\): cancelled before a verdict/);
    for (const a of silent) assert.ok(stdout.includes(a), `${a} is listed as not finished`);
    assert.match(stderr, /cancelled \(4 of 8 targets finished\)/);
    const alive = kids.filter((p) => { try { process.kill(p, 0); return true; } catch { return false; } });
    assert.deepEqual(alive, [], 'no child process outlives the sweep');
  });

  it('a Tencent sweep reads every instance of the region and each security group, subnet and ACL once', async () => {
    const healthy = hosts.get('healthy')!;
    const filtered = hosts.get('filtered')!;
    const fx = defaultTencentFixture();
    fx.instances = [];
    addLabNetwork(fx, '10.213.255.254');
    healthy.ipv4All.slice(0, 4).forEach((a, i) => fx.instances.push(labInstance(`ins-labswok${i}`, healthy, { PublicIpAddresses: [a] })));
    filtered.ipv4All.slice(0, 2).forEach((a, i) => fx.instances.push(labInstance(`ins-labswsg${i}`, filtered, { PublicIpAddresses: [a], SecurityGroupIds: ['sg-labweb'] })));
    fx.instances.push(labInstance('ins-labswnoip', healthy, { PublicIpAddresses: [], PrivateIpAddresses: [] }));
    const ep = await startTencentEndpoint(fx);
    try {
      const r = await runCli(['sweep', '--tencent-region', REGION, '--timeout', String(LAB_TIMEOUT_MS), '--alt-ports', 'none', '--json'], {
        env: { TENCENTCLOUD_SECRET_ID: ep.secretId, TENCENTCLOUD_SECRET_KEY: ep.secretKey, TENCENTCLOUD_ENDPOINT: ep.url, CVM_DOCTOR_CALLER_IP: healthy.rootIpv4 },
        timeoutMs: 60_000,
      });
      assert.equal(r.code, 1, r.stderr);
      const lines = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Report & { error?: string });
      const byId = new Map(lines.map((l) => [l.target.cloud?.instanceId ?? l.target.name, l]));
      for (let i = 0; i < 4; i++) assert.equal(byId.get(`ins-labswok${i}`)?.verdict.code, 'OK');
      for (let i = 0; i < 2; i++) assert.equal(byId.get(`ins-labswsg${i}`)?.verdict.code, 'SECURITY_GROUP_BLOCKS');
      const noIp = lines.find((l) => l.error);
      assert.match(String(noIp?.target.name), /ins-labswnoip/);
      const count = (action: string, key?: (p: Record<string, unknown>) => unknown) => {
        const seen = new Map<string, number>();
        for (const q of ep.requests.filter((x) => x.action === action)) { const k = JSON.stringify(key ? key(q.params) : q.params); seen.set(k, (seen.get(k) ?? 0) + 1); }
        return seen;
      };
      const sg = count('DescribeSecurityGroupPolicies', (p) => p.SecurityGroupId);
      assert.deepEqual([...sg.entries()].sort(), [['"sg-labopen"', 1], ['"sg-labweb"', 1]], 'each group read once for seven instances');
      assert.ok([...count('DescribeSubnets').values()].every((n) => n === 1));
      assert.ok([...count('DescribeNetworkAcls').values()].every((n) => n === 1));
      assert.ok(ep.requests.filter((x) => x.action === 'DescribeInstances').length >= 7, 'instance state is read per instance, never shared');
    } finally {
      await ep.close();
    }
  });
});
