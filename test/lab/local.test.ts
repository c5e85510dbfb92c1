/**
 * Issue 14 on real hosts: the user's own side (ssh config, keys, agent) named before the
 * server is blamed, and the system OpenSSH's second opinion where ssh2 and OpenSSH differ.
 * The built CLI runs against lab sshd's; the config-permission case runs it as a dedicated
 * user, because OpenSSH checks the permissions of the user's own ~/.ssh/config only (in the
 * passwd home), never of a file given with -F.
 */
import * as assert from 'assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { createLab, type Lab, type LabHost, labUnavailableReason } from '../support/lab';
import { CLI_PATH, cliUnavailableReason, LAB_TIMEOUT_MS, runCli } from '../support/labEngine';
import { PQ_ONLY } from '../support/labScenarios';
import { assertReportSchema } from '../support/reportSchema';

interface JsonReport {
  target: { host: string; user?: string; name?: string };
  verdict: { code: string; summary: string; remediation: Array<{ text: string; command?: string }> };
  findings: Array<{ code: string; message: string }>;
  checks: Array<{ id: string; status: string; summary: string; evidence: Record<string, unknown> }>;
}

const LOCAL_USER = 'cvmdlocal';

describe('(lab) the user\'s own side and OpenSSH\'s second opinion (issue 14)', function () {
  this.timeout(120_000);
  let lab: Lab | undefined;
  let healthy: LabHost, tries3: LabHost, pq: LabHost;
  let authFile: string;
  const timeout = String(LAB_TIMEOUT_MS);

  before(async function () {
    const reason = labUnavailableReason() ?? cliUnavailableReason();
    if (reason) {
      console.log(`    SKIPPED issue 14 lab tests: ${reason}`);
      this.skip();
    }
    lab = await createLab();
    // Keys this suite adds are accepted through a file of its own (sshd reads it at login).
    authFile = path.join(lab.dir, 'local_authorized_keys');
    fs.writeFileSync(authFile, `${lab.clientPublicKey}\n`, { mode: 0o644 });
    const own = [`Match User ${lab.user}`, `  AuthorizedKeysFile ${authFile}`];
    [healthy, tries3, pq] = await Promise.all([
      lab.addHost({ label: 'loc-healthy', sshd: { extraConfig: own } }),
      lab.addHost({ label: 'loc-tries3', sshd: { extraConfig: ['MaxAuthTries 3', ...own] } }),
      lab.addHost({ label: 'loc-pq-only', sshd: { extraConfig: [PQ_ONLY] } }),
    ]);
  });
  after(async () => { await lab?.destroy(); });

  const json = (stdout: string): JsonReport => {
    const o = JSON.parse(stdout) as JsonReport;
    assertReportSchema(o);
    return o;
  };
  const check = (r: JsonReport, id: string) => {
    const c = r.checks.find((x) => x.id === id);
    assert.ok(c, `no ${id} check: ${r.checks.map((x) => x.id).join(', ')}`);
    return c;
  };
  const steps = (r: JsonReport) => r.verdict.remediation.map((s) => `${s.text} ${s.command ?? ''}`).join('\n');
  const copyKey = (name: string, mode: number): string => {
    const f = path.join(lab!.dir, name);
    fs.copyFileSync(lab!.clientKeyPath, f);
    fs.chmodSync(f, mode);
    return f;
  };

  it('an alias whose Include sets HostName, User and IdentityFile logs in as `ssh alias` would', async () => {
    const key = copyKey('alias_key', 0o600);
    const inc = path.join(lab!.dir, 'alias-inc.conf');
    fs.writeFileSync(inc, `HostName ${healthy.ipv4}\nUser ${lab!.user}\nIdentityFile ${key}\n`);
    const cfg = path.join(lab!.dir, 'alias.conf');
    fs.writeFileSync(cfg, `Host labweb\n  Include ${inc}\n`);
    const kh = lab!.writeKnownHosts([healthy.knownHostsLine]);
    const r = await runCli(['diagnose', 'labweb', '--ssh-config', cfg, '--known-hosts', kh, '--timeout', timeout, '--json']);
    assert.equal(r.code, 0, `exit ${r.code}; ${r.stderr}\n${r.stdout}`);
    const o = json(r.stdout);
    assert.equal(o.verdict.code, 'OK');
    assert.equal(o.target.host, healthy.ipv4);
    assert.equal(o.target.name, 'labweb');
    assert.equal(check(o, 'login').evidence.method, 'publickey');
    assert.match(o.verdict.summary, new RegExp(`login as "${lab!.user}" works`));
    assert.ok(o.findings.some((f) => f.code === 'LOCAL_CONFIG_APPLIED' && f.message.includes(`HostName ${healthy.ipv4}`)), JSON.stringify(o.findings));
  });

  it('a Match host block supplies the User and key for the address typed', async () => {
    const key = copyKey('match_key', 0o600);
    const cfg = path.join(lab!.dir, 'match.conf');
    fs.writeFileSync(cfg, `Match host ${healthy.ipv4}\n  User ${lab!.user}\n  IdentityFile ${key}\n`);
    const kh = lab!.writeKnownHosts([healthy.knownHostsLine]);
    const r = await runCli(['diagnose', healthy.ipv4, '--ssh-config', cfg, '--known-hosts', kh, '--timeout', timeout, '--json']);
    assert.equal(r.code, 0, `exit ${r.code}; ${r.stderr}\n${r.stdout}`);
    const o = json(r.stdout);
    assert.equal(o.target.user, lab!.user);
    assert.equal(check(o, 'login').evidence.outcome, 'ok');
  });

  it('a key with mode 0644 the server would accept: LOCAL_KEY_REFUSED, chmod 600, the server not blamed', async () => {
    const key = copyKey('open_key', 0o644);
    const kh = lab!.writeKnownHosts([healthy.knownHostsLine]);
    const r = await runCli(['diagnose', healthy.ipv4, '--user', lab!.user, '--identity', key, '--known-hosts', kh, '--timeout', timeout, '--json']);
    assert.equal(r.code, 1, `exit ${r.code}; ${r.stderr}`);
    const o = json(r.stdout);
    assert.equal(o.verdict.code, 'LOCAL_KEY_REFUSED');
    assert.match(o.verdict.summary, /mode 0644 lets other users read it/);
    assert.match(o.verdict.summary, /The server does accept this key/);
    assert.ok(o.verdict.remediation.some((s) => s.command === `chmod 600 ${key}`), steps(o));
    assert.ok(!o.checks.some((c) => c.id === 'openssh'), 'no second opinion for a local verdict');
  });

  it('a PKCS#8 key ssh2 cannot read: OpenSSH logs in with it, so the verdict is OK and says whose quirk it was', async () => {
    const key = path.join(lab!.dir, 'pkcs8_rsa');
    execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-m', 'PKCS8', '-N', '', '-C', 'cvmd-pkcs8', '-f', key], { stdio: 'ignore' });
    fs.appendFileSync(authFile, fs.readFileSync(`${key}.pub`));
    const kh = lab!.writeKnownHosts([healthy.knownHostsLine]);
    const r = await runCli(['diagnose', healthy.ipv4, '--user', lab!.user, '--identity', key, '--known-hosts', kh, '--timeout', timeout, '--json']);
    assert.equal(r.code, 0, `exit ${r.code}; ${r.stderr}\n${r.stdout}`);
    const o = json(r.stdout);
    assert.equal(o.verdict.code, 'OK');
    assert.equal(check(o, 'login').evidence.keyErrorKind, 'not-a-key', 'ssh2 itself could not read the key');
    const so = check(o, 'openssh');
    assert.equal(so.status, 'pass');
    assert.equal(so.evidence.outcome, 'authenticated');
    assert.match(String(so.evidence.command), /^ssh -v -o BatchMode=yes -o ConnectTimeout=\d+ -o StrictHostKeyChecking=yes /);
    assert.ok(o.findings.some((f) => f.code === 'OPENSSH_LOGGED_IN' && /KEY_FORMAT_UNSUPPORTED/.test(f.message)), JSON.stringify(o.findings));
  });

  it('post-quantum-only server, a key it does not know: OpenSSH\'s second opinion agrees, in its own words', async () => {
    const stranger = path.join(lab!.dir, 'stranger_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger], { stdio: 'ignore' });
    const kh = lab!.writeKnownHosts([pq.knownHostsLine]);
    const r = await runCli(['diagnose', pq.ipv4, '--user', lab!.user, '--identity', stranger, '--known-hosts', kh, '--timeout', timeout, '--json']);
    assert.equal(r.code, 1, `exit ${r.code}; ${r.stderr}`);
    const o = json(r.stdout);
    assert.equal(o.verdict.code, 'AUTH_FAILED');
    assert.equal(check(o, 'kex').evidence.client, 'openssh', 'ssh2 could not negotiate; OpenSSH did');
    const so = check(o, 'openssh');
    assert.equal(so.evidence.outcome, 'denied');
    assert.deepEqual(so.evidence.authMethods, ['publickey', 'password']);
    assert.ok(o.findings.some((f) => f.code === 'OPENSSH_SECOND_OPINION' && /permission denied/.test(f.message)), JSON.stringify(o.findings));
  });

  describe('an ssh-agent with 12 keys against MaxAuthTries 3', () => {
    let agent: ChildProcess | undefined;
    let sock: string;
    before(async () => {
      sock = path.join(lab!.dir, 'agent.sock');
      agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
      for (let i = 0; i < 100 && !fs.existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50));
      assert.ok(fs.existsSync(sock), 'ssh-agent did not start');
      const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', SSH_AUTH_SOCK: sock };
      // Eleven keys the server does not know, then the one it accepts: OpenSSH offers them in order.
      for (let i = 0; i < 11; i++) {
        const k = path.join(lab!.dir, `agent_${i}`);
        execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `agent-${i}`, '-f', k], { stdio: 'ignore' });
        execFileSync('ssh-add', ['-q', k], { env, stdio: 'ignore' });
      }
      execFileSync('ssh-add', ['-q', copyKey('agent_right', 0o600)], { env, stdio: 'ignore' });
      assert.equal(execFileSync('ssh-add', ['-l'], { env }).toString().trim().split('\n').length, 12);
    });
    after(() => { agent?.kill(); });

    it('says the agent holds more keys than the server allows tries, with OpenSSH\'s own disconnect as the evidence', async () => {
      const kh = lab!.writeKnownHosts([tries3.knownHostsLine]);
      const r = await runCli(['diagnose', tries3.ipv4, '--user', lab!.user, '--agent', '--known-hosts', kh, '--timeout', timeout, '--json'],
        { env: { SSH_AUTH_SOCK: sock } });
      assert.equal(r.code, 1, `exit ${r.code}; ${r.stderr}`);
      const o = json(r.stdout);
      assert.equal(o.verdict.code, 'AUTH_FAILED');
      assert.match(check(o, 'local.agent').summary, /holds 12 keys/);
      const so = check(o, 'openssh');
      assert.equal(so.evidence.outcome, 'too-many-failures');
      assert.match(String(so.evidence.message), /Too many authentication failures/);
      const f = o.findings.find((x) => x.code === 'AGENT_KEYS_EXCEED_TRIES');
      assert.ok(f, JSON.stringify(o.findings));
      assert.match(f.message, /holds 12 keys, but the server ended the login after 3 /);
      assert.match(f.message, /IdentitiesOnly yes/);
    });
  });

  describe('the user\'s own ~/.ssh/config with mode 0666 (a dedicated user)', () => {
    let home: string;
    before(function () {
      home = path.join(lab!.dir, 'local-home');
      try { execFileSync('userdel', [LOCAL_USER], { stdio: 'ignore' }); } catch { /* not there */ }
      execFileSync('useradd', ['-M', '-d', home, '-s', '/bin/sh', LOCAL_USER], { stdio: 'ignore' });
      fs.mkdirSync(path.join(home, '.ssh'), { recursive: true });
      fs.writeFileSync(path.join(home, '.ssh', 'config'), `Host labcfg\n  HostName ${healthy.ipv4}\n`);
      execFileSync('chown', ['-R', LOCAL_USER, home]);
      fs.chmodSync(home, 0o755);
      fs.chmodSync(path.join(home, '.ssh'), 0o700);
      fs.chmodSync(path.join(home, '.ssh', 'config'), 0o666);
    });
    after(() => { try { execFileSync('userdel', [LOCAL_USER], { stdio: 'ignore' }); } catch { /* gone */ } });

    const asUser = (args: string[]) => new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn('runuser', ['-u', LOCAL_USER, '--', process.execPath, CLI_PATH, ...args], {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C' }, stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => { stdout += d; });
      child.stderr.on('data', (d) => { stderr += d; });
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
    });

    it('ssh -G fails with OpenSSH\'s own message: LOCAL_CONFIG_ERROR, chmod 600, nothing sent; fixed, the alias resolves', async () => {
      const cfg = path.join(home, '.ssh', 'config');
      const r = await asUser(['diagnose', 'labcfg', '--timeout', timeout, '--json']);
      assert.equal(r.code, 1, `exit ${r.code}; ${r.stderr}\n${r.stdout}`);
      const o = json(r.stdout);
      assert.equal(o.verdict.code, 'LOCAL_CONFIG_ERROR');
      assert.match(o.verdict.summary, new RegExp(`Bad owner or permissions on ${cfg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      assert.ok(o.verdict.remediation.some((s) => s.command === `chmod 600 ${cfg}`), steps(o));
      assert.deepEqual(o.checks.map((c) => c.id).filter((id) => !id.startsWith('local.')), [], 'no DNS, no packet');
      fs.chmodSync(cfg, 0o600);
      const fixed = json((await asUser(['diagnose', 'labcfg', '--timeout', timeout, '--no-icmp', '--json'])).stdout);
      assert.equal(fixed.target.host, healthy.ipv4);
      assert.equal(check(fixed, 'banner').status, 'pass');
    });
  });
});
