/**
 * (lab) An overloaded instance: a lab host whose sshd runs in a CPU-throttled cgroup beside a
 * bounded busy loop. The throttle is the kernel's CFS quota (cgroup v1 `cpu.cfs_quota_us` on
 * this machine; cgroup v2's `cpu.max` does the same): sshd's children inherit the cgroup, so
 * each new connection's sshd needs seconds of wall time for a few milliseconds of CPU and the
 * banner does not come in time — what an instance whose CPU is taken by a runaway process
 * shows. The throttled, runnable tasks are counted by PSI (/proc/pressure/cpu "some"), which
 * the real guest script reads (loadavg does not count them: a throttled task is off the run
 * queue — and it is machine-wide anyway). The TAT answer is the real script run in the host's
 * namespace (labCloud.ts). The busy loop is killed after 60 s at the latest and in the after
 * hook; the cgroup is removed there too.
 */
import * as assert from 'assert/strict';
import { type ChildProcess, execFile, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { createTencentInspector } from '../../src/cloud';
import { diagnose } from '../../src/core/diagnose';
import { createProbes } from '../../src/probes';
import { createLab, type Lab, type LabHost, labUnavailableReason } from '../support/lab';
import { labGuest, labInstance, addLabNetwork } from '../support/labCloud';
import { labTarget } from '../support/labEngine';
import { defaultTencentFixture, REGION, startTencentEndpoint, type TencentEndpoint } from '../support/tencentEndpoint';

const CPU_ROOT = '/sys/fs/cgroup/cpu';
/** Where the cpu hierarchy is mounted for this test when /sys has none: `ip netns exec` (the
 *  egress audit runs the whole suite that way) mounts a fresh sysfs without the cgroup mounts,
 *  in a mount namespace of its own, so mounting the same v1 hierarchy again there is private to
 *  the suite's process and its children, and it is unmounted in the after hook. */
const PRIVATE_CPU_ROOT = `/tmp/cvmd-cgroup-cpu-${process.pid}`;

/** The cgroup v1 cpu hierarchy's root: the machine's, else one this test mounts. */
function cpuRoot(): { dir: string; mounted: boolean } | undefined {
  if (fs.existsSync(path.join(CPU_ROOT, 'cpu.cfs_quota_us'))) return { dir: CPU_ROOT, mounted: false };
  if (!fs.readFileSync('/proc/cgroups', 'utf8').split('\n').some((l) => /^cpu\s+\d+\s+\d+\s+1$/.test(l))) return undefined;
  fs.mkdirSync(PRIVATE_CPU_ROOT, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'cgroup', '-o', 'cpu', 'cgroup', PRIVATE_CPU_ROOT], { stdio: 'pipe', timeout: 10_000 });
  } catch {
    fs.rmdirSync(PRIVATE_CPU_ROOT);
    return undefined;
  }
  return fs.existsSync(path.join(PRIVATE_CPU_ROOT, 'cpu.cfs_quota_us')) ? { dir: PRIVATE_CPU_ROOT, mounted: true } : undefined;
}
const BUSY_MAX_MS = 60_000;

function pidsIn(ns: string): Promise<number[]> {
  return new Promise((resolve) => execFile('ip', ['netns', 'pids', ns], { timeout: 5000 }, (err, out) => resolve(err ? [] : out.split(/\s+/).filter(Boolean).map(Number))));
}
const comm = (pid: number) => { try { return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim(); } catch { return ''; } };

describe('(lab) an overloaded instance: throttled sshd, PSI from the guest', function () {
  this.timeout(120_000);
  let lab: Lab | undefined;
  let ep: TencentEndpoint | undefined;
  let host: LabHost;
  let cg: string | undefined;
  let root: ReturnType<typeof cpuRoot>;
  const busy: ChildProcess[] = [];

  before(async function () {
    const unavailable = labUnavailableReason();
    root = unavailable ? undefined : cpuRoot();
    const reason = unavailable ?? (root ? undefined : 'no cgroup v1 cpu controller here');
    if (reason) {
      console.log(`    SKIPPED instance health lab: ${reason}`);
      this.skip();
    }
    lab = await createLab();
    host = await lab.addHost({ label: 'health-busy', sshd: {} });
    cg = path.join(root!.dir, `cvmd-${process.pid}-busy`);
    fs.mkdirSync(cg);
    fs.writeFileSync(path.join(cg, 'cpu.cfs_period_us'), '100000');
    // 1% of one CPU for everything in the group: sshd, its children, the busy loop.
    fs.writeFileSync(path.join(cg, 'cpu.cfs_quota_us'), '1000');
    const sshd = (await pidsIn(host.ns)).filter((p) => comm(p) === 'sshd');
    assert.ok(sshd.length > 0, 'the lab host runs sshd');
    for (const p of sshd) fs.writeFileSync(path.join(cg, 'cgroup.procs'), String(p));
    for (let i = 0; i < 2; i++) {
      const c = spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' });
      busy.push(c);
      fs.writeFileSync(path.join(cg, 'cgroup.procs'), String(c.pid));
      setTimeout(() => c.kill('SIGKILL'), BUSY_MAX_MS).unref();
    }
    // PSI's avg10 is a 10-second average: let it see the stall.
    await new Promise((r) => setTimeout(r, 11_000));
  });

  after(async () => {
    for (const c of busy) c.kill('SIGKILL');
    await ep?.close();
    await lab?.destroy();
    if (cg) {
      for (let i = 0; i < 50 && fs.existsSync(cg); i++) {
        try { fs.rmdirSync(cg); } catch { await new Promise((r) => setTimeout(r, 100)); }
      }
    }
    if (root?.mounted) {
      execFileSync('umount', [root.dir], { stdio: 'pipe', timeout: 10_000 });
      fs.rmdirSync(root.dir);
    }
  });

  it('no banner in time, PSI shows tasks waiting for the CPU → INSTANCE_OVERLOADED naming the busy process', async () => {
    const g = await labGuest(host, lab!);
    const psi = /^psi cpu some avg10=([\d.]+)/m.exec(g.output);
    assert.ok(psi && Number(psi[1]) >= 50, `the guest script reads PSI cpu some avg10 >= 50: ${psi?.[0] ?? 'no PSI line'}`);
    const fx = defaultTencentFixture();
    addLabNetwork(fx, '10.213.255.254');
    fx.instances.push(labInstance('ins-labbusy01', host));
    fx.guests['ins-labbusy01'] = { agent: 'online', output: g.output, pollsBeforeDone: 1 };
    ep = await startTencentEndpoint(fx);
    const report = await diagnose(labTarget(host.ipv4, { cloud: { instanceId: 'ins-labbusy01', region: REGION } }), {
      probes: createProbes(),
      cloud: createTencentInspector({ endpoint: ep.url, secretId: ep.secretId, secretKey: ep.secretKey, callerIp: host.rootIpv4, pollIntervalMs: 20, timeoutMs: 5000 }),
      guestChecks: true,
    });
    const why = `${report.verdict.code}: ${report.verdict.summary}\n${report.checks.map((c) => `${c.id}:${c.status} ${c.summary}`).join('\n')}`;
    assert.equal(report.checks.find((c) => c.id === 'banner')?.status, 'fail', why);
    assert.equal(report.verdict.code, 'INSTANCE_OVERLOADED', why);
    assert.match(report.verdict.summary, /tasks waited for a CPU \d+(\.\d+)?% of the last 10 s \(PSI\)/);
    const health = report.checks.find((c) => c.id === 'cloud.health');
    assert.equal(health?.status, 'fail', why);
    // Remediation names a process from the guest's own top list, with the commands for it.
    const steps = report.verdict.remediation.map((s) => `${s.text} ${s.command ?? ''}`).join('\n');
    assert.match(steps, /CVM Doctor saw .+ \(PID \d+, [\d.]+% CPU/);
    assert.match(steps, /ps -eo pid,user,pcpu,pmem,rss,comm --sort=-pcpu \| head -n 15/);
  });
});

/**
 * (lab) A full home that makes the login fail, with OpenSSH 9.2 here. sshd itself writes
 * nothing to the home (without PAM a full home only breaks what runs after the login: the VS
 * Code server's install, readiness.ts's DISK_FULL). With PAM (`UsePAM yes`, as every
 * Debian/Ubuntu/CentOS image ships it) and `pam_mkhomedir` in the session stack (images that
 * create a home at the first login: LDAP/SSSD users, provisioning), the first login of a user
 * whose home does not exist yet on a full /home fails: mkhomedir_helper cannot copy /etc/skel
 * (ENOSPC), pam_open_session() answers "Permission denied", and OpenSSH restricts the session
 * so every command ends with status 254 after "Unable to create and initialize directory". The
 * key is accepted; nothing runs. The guest is a lab host with its own mount namespace
 * (labGuest.ts): a 256 KB tmpfs on its /home, filled, and its own /etc/pam.d/sshd; the in-guest
 * script runs in that mount namespace (labCloud.ts guestMounts) and sees the full /home.
 */
describe('(lab) a full /home breaks the login (pam_mkhomedir) → DISK_FULL', function () {
  this.timeout(120_000);
  let lab: Lab | undefined;
  let ep: TencentEndpoint | undefined;
  let host: LabHost;

  before(async function () {
    const reason = labUnavailableReason() ?? (fs.existsSync('/usr/sbin/mkhomedir_helper') || fs.existsSync('/sbin/mkhomedir_helper') ? undefined : 'no pam_mkhomedir here');
    if (reason) {
      console.log(`    SKIPPED full-home lab: ${reason}`);
      this.skip();
    }
    lab = await createLab();
    host = await lab.addHost({ label: 'health-fullhome', sshd: { usePam: true }, guest: { homeTmpfsKb: 256, fillHome: true, mkhomedir: true } });
  });

  after(async () => {
    await ep?.close();
    await lab?.destroy();
  });

  it('the key is accepted, the session runs nothing, the guest shows /home full → DISK_FULL naming /home, with the commands', async () => {
    const g = await labGuest(host, lab!, { guestMounts: true });
    assert.match(g.output, /^path \/home\ncvmd-home\s+256\s+\d+\s+0\s+100% \/home$/m, 'the in-guest df sees the guest\'s own full /home');
    const fx = defaultTencentFixture();
    addLabNetwork(fx, '10.213.255.254');
    fx.instances.push(labInstance('ins-labfull01', host));
    fx.guests['ins-labfull01'] = { agent: 'online', output: g.output, pollsBeforeDone: 1 };
    ep = await startTencentEndpoint(fx);
    const kh = lab!.writeKnownHosts([host.knownHostsLine]);
    const report = await diagnose(labTarget(host.ipv4, { user: lab!.user, knownHostsPath: kh, vscodeServer: { downloadUrl: `http://${host.rootIpv4}:9/none` }, cloud: { instanceId: 'ins-labfull01', region: REGION } }), {
      probes: createProbes(), credentials: { identityFile: lab!.clientKeyPath },
      cloud: createTencentInspector({ endpoint: ep.url, secretId: ep.secretId, secretKey: ep.secretKey, callerIp: host.rootIpv4, pollIntervalMs: 20, timeoutMs: 5000 }),
      guestChecks: true,
    });
    const why = `${report.verdict.code}: ${report.verdict.summary}\n${report.checks.map((c) => `${c.id}:${c.status} ${c.summary}`).join('\n')}\n${host.log()}`;
    assert.match(host.log(), /PAM: pam_open_session\(\): Permission denied/, why);
    assert.equal(report.checks.find((c) => c.id === 'login')?.status, 'pass', why);
    const session = report.checks.find((c) => c.id === 'vscode.session');
    assert.equal(session?.status, 'warn', why);
    assert.match(session!.summary, /session runs no command \(exit status 254\): "Creating directory/);
    assert.equal(report.verdict.code, 'DISK_FULL', why);
    assert.equal(report.verdict.title, 'The instance\'s disk is full');
    assert.match(report.verdict.summary, /its session ran no command \(exit status 254: .*\/home has 0 KB free/);
    const cmds = report.verdict.remediation.map((s) => s.command ?? '').join('\n');
    assert.match(cmds, /du -xh --max-depth=1 \/home/);
    assert.match(cmds, /grep -ih "pam" \/var\/log\/auth\.log/);
  });
});

/** The read-only commands INSTANCE_OVERLOADED and the guest's DISK_FULL tell a person to run,
 *  run on this machine exactly as printed (we are root: `sudo` is dropped; this machine has no
 *  sudo and no systemd). Commands that change something (journal vacuum, package cache clean,
 *  kill) and systemd's own (`systemctl status`) are left out and listed. */
describe('(lab) the health remediation commands run here', () => {
  const WRITES = /--vacuum-size|apt-get clean|yum clean|zypper clean|\bkill\b/;
  const sh = (cmd: string) => new Promise<{ code: number; out: string }>((resolve) => {
    const c = spawn('sh', ['-c', cmd.replace(/\bsudo /g, '')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    c.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const t = setTimeout(() => c.kill('SIGKILL'), 20_000);
    c.on('close', (code) => { clearTimeout(t); resolve({ code: code ?? 1, out }); });
  });

  it('df, du (space and inodes), the kernel log, ps and ss: each runs and prints', async function () {
    this.timeout(60_000);
    const { buildVerdict } = await import('../../src/core/verdict');
    const base = {
      target: labTarget('10.213.0.2'), tcp: { outcome: 'connected' as const, address: '10.213.0.2', port: 22, deadlineMs: 1500, durationMs: 1 },
      banner: { outcome: 'closed' as const, durationMs: 1 },
    };
    const disk = (over: object) => ({ path: '/home', mount: '/home', filesystem: 'tmpfs', sizeKb: 256, usedKb: 256, availableKb: 0, ...over });
    const health = (h: object) => ({ ...base, cloud: { instanceId: 'ins-x', region: REGION, errors: [], durationMs: 1, instance: { state: 'RUNNING', publicIps: [], privateIps: [], securityGroupIds: [], osName: 'Debian 12', bandwidthOutMbps: 5 }, monitor: { namespace: 'QCE/CVM' as const, startTime: '', endTime: '', periodSec: 60, metrics: [{ metric: 'WanOuttraffic', points: 3, max: 5, unit: 'Mbps' }] }, guest: { agentOnline: true, health: h } } });
    const pid = process.pid;
    const verdicts = [
      buildVerdict('DISK_FULL', health({ disks: [disk({ inodes: { total: 64, free: 0 } }), disk({ path: '/', mount: '/', readOnly: true })] }), 'en'),
      buildVerdict('INSTANCE_OVERLOADED', health({ uptimeSec: 100, stealPct: 50, oomKills: [{ pid: 1, process: 'x', atSec: 90, line: '' }], top: { byCpu: [{ pid, cpuPct: 1, memPct: 1, rssKb: 1, command: 'node' }], byMemory: [] } }), 'en'),
    ];
    const commands = [...new Set(verdicts.flatMap((v) => v.remediation.map((s) => s.command).filter((c): c is string => !!c)))];
    const run = commands.flatMap((c) => c.split(/; (?=sudo journalctl --vacuum|systemctl status)/)).filter((c) => !WRITES.test(c) && !/^systemctl /.test(c));
    assert.ok(run.some((c) => c.startsWith('df -h / /var /home /tmp')) && run.some((c) => c.includes('du -xh --max-depth=1 /home')) && run.some((c) => c.includes('du -x --inodes')), run.join('\n'));
    for (const c of run) {
      const r = await sh(c);
      assert.equal(r.code, 0, `${c}\n${r.out}`);
      // dmesg greps may legitimately match nothing; every other command prints something.
      if (!/grep -iE? "/.test(c) && !/grep -E "Out of memory/.test(c)) assert.ok(r.out.trim().length > 0, `${c} printed nothing`);
    }
  });
});
