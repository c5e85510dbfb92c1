/**
 * The lab fixture itself, checked with standard tools only (no engine): each host must really
 * be broken the way its scenario claims, and teardown must leave nothing behind. If these
 * fail, a failing engine test says nothing about the engine.
 */
import * as assert from 'assert/strict';
import { execFile, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { createLab, Lab, LabHost, labUnavailableReason } from '../support/lab';

interface ConnectOutcome { outcome: 'connected' | 'timeout' | 'error'; code?: string; firstBytes?: string }

/** A telnet-style connect to a lab address, bounded by timeoutMs. */
function connect(host: string, port: number, timeoutMs: number): Promise<ConnectOutcome> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    let done = false;
    const finish = (o: ConnectOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => finish({ outcome: 'timeout' }), timeoutMs);
    s.once('connect', () => {
      // Give a speaking server a moment to say its first line.
      setTimeout(() => finish({ outcome: 'connected' }), 300);
      s.once('data', (d) => finish({ outcome: 'connected', firstBytes: d.toString('latin1') }));
    });
    s.once('error', (e: NodeJS.ErrnoException) => finish({ outcome: 'error', code: e.code }));
  });
}

function tool(cmd: string, args: string[], timeoutMs = 8000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const ping = (addr: string) => tool('ping', ['-n', '-c', '1', '-W', '1', addr]);

describe('(lab) fixture: hosts are broken as claimed', function () {
  this.timeout(60_000);
  let lab: Lab | undefined;
  let healthy: LabHost, dropped: LabHost, rejected: LabHost, unreachable: LabHost, empty: LabHost, greeting: LabHost, routed: LabHost;

  before(async function () {
    const reason = labUnavailableReason();
    if (reason) {
      console.log(`    SKIPPED lab fixture tests: ${reason}`);
      this.skip();
    }
    lab = await createLab();
    [healthy, dropped, rejected, unreachable, empty, greeting, routed] = await Promise.all([
      lab.addHost({ label: 'healthy', sshd: {} }),
      lab.addHost({ label: 'dropped', sshd: {}, nft: 'tcp dport 22 drop' }),
      lab.addHost({ label: 'rejected', sshd: {}, nft: 'tcp dport 22 reject with icmpx type admin-prohibited' }),
      lab.addHost({ label: 'unreachable', nft: 'meta nfproto ipv4 reject with icmp type host-unreachable' }),
      lab.addHost({ label: 'empty' }),
      lab.addHost({ label: 'greeting', servers: [{ kind: 'greeting', port: 22 }] }),
      lab.addHost({ label: 'routed', routedAddress: true }),
    ]);
  });

  after(async () => {
    await lab?.destroy();
  });

  it('healthy: OpenSSH accepts the lab key over IPv4 and IPv6 with a strict known_hosts', async () => {
    const kh = lab!.writeKnownHosts([healthy.knownHostsLine]);
    for (const addr of [healthy.ipv4, healthy.ipv6]) {
      const r = await tool('ssh', ['-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${kh}`,
        '-o', 'ConnectTimeout=3', '-o', 'IdentitiesOnly=yes', '-i', lab!.clientKeyPath, '-l', lab!.user, addr, 'true']);
      // The lab user's shell is nologin: authentication succeeds, the session exits 1. 255 = ssh failed.
      assert.notEqual(r.code, 255, `ssh to ${addr} failed: ${r.stderr}\n${healthy.log()}`);
    }
    assert.match(healthy.log(), /Accepted publickey for cvmdlab/);
  });

  it('dropped: ping replies, the SSH port times out', async () => {
    assert.equal((await ping(dropped.ipv4)).code, 0);
    assert.equal((await connect(dropped.ipv4, 22, 1000)).outcome, 'timeout');
  });

  it('rejected: ping replies, the SSH port gets admin-prohibited (EHOSTUNREACH)', async () => {
    assert.equal((await ping(rejected.ipv4)).code, 0);
    assert.deepEqual(await connect(rejected.ipv4, 22, 1000), { outcome: 'error', code: 'EHOSTUNREACH' });
  });

  it('unreachable: ping and port both get host-unreachable', async () => {
    const p = await ping(unreachable.ipv4);
    assert.notEqual(p.code, 0);
    assert.match(p.stdout, /Destination Host Unreachable/i);
    assert.deepEqual(await connect(unreachable.ipv4, 22, 1000), { outcome: 'error', code: 'EHOSTUNREACH' });
  });

  it('empty: the port refuses (RST)', async () => {
    assert.deepEqual(await connect(empty.ipv4, 22, 1000), { outcome: 'error', code: 'ECONNREFUSED' });
  });

  it('greeting: a non-SSH service speaks first', async () => {
    const r = await connect(greeting.ipv4, 22, 1000);
    assert.equal(r.outcome, 'connected');
    assert.match(r.firstBytes ?? '', /^220 /);
  });

  it('routed: the host answers for the address behind it with host-unreachable from its own address', async () => {
    const addr = routed.routedIpv4!;
    assert.ok(addr.startsWith('10.213.') && addr !== routed.ipv4);
    const { stdout: route } = await tool('ip', ['route', 'get', addr]);
    assert.match(route, new RegExp(`via ${routed.ipv4.replace(/\./g, '\\.')} dev cvmdv`), route);
    for (let i = 0; i < 3; i++) {
      const p = await ping(addr);
      assert.match(p.stdout, new RegExp(`From ${routed.ipv4.replace(/\./g, '\\.')} icmp_seq=1 Destination Host Unreachable`), p.stdout);
    }
    const r = await connect(addr, 22, 3000);
    assert.equal(r.code, 'EHOSTUNREACH');
  });

  it('teardown removes every namespace, veth and process of the lab', async () => {
    const routedRoute = `${routed.routedIpv4}/32`;
    const mine = [healthy, dropped, rejected, unreachable, empty, greeting, routed].map((h) => h.ns);
    await lab!.destroy();
    lab = undefined;
    const { stdout: nsList } = await tool('ip', ['netns', 'list']);
    for (const ns of mine) assert.doesNotMatch(nsList, new RegExp(`^${ns}\\b`, 'm'), `namespace ${ns} left behind`);
    const { stdout: links } = await tool('ip', ['-o', 'link', 'show']);
    // Slots are shared with concurrent runs, so veths are recognised by their alias (= our namespace).
    for (const ns of mine) assert.doesNotMatch(links, new RegExp(`alias ${ns}\\b`), `veth of ${ns} left behind`);
    // No traffic to the old addresses here: without the veth, they would route off the machine.
    const { stdout: routes } = await tool('ip', ['route', 'show', routedRoute]);
    assert.equal(routes.trim(), '', 'the route to the routed address outlived its veth');
    const { stdout: ps } = await tool('ps', ['-eo', 'args']);
    assert.doesNotMatch(ps, new RegExp(`ip netns exec (${mine.join('|')})\b`), 'a lab process survived');
  });

  it('a crashed run (SIGKILL) is swept by the next createLab: namespace, sshd and slot gone', async () => {
    const labModule = path.join(__dirname, '..', 'support', 'lab.js');
    const script = `require(${JSON.stringify(labModule)}).createLab().then((l) => l.addHost({ sshd: {} }))
      .then((h) => { console.log(h.ns); setInterval(() => {}, 1000); })`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const ns = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error('crashing run never built its host')); }, 15_000);
      child.stdout.once('data', (d: Buffer) => { clearTimeout(timer); resolve(d.toString().trim()); });
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const pidsBefore = (await tool('ip', ['netns', 'pids', ns])).stdout.split(/\s+/).filter(Boolean);
    assert.ok(pidsBefore.length > 0, 'the crashed run should have left its sshd behind (the case the sweep exists for)');
    const next = await createLab();
    await next.destroy();
    assert.doesNotMatch((await tool('ip', ['netns', 'list'])).stdout, new RegExp(`^${ns}\\b`, 'm'));
    const slotOwners = fs.readdirSync('/run/cvmd-lab').filter((f) => f.startsWith('slot-')).map((f) => fs.readFileSync(`/run/cvmd-lab/${f}`, 'utf8').trim());
    assert.ok(!slotOwners.includes(String(child.pid)), 'the crashed run still holds an address slot');
    // SIGKILLed processes are reaped by init asynchronously: allow a bounded moment.
    const deadline = Date.now() + 2000;
    while (Date.now() < deadline && pidsBefore.some((p) => pidAlive(Number(p)))) await new Promise((r) => setTimeout(r, 50));
    for (const pid of pidsBefore) assert.equal(pidAlive(Number(pid)), false, `process ${pid} of the crashed run survived`);
  });
});

/** Alive and not a zombie (a zombie holds nothing but its pid). */
function pidAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
