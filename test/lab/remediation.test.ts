/**
 * (lab) Advice that holds on real hosts: a guest reject rule with sshd running reads as
 * PORT_CLOSED and its remediation leads to the rule; a stopped Debian ssh without /run/sshd is
 * reported by the real guest script as stopped, not as an invalid configuration, and the
 * commands the report tells a person to run work there; the cloud's view does not outrank what
 * the probes saw (SSH on another port), and an unknown caller is not told "blocked" when a
 * rule for some sources may accept it.
 *
 * The "guest" of the stopped-ssh test is a lab namespace with a process view and mounts of its
 * own (unshare -p -m, NOTES.md): a private tmpfs on /run (so no /run/sshd, while the machine's
 * own /run/sshd that lab sshds use is untouched) and its own /etc/ssh bound over the machine's.
 * A `sudo` that only runs its arguments stands in for the real one (we are root; this machine
 * has none), so the commands run exactly as the report prints them.
 */
import * as assert from 'assert/strict';
import { ChildProcess, execFile, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { createTencentInspector } from '../../src/cloud';
import { parseGuestOutput } from '../../src/cloud/guestScript';
import { diagnose } from '../../src/core/diagnose';
import type { Report } from '../../src/core/model';
import { createProbes } from '../../src/probes';
import { openPortCandidate } from '../../src/cloud/openPortPlan';
import { createLab, LAB_USER, type Lab, type LabHost, labUnavailableReason, xrdpUnavailableReason } from '../support/lab';
import { addLabNetwork, labInstance } from '../support/labCloud';
import { labTarget } from '../support/labEngine';
import { check, evidenceField } from '../support/labScenarios';
import { buildGuestScript } from '../../src/cloud/guestScript';
import { defaultTencentFixture, REGION, startTencentEndpoint, type TencentEndpoint } from '../support/tencentEndpoint';

function run(cmd: string, args: string[], timeoutMs = 15_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A shell for the commands a report tells a person to run, with the `sudo` stand-in first in PATH. */
function shellEnv(shimDir: string): string[] {
  return ['env', '-i', `PATH=${shimDir}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`, 'LC_ALL=C', 'sh', '-c'];
}

/** A guest: the lab host's network, a process view and mounts of its own (see the header). */
interface Guest {
  /** argv prefix that runs a command inside the guest. */
  enter: string[];
  holder: ChildProcess;
  stop(): void;
}

async function startGuest(h: LabHost, etcSsh: string): Promise<Guest> {
  const holder = spawn('ip', ['netns', 'exec', h.ns, 'unshare', '-p', '-f', '-m', '--mount-proc', '--propagation', 'private', 'sh', '-c',
    `mount -t tmpfs tmpfs /run && mount --bind ${etcSsh} /etc/ssh && echo ready && exec sleep 600`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  holder.stderr?.on('data', (d: Buffer) => { err += d; });
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`guest not ready in 5 s: ${err}`)), 5000);
    holder.stdout?.once('data', () => { clearTimeout(t); resolve(); });
    holder.once('exit', (c) => { clearTimeout(t); reject(new Error(`guest exited ${c}: ${err}`)); });
  });
  // The guest's init (pid 1 inside) is unshare's child: its pid here is what nsenter needs.
  let init = '';
  for (let i = 0; i < 50 && !init; i++) {
    init = fs.readFileSync(`/proc/${holder.pid}/task/${holder.pid}/children`, 'utf8').trim().split(/\s+/)[0] ?? '';
    if (!init) await sleep(20);
  }
  assert.ok(init, 'no guest init process');
  return {
    enter: ['nsenter', '-t', init, '-n', '-p', '-m', '--'],
    holder,
    stop: () => { try { process.kill(Number(init), 'SIGKILL'); } catch { /* gone */ } holder.kill('SIGKILL'); },
  };
}

describe('(lab) remediation that holds on real hosts', function () {
  this.timeout(90_000);
  let lab: Lab | undefined;
  let ep: TencentEndpoint | undefined;
  let shim = '';

  before(async function () {
    const reason = labUnavailableReason() ?? (['/usr/bin/unshare', '/usr/bin/nsenter'].find((t) => !fs.existsSync(t)) ? 'unshare/nsenter missing (util-linux)' : undefined);
    if (reason) {
      console.log(`    SKIPPED remediation lab tests: ${reason}`);
      this.skip();
    }
    lab = await createLab();
    shim = path.join(lab.dir, 'shim');
    fs.mkdirSync(shim);
    fs.writeFileSync(path.join(shim, 'sudo'), '#!/bin/sh\nexec "$@"\n', { mode: 0o755 });
  });

  after(async () => {
    await ep?.close();
    await lab?.destroy();
  });

  const remediationText = (r: Report) => r.verdict.remediation.map((s) => `${s.text}\n${s.command ?? ''}`).join('\n');

  for (const [label, rule] of [
    ['tcp reset', 'tcp dport 22 reject with tcp reset'],
    // nft's default reject is ICMP port-unreachable, which the kernel reports as ECONNREFUSED.
    ['ICMP port-unreachable', 'tcp dport 22 reject'],
  ] as const) {
    it(`sshd running behind an nft "${rule}" rule (${label}) → PORT_CLOSED whose remediation leads to the rule`, async () => {
      const h = await lab!.addHost({ label: `reject-${label.replace(/\W+/g, '-')}`, sshd: {}, nft: rule });
      const r = await diagnose(labTarget(h.ipv4), { probes: createProbes() });
      assert.equal(r.verdict.code, 'PORT_CLOSED', JSON.stringify(r.checks));
      assert.equal(evidenceField(check(r, 'tcp'), 'outcome'), 'refused');
      assert.match(r.verdict.summary, /a firewall rule rejects the connection/);
      const all = remediationText(r);
      assert.match(all, /looks exactly like a closed port/);
      // The firewall check a person is told to run on the Debian/Ubuntu guest finds the rule.
      const step = r.verdict.remediation.find((s) => s.text.startsWith('[Debian/Ubuntu] ') && s.command?.includes('grep -in reject'));
      assert.ok(step?.command, all);
      const out = await run('ip', ['netns', 'exec', h.ns, ...shellEnv(shim), step.command]);
      assert.match(out.stdout, new RegExp(`\\d+:\\s+${rule.replace(/ /g, '\\s+')}`), `the told command did not show the rule:\n${out.stdout}\n${out.stderr}`);
    });
  }

  it('a stopped ssh without /run/sshd: the real guest script says stopped (config valid), the report gives the Debian commands, and they work', async () => {
    const h = await lab!.addHost({ label: 'guest-stopped-ssh' });
    // The guest's /etc/ssh: a Debian-like configuration that is valid.
    const etc = path.join(lab!.dir, 'guest-etc-ssh');
    fs.mkdirSync(etc);
    assert.equal((await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', path.join(etc, 'ssh_host_ed25519_key')])).code, 0);
    const authKeys = path.join(lab!.dir, 'guest_authorized_keys');
    fs.writeFileSync(authKeys, `${lab!.clientPublicKey}\n`, { mode: 0o644 });
    fs.writeFileSync(path.join(etc, 'sshd_config'), [
      'Port 22', 'HostKey /etc/ssh/ssh_host_ed25519_key', 'UsePAM no', 'StrictModes no', `AuthorizedKeysFile ${authKeys}`,
      'PasswordAuthentication no', 'KbdInteractiveAuthentication no', `AllowUsers ${LAB_USER}`, 'PermitRootLogin no', '',
    ].join('\n'));
    const machineRunSshd = fs.statSync('/run/sshd', { throwIfNoEntry: false });
    const guest = await startGuest(h, etc);
    try {
      // The guest sees neither the machine's /run/sshd nor its processes.
      assert.equal((await run(guest.enter[0]!, [...guest.enter.slice(1), 'test', '-e', '/run/sshd'])).code, 1, 'the guest has a /run/sshd');
      assert.equal((await run(guest.enter[0]!, [...guest.enter.slice(1), 'pgrep', '-x', 'sshd'])).code, 1, 'the guest sees an sshd');

      const script = path.join(lab!.dir, 'guest-check.sh');
      fs.writeFileSync(script, buildGuestScript(22), { mode: 0o600 });
      const first = await run(guest.enter[0]!, [...guest.enter.slice(1), 'sh', script], 30_000);
      const g = parseGuestOutput(first.stdout, 22);
      assert.deepEqual([g.serviceActive, g.listeningPorts, g.configTest?.ok, g.configTest?.stopped], [false, [], true, true], first.stdout);
      assert.match(g.configTest!.output, /^Missing privilege separation directory: \/run\/sshd$/m);
      assert.equal(g.os?.id, parseOsId(), 'the guest\'s /etc/os-release');

      // The whole diagnosis, the cloud answering with that output: SSHD_NOT_RUNNING, no
      // SSHD_CONFIG_INVALID, and the Debian commands (unit ssh, /run/sshd before sshd -t).
      const fx = defaultTencentFixture();
      addLabNetwork(fx, '10.213.255.254');
      fx.instances.push(labInstance('ins-labstopssh', h));
      fx.guests['ins-labstopssh'] = { agent: 'online', output: first.stdout, pollsBeforeDone: 1 };
      ep = await startTencentEndpoint(fx);
      const r = await diagnose(labTarget(h.ipv4, { cloud: { instanceId: 'ins-labstopssh', region: REGION } }), {
        probes: createProbes(), guestChecks: true,
        cloud: createTencentInspector({ endpoint: ep.url, secretId: ep.secretId, secretKey: ep.secretKey, callerIp: h.rootIpv4, pollIntervalMs: 20, timeoutMs: 5000 }),
      });
      assert.equal(r.verdict.code, 'SSHD_NOT_RUNNING', JSON.stringify(r.checks));
      assert.ok(!r.findings.some((f) => f.code === 'SSHD_CONFIG_INVALID'), JSON.stringify(r.findings));
      assert.match(check(r, 'cloud.guest').summary, /configuration is valid; ssh is stopped/);
      const cmds = r.verdict.remediation.map((s) => s.command ?? '');
      assert.equal(cmds[0], 'sudo systemctl enable --now ssh');
      const validate = cmds.find((c) => c.startsWith('sudo mkdir -p /run/sshd && sudo sshd -t'));
      assert.ok(validate, cmds.join('\n'));
      assert.ok(r.verdict.remediation.every((s) => !s.command || s.text.startsWith('[Debian/Ubuntu] ')), remediationText(r));
      assert.doesNotMatch(cmds.join('\n'), /systemctl \S+ sshd|-u sshd\b|Get-Service/);

      // Without the directory the check fails exactly as the guest script saw; the command
      // we print creates it first and passes.
      const sh = (cmd: string) => run(guest.enter[0]!, [...guest.enter.slice(1), ...shellEnv(shim), cmd]);
      const bare = await sh('sudo sshd -t');
      assert.deepEqual([bare.code, bare.stderr.trim()], [255, 'Missing privilege separation directory: /run/sshd']);
      const told = await sh(validate.split(';')[0]!);
      assert.equal(told.code, 0, told.stderr);

      // Started (systemctl's part: this machine has no systemd), the guest script sees it run.
      assert.equal((await run(guest.enter[0]!, [...guest.enter.slice(1), '/usr/sbin/sshd'])).code, 0);
      let again = parseGuestOutput('', 22);
      for (let i = 0; i < 100; i++) {
        again = parseGuestOutput((await run(guest.enter[0]!, [...guest.enter.slice(1), 'sh', script], 30_000)).stdout, 22);
        if (again.listeningPorts?.includes(22)) break;
        await sleep(50);
      }
      assert.deepEqual([again.serviceActive, again.listeningPorts, again.configTest?.ok, again.configTest?.stopped], [true, [22], true, undefined]);
      const kh = lab!.writeKnownHosts([`${h.ipv4} ${fs.readFileSync(path.join(etc, 'ssh_host_ed25519_key.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ')}`]);
      const ok = await diagnose(labTarget(h.ipv4, { knownHostsPath: kh }), { probes: createProbes() });
      assert.equal(ok.verdict.code, 'OK', JSON.stringify(ok.checks));
    } finally {
      guest.stop();
    }
    // The machine's own privilege-separation directory is as it was.
    assert.deepEqual(!!fs.statSync('/run/sshd', { throwIfNoEntry: false }), !!machineRunSshd);
  });

  it('xrdp, which does not require NLA: the probe offers TLS only, xrdp selects it, and no RDP_NLA_REQUIRED', async function () {
    const why = xrdpUnavailableReason();
    if (why) {
      console.log(`      SKIPPED: ${why}`);
      this.skip();
    }
    const h = await lab!.addHost({ label: 'xrdp-nla', xrdp: { port: 3389 } });
    const r = await diagnose(labTarget(h.ipv4, { port: 3389, protocol: 'rdp', altPorts: [] }), { probes: createProbes() });
    assert.equal(r.verdict.code, 'OK', JSON.stringify(r.checks));
    assert.deepEqual([evidenceField(check(r, 'rdp'), 'selectedProtocol'), evidenceField(check(r, 'rdp'), 'failure')], ['tls', undefined]);
    assert.ok(!r.findings.some((f) => f.code === 'RDP_NLA_REQUIRED'));
  });

  describe('the cloud\'s view against what the probes saw', () => {
    let moved: LabHost;
    let filtered: LabHost;
    let cloudEp: TencentEndpoint;

    before(async () => {
      [moved, filtered] = await Promise.all([
        lab!.addHost({ label: 'sg-moved', sshd: { ports: [2222] }, nft: 'tcp dport 22 drop' }),
        lab!.addHost({ label: 'sg-office', sshd: {}, nft: 'tcp dport 22 drop' }),
      ]);
      const fx = defaultTencentFixture();
      addLabNetwork(fx, '10.213.255.254');
      Object.assign(fx.securityGroups, {
        // Drops 22 from everyone; 2222 is open.
        'sg-lab22drop': { version: 1, ingress: [
          { Protocol: 'TCP', Port: '22', CidrBlock: '0.0.0.0/0', Action: 'DROP' },
          { Protocol: 'TCP', Port: '2222', CidrBlock: '0.0.0.0/0', Action: 'ACCEPT' },
          { Protocol: 'ICMP', Port: 'ALL', CidrBlock: '0.0.0.0/0', Action: 'ACCEPT' },
        ], egress: [] },
        // SSH from an office range only (documentation addresses: never a socket target).
        'sg-laboffice': { version: 1, ingress: [
          { Protocol: 'TCP', Port: '22', CidrBlock: '198.51.100.0/24', Action: 'ACCEPT', PolicyDescription: 'office' },
          { Protocol: 'ICMP', Port: 'ALL', CidrBlock: '0.0.0.0/0', Action: 'ACCEPT' },
        ], egress: [] },
      });
      fx.instances.push(
        labInstance('ins-labmoved1', moved, { SecurityGroupIds: ['sg-lab22drop'] }),
        labInstance('ins-laboffice1', filtered, { SecurityGroupIds: ['sg-laboffice'] }),
      );
      cloudEp = await startTencentEndpoint(fx);
    });
    after(async () => { await cloudEp?.close(); });

    const diagnoseWith = (h: LabHost, instanceId: string, callerIp?: string) => diagnose(labTarget(h.ipv4, { cloud: { instanceId, region: REGION } }), {
      probes: createProbes(),
      cloud: createTencentInspector({ endpoint: cloudEp.url, secretId: cloudEp.secretId, secretKey: cloudEp.secretKey, callerIp, pollIntervalMs: 20, timeoutMs: 5000 }),
    });

    it('SSH answers on 2222 while a group drops 22 → SERVICE_ON_OTHER_PORT, and no open-port fix is offered', async () => {
      const r = await diagnoseWith(moved, 'ins-labmoved1', moved.rootIpv4);
      assert.equal(r.verdict.code, 'SERVICE_ON_OTHER_PORT', JSON.stringify(r.checks));
      assert.equal(evidenceField(check(r, 'cloud.securityGroups'), 'verdict'), 'deny');
      assert.ok(r.verdict.remediation.some((s) => s.command === `ssh -p 2222 -l root ${moved.ipv4}`));
      assert.equal(openPortCandidate(r), undefined);
    });

    it('caller unknown, the group accepts an office /24 only → not SECURITY_GROUP_BLOCKS: the probe\'s PORT_FILTERED with "unless your address is in …"', async () => {
      const r = await diagnoseWith(filtered, 'ins-laboffice1');
      assert.equal(r.verdict.code, 'PORT_FILTERED', JSON.stringify(r.checks));
      const f = r.findings.find((x) => x.code === 'SECURITY_GROUP_MAY_BLOCK');
      assert.equal(f?.message, 'Your address is unknown: the security groups drop TCP 22 unless your address is in 198.51.100.0/24.');
      assert.equal(check(r, 'cloud.securityGroups').status, 'warn');
      // With the real caller known (outside the office), the groups do block it.
      const known = await diagnoseWith(filtered, 'ins-laboffice1', filtered.rootIpv4);
      assert.equal(known.verdict.code, 'SECURITY_GROUP_BLOCKS');
    });
  });
});

/** The ID in this machine's /etc/os-release (what the guest shares with it). */
function parseOsId(): string | undefined {
  const m = /^ID=("?)([^"\n]+)\1$/m.exec(fs.readFileSync('/etc/os-release', 'utf8'));
  return m?.[2];
}
