/**
 * The built CLI (`node dist/cli.js diagnose ... --json`) against real lab hosts: exit codes
 * 0 / 1 / 2 and the JSON contract of DESIGN.md "CLI contract".
 */
import * as assert from 'assert/strict';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { createLab, Lab, LabHost, labUnavailableReason } from '../support/lab';
import { cliUnavailableReason, LAB_TIMEOUT_MS, runCli } from '../support/labEngine';
import { assertReportSchema } from '../support/reportSchema';
import { fingerprint, oldOpenSsh, PQ_ONLY } from '../support/labScenarios';

/** A real OpenSSH client checking the host key strictly against `kh` (no secrets, `none` only). */
function sshHostKeyCheck(address: string, kh: string): Promise<string> {
  return new Promise((resolve) => {
    execFile('ssh', ['-F', 'none', '-v', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${kh}`,
      '-o', 'GlobalKnownHostsFile=/dev/null', '-o', 'PreferredAuthentications=none', '-o', 'ConnectTimeout=3', '-l', 'nobody', address],
    { timeout: 8000, env: { PATH: process.env.PATH } }, (_e, _out, err) => resolve(String(err)));
  });
}


describe('(lab) CLI against lab hosts', function () {
  this.timeout(60_000);
  let lab: Lab | undefined;
  let healthy: LabHost, filtered: LabHost, pq: LabHost;
  const timeout = String(LAB_TIMEOUT_MS);

  before(async function () {
    const reason = labUnavailableReason() ?? cliUnavailableReason();
    if (reason) {
      console.log(`    SKIPPED lab CLI tests: ${reason}`);
      this.skip();
    }
    lab = await createLab();
    [healthy, filtered, pq] = await Promise.all([
      lab.addHost({ label: 'cli-healthy', sshd: {} }),
      lab.addHost({ label: 'cli-filtered', sshd: {}, nft: 'tcp dport 22 drop' }),
      lab.addHost({ label: 'cli-pq-only', sshd: { extraConfig: [PQ_ONLY] } }),
    ]);
  });

  after(async () => {
    await lab?.destroy();
  });

  it('healthy host: exit 0 and a report with the contract keys', async () => {
    const kh = lab!.writeKnownHosts([healthy.knownHostsLine]);
    const r = await runCli(['diagnose', healthy.ipv4, '--known-hosts', kh, '--timeout', timeout, '--json']);
    assert.equal(r.code, 0, `exit ${r.code}; stderr: ${r.stderr}\nstdout: ${r.stdout}`);
    const o = JSON.parse(r.stdout);
    assertReportSchema(o);
    assert.equal(o.verdict.code, 'OK');
    assert.equal(o.target.host, healthy.ipv4);
    assert.equal(o.target.port, 22);
  });

  it('filtered port: exit 1, PORT_FILTERED, within a few timeouts', async () => {
    const r = await runCli(['diagnose', filtered.ipv4, '--timeout', timeout, '--alt-ports', '2222', '--json']);
    assert.equal(r.code, 1, `exit ${r.code}; stderr: ${r.stderr}`);
    const o = JSON.parse(r.stdout);
    assertReportSchema(o);
    assert.equal(o.verdict.code, 'PORT_FILTERED');
    assert.ok(o.verdict.remediation.length > 0, 'a problem verdict comes with remediation');
    assert.ok(r.durationMs < 4 * LAB_TIMEOUT_MS + 3000, `took ${r.durationMs} ms`);
  });

  it('wrong password from --password-env: exit 1, AUTH_FAILED, and the password never printed', async () => {
    const kh = lab!.writeKnownHosts([healthy.knownHostsLine]);
    const secret = `${lab!.password}-wrong`;
    const r = await runCli(['diagnose', healthy.ipv4, '--user', lab!.user, '--password-env', 'CVMD_LAB_PW', '--known-hosts', kh,
      '--timeout', timeout, '--json'], { env: { CVMD_LAB_PW: secret } });
    assert.equal(r.code, 1, `exit ${r.code}; stderr: ${r.stderr}`);
    assert.equal(JSON.parse(r.stdout).verdict.code, 'AUTH_FAILED');
    assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), 'password leaked into output');
  });

  it('password for a host not in known_hosts: exit 1, HOST_KEY_UNKNOWN with the fingerprint, password never sent', async () => {
    const kh = lab!.writeKnownHosts([]);
    const fp = fingerprint(healthy.hostKeys[0]!);
    const args = ['diagnose', healthy.ipv4, '--user', lab!.user, '--password-env', 'CVMD_LAB_PW', '--known-hosts', kh, '--timeout', timeout];
    const passwordLines = () => healthy.log().split('\n').filter((l) => /password for/.test(l)).length;
    const before = passwordLines();
    const r = await runCli([...args, '--json'], { env: { CVMD_LAB_PW: lab!.password } });
    assert.equal(r.code, 1, `exit ${r.code}; stderr: ${r.stderr}\nstdout: ${r.stdout}`);
    const o = JSON.parse(r.stdout);
    assertReportSchema(o);
    assert.equal(o.verdict.code, 'HOST_KEY_UNKNOWN');
    assert.ok(o.verdict.summary.includes(fp), o.verdict.summary);
    assert.match(o.verdict.summary, /ssh-ed25519/);
    const login = o.checks.find((c: any) => c.id === 'login');
    assert.equal(login.evidence.passwordWithheld, true);
    assert.deepEqual(login.evidence.tried, []);
    const text = await runCli(args, { env: { CVMD_LAB_PW: lab!.password } });
    assert.equal(text.code, 1);
    assert.match(text.stdout, /HOST_KEY_UNKNOWN/);
    assert.ok(text.stdout.includes(fp));
    assert.ok(!r.stdout.includes(lab!.password) && !text.stdout.includes(lab!.password), 'password leaked into output');
    assert.equal(passwordLines(), before, `sshd saw a password attempt:\n${healthy.log()}`);
  });

  it('--accept-new: the unknown key is written in OpenSSH format (dir 700, file 600), then the login passes', async () => {
    const home = fs.mkdtempSync(path.join(lab!.dir, 'home-'));
    const kh = path.join(home, 'ssh-dir', 'known_hosts');
    const args = ['diagnose', healthy.ipv4, '--user', lab!.user, '--password-env', 'CVMD_LAB_PW', '--known-hosts', kh, '--timeout', timeout, '--json'];
    const r = await runCli([...args, '--accept-new'], { env: { CVMD_LAB_PW: lab!.password } });
    assert.equal(r.code, 0, `exit ${r.code}; stderr: ${r.stderr}\nstdout: ${r.stdout}`);
    const o = JSON.parse(r.stdout);
    assert.equal(o.verdict.code, 'OK');
    assert.ok(o.findings.some((f: any) => f.code === 'HOST_KEY_ADDED'));
    assert.equal(o.checks.find((c: any) => c.id === 'login').evidence.method, 'password');
    assert.equal(fs.readFileSync(kh, 'utf8'), `${healthy.ipv4} ${healthy.hostKeys[0]}\n`);
    assert.equal(fs.statSync(kh).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.dirname(kh)).mode & 0o777, 0o700);
    // OpenSSH itself accepts the line: a real `ssh` with StrictHostKeyChecking=yes gets past the host key.
    const ssh = await sshHostKeyCheck(healthy.ipv4, kh);
    assert.doesNotMatch(ssh, /Host key verification failed/);
    assert.match(ssh, /Authentications that can continue/);
    // Now known: a run without --accept-new logs in too, and nothing more is written.
    const again = await runCli(args, { env: { CVMD_LAB_PW: lab!.password } });
    assert.equal(again.code, 0, again.stdout);
    assert.equal(fs.readFileSync(kh, 'utf8').split('\n').filter(Boolean).length, 1);
  });

  it('--accept-new never accepts a changed key: exit 1, HOST_KEY_MISMATCH, the file untouched', async () => {
    const line = `${healthy.ipv4} ${await lab!.foreignHostKey('ed25519')}`;
    const kh = lab!.writeKnownHosts([line]);
    const r = await runCli(['diagnose', healthy.ipv4, '--user', lab!.user, '--password-env', 'CVMD_LAB_PW', '--known-hosts', kh,
      '--accept-new', '--timeout', timeout, '--json'], { env: { CVMD_LAB_PW: lab!.password } });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(JSON.parse(r.stdout).verdict.code, 'HOST_KEY_MISMATCH');
    assert.equal(fs.readFileSync(kh, 'utf8'), `${line}\n`);
  });

  it('post-quantum-only server: the password is tested through OpenSSH (exit 0; exit 1 when wrong), never printed', async () => {
    const kh = lab!.writeKnownHosts([pq.knownHostsLine]);
    const args = ['diagnose', pq.ipv4, '--user', lab!.user, '--password-env', 'CVMD_LAB_PW', '--known-hosts', kh, '--timeout', timeout, '--json'];
    // With the trace on: ssh's own log reaches stderr, the password does not.
    const ok = await runCli(args, { env: { CVMD_LAB_PW: lab!.password, CVM_DOCTOR_TRACE: '1' } });
    assert.equal(ok.code, 0, `exit ${ok.code}; stderr: ${ok.stderr}\nstdout: ${ok.stdout}`);
    assert.match(ok.stderr, /openssh: Authenticated to /);
    const o = JSON.parse(ok.stdout);
    assertReportSchema(o);
    assert.equal(o.verdict.code, 'OK');
    assert.equal(o.verdict.loginTested, undefined);
    assert.equal(o.checks.find((c: any) => c.id === 'login').evidence.method, 'password');
    assert.equal(o.checks.find((c: any) => c.id === 'kex').evidence.client, 'openssh');
    const bad = await runCli(args, { env: { CVMD_LAB_PW: `${lab!.password}-wrong` } });
    assert.equal(bad.code, 1, bad.stdout);
    assert.equal(JSON.parse(bad.stdout).verdict.code, 'AUTH_FAILED');
    for (const r of [ok, bad]) assert.ok(!r.stdout.includes(lab!.password) && !r.stderr.includes(lab!.password), 'password leaked into output');
  });

  it('a password no client here can be given (OpenSSH before 8.4): exit 1, "not tested" and why, never a plain OK', async () => {
    const kh = lab!.writeKnownHosts([pq.knownHostsLine]);
    const args = ['diagnose', pq.ipv4, '--user', lab!.user, '--password-env', 'CVMD_LAB_PW', '--known-hosts', kh, '--timeout', timeout];
    const env = { CVMD_LAB_PW: lab!.password, CVM_DOCTOR_OPENSSH: oldOpenSsh(lab!) };
    const r = await runCli([...args, '--json'], { env });
    assert.equal(r.code, 1, `exit ${r.code}; stderr: ${r.stderr}\nstdout: ${r.stdout}`);
    const o = JSON.parse(r.stdout);
    assertReportSchema(o);
    assert.equal(o.verdict.code, 'OK');
    assert.equal(o.verdict.loginTested, false);
    assert.match(o.verdict.title, /the login was not tested/);
    assert.match(o.verdict.summary, /could not test the password.*OpenSSH_8\.2p1 is older than 8\.4/);
    const text = await runCli(args, { env });
    assert.equal(text.code, 1);
    assert.match(text.stdout, /! OK {2}Reachable, but the login was not tested/);
    assert.doesNotMatch(text.stdout, /✓ OK/);
    const html = await runCli([...args, '--html'], { env });
    assert.equal(html.code, 1);
    assert.match(html.stdout, /<section class="verdict warn">/);
    assert.ok(!r.stdout.includes(lab!.password) && !text.stdout.includes(lab!.password), 'password leaked into output');
  });

  it('text output (no --json) names the verdict code', async () => {
    const r = await runCli(['diagnose', filtered.ipv4, '--timeout', timeout, '--alt-ports', '2222']);
    assert.equal(r.code, 1, `exit ${r.code}; stderr: ${r.stderr}`);
    assert.match(r.stdout, /PORT_FILTERED/);
  });

  it('bad input: exit 2 with one line on stderr naming the field, no stack trace', async () => {
    for (const args of [['--port', '70000'], ['--timeout', 'soon'], ['--protocol', 'telnet']]) {
      const r = await runCli(['diagnose', healthy.ipv4, ...args, '--json']);
      assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code}; stderr: ${r.stderr}`);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `${args.join(' ')}: stderr has ${lines.length} lines: ${r.stderr}`);
      assert.match(lines[0]!, new RegExp(args[0]!.replace(/^--/, ''), 'i'), `${args.join(' ')}: stderr does not name the field`);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
  });
});
