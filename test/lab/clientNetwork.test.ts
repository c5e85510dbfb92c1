/**
 * (lab) "Is it my network?" (issue 12) end to end: the built CLI and the local Tencent endpoint
 * inside the client namespace (no default route), a router namespace between it and the guest,
 * the fake TAT running the real in-guest script in the guest's namespace (routerLab.ts) while
 * the CLI keeps sending its SYNs, the caller's address configured to the client's own.
 */
import * as assert from 'assert/strict';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { LabHost } from '../support/lab';
import { labUnavailableReason } from '../support/lab';
import { addLabNetwork, labInstance } from '../support/labCloud';
import { cliUnavailableReason } from '../support/labEngine';
import { createRouterLab, type RouterLab } from '../support/routerLab';
import { assertReportSchema } from '../support/reportSchema';
import { defaultTencentFixture, REGION } from '../support/tencentEndpoint';

interface JsonReport {
  verdict: { code: string; title: string; summary: string; remediation: Array<{ text: string; command?: string }> };
  findings: Array<{ code: string; message: string }>;
  checks: Array<{ id: string; status: string; summary: string; evidence: Record<string, unknown> }>;
}

function run(cmd: string, args: string[], timeoutMs = 15_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('(lab) client network: whose network drops the SYNs', function () {
  this.timeout(180_000);
  let r: RouterLab | undefined;
  let guest: LabHost;
  let kh = '';
  let shim = '';

  before(async function () {
    const reason = labUnavailableReason() ?? cliUnavailableReason() ?? (fs.existsSync('/usr/bin/tcpdump') ? undefined : 'tcpdump is not installed (Debian package tcpdump)');
    if (reason) {
      console.log(`    SKIPPED client network lab tests: ${reason}`);
      this.skip();
    }
    r = await createRouterLab();
    guest = await r.addGuest({ label: 'cn-guest', sshd: {} });
    await r.assertIsolation();
    kh = r.lab.writeKnownHosts([guest.knownHostsLine]);
    shim = path.join(r.lab.dir, 'shim');
    fs.mkdirSync(shim);
    // We are root and this machine has no sudo: a stand-in that only runs its arguments.
    fs.writeFileSync(path.join(shim, 'sudo'), '#!/bin/sh\nexec "$@"\n', { mode: 0o755 });
  });

  afterEach(async () => {
    await r?.setForwardRules([]);
    await guest?.exec(['nft', 'delete', 'table', 'inet', 'cvmdreturn']).catch(() => undefined);
  });
  after(async () => { await r?.destroy(); });

  async function diagnose(o: { callerIp?: string | null; without?: string[]; lang?: 'ko' } = {}) {
    const fx = defaultTencentFixture();
    addLabNetwork(fx, '10.213.255.254');
    fx.instances.push(labInstance('ins-labclient1', guest, { PrivateIpAddresses: [guest.ipv4] }));
    const caller = o.callerIp === undefined ? r!.callerIpv4 : o.callerIp;
    const res = await r!.runCloudCli(['diagnose', guest.ipv4, '--tencent-instance', 'ins-labclient1', '--region', REGION, '--guest-checks',
      '--timeout', '2000', '--alt-ports', '2222', '--known-hosts', kh, ...(o.lang ? ['--lang', o.lang] : ['--json'])], {
      fixture: fx, guests: { 'ins-labclient1': r!.guestFacts(guest, o.without ? { without: o.without } : {}) },
      env: caller ? { CVM_DOCTOR_CALLER_IP: caller } : {},
    });
    assert.ok(res.stdout, `no report (exit ${String(res.code)}): ${res.stderr}`);
    if (o.lang) return { res, rep: undefined as unknown as JsonReport };
    const rep = JSON.parse(res.stdout) as JsonReport;
    assertReportSchema(rep);
    assert.equal(res.commands.length, 1, 'one RunCommand');
    return { res, rep };
  }
  const why = (rep: JsonReport) => JSON.stringify({ verdict: rep.verdict.code, findings: rep.findings, checks: rep.checks.filter((c) => c.id.startsWith('cloud')) }, null, 1);
  const reach = (rep: JsonReport) => rep.checks.find((c) => c.id === 'cloud.guestReach');

  it('the router drops outbound tcp/22 from the client → CLIENT_NETWORK_BLOCKS, the guest saw no SYN', async () => {
    await r!.setForwardRules([`ip saddr ${r!.callerIpv4} tcp dport 22 drop`]);
    const { res, rep } = await diagnose();
    assert.equal(rep.verdict.code, 'CLIENT_NETWORK_BLOCKS', why(rep));
    assert.equal(res.code, 1);
    assert.match(rep.verdict.summary, new RegExp(`tcpdump on the instance saw no SYN from ${r!.callerIpv4.replace(/\./g, '\\.')} in \\d+ s`));
    const c = reach(rep)!;
    assert.equal(c.status, 'fail');
    assert.match(c.summary, /127\.0\.0\.1 answers SSH/);
    const syns = c.evidence.clientSyns as { attempts: number; coveredGuestRun: boolean };
    assert.ok(syns.coveredGuestRun && syns.attempts > 0, JSON.stringify(syns));
    assert.ok(rep.verdict.remediation.some((s) => s.command?.includes("sed -i '1i Port 443'")), JSON.stringify(rep.verdict.remediation));
    assert.ok(!rep.findings.some((f) => f.code === 'SYN_ARRIVAL_UNKNOWN'));
  });

  it('the same in the Korean text report: the verdict, the in-guest check and the commands', async () => {
    await r!.setForwardRules([`ip saddr ${r!.callerIpv4} tcp dport 22 drop`]);
    const { res } = await diagnose({ lang: 'ko' });
    assert.equal(res.code, 1);
    assert.match(res.stdout, /CLIENT_NETWORK_BLOCKS/);
    assert.match(res.stdout, /내 네트워크가 포트 22를 막습니다/);
    assert.match(res.stdout, /클라우드: 인스턴스 내부에서 포트 연결/);
    assert.match(res.stdout, new RegExp(`${r!.callerIpv4.replace(/\./g, '\\.')} 주소에서 포트 22 쪽으로 온 SYN 패킷이 없습니다`));
    assert.match(res.stdout, /휴대폰 핫스팟/);
  });

  it('the guest drops its replies (nft output) → PORT_FILTERED told as the return path, and the told check finds the rule', async () => {
    const file = path.join(r!.lab.dir, 'return.nft');
    fs.writeFileSync(file, 'table inet cvmdreturn {\n  chain output {\n    type filter hook output priority 0; policy accept;\n    oifname "eth0" tcp sport 22 drop\n  }\n}\n');
    await guest.exec(['nft', '-f', file]);
    const { rep } = await diagnose();
    assert.equal(rep.verdict.code, 'PORT_FILTERED', why(rep));
    assert.match(rep.verdict.summary, /SYN\(s\) from .* arrive, yet no SYN-ACK left the instance/);
    assert.match(rep.verdict.summary, /firewall rules on input and output .*reverse-path filtering and its routes/);
    assert.ok(rep.findings.some((f) => f.code === 'RETURN_PATH_BLOCKED'), why(rep));
    const step = rep.verdict.remediation.find((s) => s.command?.includes('ip route get'));
    assert.ok(step?.command, JSON.stringify(rep.verdict.remediation));
    const told = await run('ip', ['netns', 'exec', guest.ns, 'env', '-i', `PATH=${shim}:/usr/sbin:/usr/bin:/sbin:/bin`, 'LC_ALL=C', 'sh', '-c', step.command]);
    assert.match(told.stdout, new RegExp(`${r!.callerIpv4.replace(/\./g, '\\.')} via ${guest.rootIpv4.replace(/\./g, '\\.')} dev eth0`), told.stdout + told.stderr);
    assert.match(told.stdout, /oifname "eth0" tcp sport 22 drop/, told.stdout);
    const rp = rep.verdict.remediation.find((s) => s.command?.includes('rp_filter'));
    const rpOut = await run('ip', ['netns', 'exec', guest.ns, 'sh', '-c', rp!.command!]);
    assert.match(rpOut.stdout, /^net\.ipv4\.conf\.all\.rp_filter = \d$/m, rpOut.stdout + rpOut.stderr);
  });

  it('all open → OK, the guest saw the SYNs', async () => {
    const { res, rep } = await diagnose();
    assert.equal(rep.verdict.code, 'OK', why(rep));
    assert.equal(res.code, 0);
    assert.ok(!rep.findings.some((f) => f.code === 'RETURN_PATH_BLOCKED' || f.code === 'SYN_ARRIVAL_UNKNOWN'), why(rep));
  });

  it('tcpdump not installed in the guest → "could not be observed", no CLIENT_NETWORK_BLOCKS', async () => {
    await r!.setForwardRules([`ip saddr ${r!.callerIpv4} tcp dport 22 drop`]);
    const { rep } = await diagnose({ without: ['/usr/bin/tcpdump', '/usr/sbin/tcpdump'] });
    assert.equal(rep.verdict.code, 'PORT_FILTERED', why(rep));
    const f = rep.findings.find((x) => x.code === 'SYN_ARRIVAL_UNKNOWN');
    assert.match(f?.message ?? '', /could not be observed: tcpdump is not installed there/, why(rep));
    assert.match(reach(rep)!.summary, /tcpdump is not installed on the instance/);
  });

  it('neither bash nor nc in the guest → the self-connect is not tested, so no CLIENT_NETWORK_BLOCKS', async () => {
    await r!.setForwardRules([`ip saddr ${r!.callerIpv4} tcp dport 22 drop`]);
    const { rep } = await diagnose({ without: ['/usr/bin/bash', '/usr/bin/nc', '/bin/nc'] });
    assert.equal(rep.verdict.code, 'PORT_FILTERED', why(rep));
    const c = reach(rep)!;
    assert.match(c.summary, /not tested \(neither bash nor nc, with timeout, is installed\)/, c.summary);
    assert.equal(c.status, 'warn');
  });

  it('the caller address unknown → the check cannot decide, no CLIENT_NETWORK_BLOCKS', async () => {
    await r!.setForwardRules([`ip saddr ${r!.callerIpv4} tcp dport 22 drop`]);
    const { res, rep } = await diagnose({ callerIp: null });
    assert.notEqual(rep.verdict.code, 'CLIENT_NETWORK_BLOCKS', why(rep));
    assert.match(rep.findings.find((x) => x.code === 'SYN_ARRIVAL_UNKNOWN')?.message ?? '', /your public address is unknown/, why(rep));
    assert.match(res.commands[0]!.script, /^CALLER=$/m);
  });

  it('the told "sshd on 443 as well" works on a Debian-like sshd_config: sshd -t passes, sshd then serves 22 and 443', async () => {
    const { rep } = await diagnoseBlocked();
    const step = rep.verdict.remediation.find((s) => s.command?.includes("sed -i '1i Port 443'"))!;
    // Everything before the restart (this machine has no systemd; the lab starts sshd itself).
    const told = step.command!.replace(/ && sudo systemctl .*$/, '');
    assert.notEqual(told, step.command);
    const etc = path.join(r!.lab.dir, 'etc-ssh-443');
    fs.mkdirSync(path.join(etc, 'sshd_config.d'), { recursive: true });
    assert.equal((await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', path.join(etc, 'ssh_host_ed25519_key')])).code, 0);
    const authKeys = path.join(r!.lab.dir, 'authorized_keys_443');
    fs.writeFileSync(authKeys, `${r!.lab.clientPublicKey}\n`, { mode: 0o644 });
    // As Debian ships it: the Include first, no Port line, a Match block at the end.
    fs.writeFileSync(path.join(etc, 'sshd_config'), ['Include /etc/ssh/sshd_config.d/*.conf', '#Port 22', 'HostKey /etc/ssh/ssh_host_ed25519_key', 'PidFile none', 'UsePAM no',
      'StrictModes no', `AuthorizedKeysFile ${authKeys}`, `AllowUsers ${r!.lab.user}`, 'Match User nobody', '  PasswordAuthentication no', ''].join('\n'));
    const inGuest = (cmd: string) => ['netns', 'exec', guest.ns, 'unshare', '-m', '--propagation', 'private', 'env', '-i', `PATH=${shim}:/usr/sbin:/usr/bin:/sbin:/bin`, 'LC_ALL=C',
      'sh', '-c', `mount --bind ${etc} /etc/ssh && ${cmd}`];
    const out = await run('ip', inGuest(`${told} && sshd -T | grep '^port '`));
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(out.stdout.trim().split('\n').sort(), ['port 22', 'port 443']);
    // Told twice (the port line exists now): 22 is not added again.
    const again = await run('ip', inGuest(`${told} && grep -c '^Port 22$' /etc/ssh/sshd_config`));
    assert.equal(again.stdout.trim(), '1', again.stderr);
    // The guest's sshd on 443 too (its usual 22 is the lab's): the client reaches it through the router.
    const sshd = execFile('ip', inGuest('exec /usr/sbin/sshd -D -e -o Port=443'), { timeout: 60_000 });
    try {
      let listening = false;
      for (let i = 0; i < 100 && !listening; i++) {
        listening = /:443\s/.test((await guest.exec(['ss', '-Hltn'])).stdout);
        if (!listening) await new Promise((res) => setTimeout(res, 50));
      }
      assert.ok(listening, 'sshd does not listen on 443');
      const via443 = await r!.runCli(['diagnose', guest.ipv4, '--port', '443', '--no-icmp', '--timeout', '2000', '--alt-ports', '2222', '--json']);
      const v = JSON.parse(via443.stdout) as JsonReport;
      assert.equal(v.checks.find((c) => c.id === 'banner')?.status, 'pass', via443.stdout);
    } finally {
      sshd.kill('SIGTERM');
    }
  });

  async function diagnoseBlocked() {
    await r!.setForwardRules([`ip saddr ${r!.callerIpv4} tcp dport 22 drop`]);
    const d = await diagnose();
    assert.equal(d.rep.verdict.code, 'CLIENT_NETWORK_BLOCKS', why(d.rep));
    return d;
  }
});
