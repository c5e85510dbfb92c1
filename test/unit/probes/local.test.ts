/**
 * The Local layer on real files of this machine: the system OpenSSH's `ssh -G` on config files
 * written here (an Include that changes HostName, a Match host block, a syntax error), key
 * files made with ssh-keygen and Debian's puttygen (mode 0644, PPK v2 and v3, encrypted
 * without passphrase, a public key, PKCS#8), and an ssh-agent the test starts. Each goes
 * through the engine (scripted network: nothing is sent anywhere) and the verdict and its
 * remedy are asserted.
 */
import * as assert from 'assert';
import { execFileSync, spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { diagnose } from '../../../src/core/diagnose';
import type { Report, Target } from '../../../src/core/model';
import type { Probes } from '../../../src/core/probeContract';
import { createProbes } from '../../../src/probes';
import { probeAgent } from '../../../src/probes/agent';
import { probeLocalConfig } from '../../../src/probes/localConfig';
import { probeLocalKey } from '../../../src/probes/localKeys';

const has = (tool: string): boolean => {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** Network probes that refuse every connection (192.0.2.0/24 is never dialled) and record
 *  the name DNS was asked for; the Local layer is the real one. */
function probesFor(asked: string[]): Probes {
  const real = createProbes();
  return {
    local: real.local,
    dns: async (host) => { asked.push(host); return { ok: true, literal: false, addresses: [{ address: '192.0.2.7', family: 4 }], durationMs: 0 }; },
    icmp: async (address) => ({ outcome: 'reply', method: 'raw-socket', address, rttMs: 1, durationMs: 1 }),
    tcp: async (address, port) => ({ result: { outcome: 'refused', address, port, errorCode: 'ECONNREFUSED', deadlineMs: 1000, durationMs: 1 } }),
    banner: async () => { throw new Error('no banner on a refused port'); },
    ssh: async () => { throw new Error('no ssh on a refused port'); },
    rdp: async () => { throw new Error('no rdp'); },
  };
}

const remedyText = (r: Report) => r.verdict.remediation.map((s) => `${s.text} ${s.command ?? ''}`).join('\n');

describe('probes/local (unit, real files and the system ssh)', function () {
  this.timeout(30_000);
  let dir: string;
  const sshAvailable = has('ssh') && has('ssh-keygen');

  before(function () {
    if (!sshAvailable) {
      console.log('    SKIPPED: no ssh/ssh-keygen on this machine');
      this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvmd-local-'));
  });
  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  const keygen = (name: string, extra: string[] = []): string => {
    const f = path.join(dir, name);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'cvmd-test', '-f', f, ...extra], { stdio: 'ignore' });
    return f;
  };
  const target = (host: string, over: Partial<Target> = {}): Target => ({
    host, port: 22, protocol: 'ssh', user: 'root', altPorts: [], timeoutMs: 3000, icmp: false, ...over,
  });
  const run = (t: Target, identityFile?: string, passphrase?: string) => {
    const asked: string[] = [];
    return diagnose(t, { probes: probesFor(asked), ...(identityFile ? { credentials: { identityFile, ...(passphrase ? { passphrase } : {}) } } : {}) })
      .then((r) => ({ r, asked }));
  };

  describe('ssh -G on config files', () => {
    it('an Include that changes the HostName: the alias is diagnosed as ssh would connect', async () => {
      const inc = path.join(dir, 'inc.conf');
      fs.writeFileSync(inc, 'HostName 192.0.2.7\nUser deploy\nPort 2200\n');
      const cfg = path.join(dir, 'include.conf');
      fs.writeFileSync(cfg, `Host webalias\n  Include ${inc}\n`);
      const { r, asked } = await run(target('webalias', { sshConfig: { file: cfg, userGiven: false, portGiven: false } }));
      assert.deepStrictEqual(asked, ['192.0.2.7'], 'DNS asked for the HostName the Include set');
      assert.strictEqual(r.target.host, '192.0.2.7');
      assert.strictEqual(r.target.name, 'webalias');
      assert.strictEqual(r.target.port, 2200);
      assert.strictEqual(r.target.user, 'deploy');
      assert.strictEqual(r.verdict.code, 'PORT_CLOSED');
      const local = r.checks.find((c) => c.id === 'local.config')!;
      assert.strictEqual(local.status, 'pass');
      assert.match(local.summary, /OpenSSH connects to deploy@192\.0\.2\.7 port 2200 \(from .*include\.conf: HostName 192\.0\.2\.7, User deploy, Port 2200\)/);
      assert.ok(r.findings.some((f) => f.code === 'LOCAL_CONFIG_APPLIED' && /webalias/.test(f.message)), JSON.stringify(r.findings));
      assert.match(r.verdict.summary, /port 2200/i);
    });

    it('a Match host block applies to the address typed: its User and IdentityFile are used', async () => {
      const k = keygen('match_key');
      const cfg = path.join(dir, 'match.conf');
      fs.writeFileSync(cfg, `Match host 192.0.2.9\n  User matched\n  IdentityFile ${k}\nHost *\n  User other\n`);
      const { r } = await run(target('192.0.2.9', { sshConfig: { file: cfg, userGiven: false, portGiven: false } }));
      assert.strictEqual(r.target.user, 'matched');
      const keys = r.checks.find((c) => c.id === 'local.keys')!;
      assert.strictEqual(keys.status, 'pass', keys.summary);
      assert.match(keys.summary, new RegExp(`${k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: OpenSSH format, mode 0600`));
      assert.ok(r.findings.some((f) => f.code === 'LOCAL_CONFIG_APPLIED' && /User matched/.test(f.message)));
    });

    it('a syntax error: LOCAL_CONFIG_ERROR with OpenSSH\'s own message, the file, the line and the check, and nothing sent', async () => {
      const cfg = path.join(dir, 'bad.conf');
      fs.writeFileSync(cfg, 'Host x\n  HostName 192.0.2.7\n  Bogusoption yes\n');
      const { r, asked } = await run(target('x', { sshConfig: { file: cfg, userGiven: false, portGiven: false } }));
      assert.strictEqual(r.verdict.code, 'LOCAL_CONFIG_ERROR');
      assert.deepStrictEqual(asked, [], 'no DNS query, no packet');
      assert.match(r.verdict.summary, /line 3: Bad configuration option: bogusoption/);
      assert.match(remedyText(r), new RegExp(`Fix line 3 of ${cfg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      assert.match(remedyText(r), /ssh -G -F .*bad\.conf x/);
      const ko = await diagnose(target('x', { sshConfig: { file: cfg, userGiven: false, portGiven: false } }), { probes: probesFor([]), lang: 'ko' });
      assert.match(ko.verdict.title, /ssh 설정 파일을 사용할 수 없습니다/);
      assert.match(remedyText(ko), /3번째 줄을 고치세요/);
    });

    it('ssh -G argv is argv: a host that looks like an option is refused before any run', async () => {
      await assert.rejects(probeLocalConfig({ host: '-oProxyCommand=x', timeoutMs: 1000, signal: new AbortController().signal }), /unsafe host/);
    });
  });

  describe('identity files', () => {
    it('a key with mode 0644: LOCAL_KEY_REFUSED with chmod 600 (OpenSSH refuses it, root included)', async () => {
      const k = keygen('open_key');
      fs.chmodSync(k, 0o644);
      // OpenSSH's own verdict on the same file.
      let opensshSays = '';
      try { execFileSync('ssh-keygen', ['-y', '-f', k], { stdio: 'pipe' }); } catch (e) { opensshSays = String((e as { stderr?: Buffer }).stderr); }
      assert.match(opensshSays, /UNPROTECTED PRIVATE KEY FILE|bad permissions/);
      const { r } = await run(target('192.0.2.7'), k);
      assert.strictEqual(r.verdict.code, 'LOCAL_KEY_REFUSED');
      assert.match(r.verdict.summary, /mode 0644 lets other users read it/);
      assert.ok(r.verdict.remediation.some((s) => s.command === `chmod 600 ${k}`), remedyText(r));
      assert.strictEqual(r.checks.find((c) => c.id === 'local.keys')!.status, 'fail');
    });

    it('PPK v2 and v3 keys: KEY_FORMAT_UNSUPPORTED with the puttygen conversion, saying ssh2 reads v2 but not v3', async function () {
      if (!has('puttygen')) {
        console.log('      SKIPPED: puttygen missing (Debian putty-tools; scripts/ensure-system.sh installs it)');
        this.skip();
      }
      const rsa = path.join(dir, 'rsa_key');
      execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', '', '-f', rsa], { stdio: 'ignore' });
      for (const version of [2, 3]) {
        const ppk = path.join(dir, `key-v${version}.ppk`);
        execFileSync('puttygen', [rsa, '-O', 'private', '--ppk-param', `version=${version}`, '-o', ppk], { stdio: 'ignore' });
        fs.chmodSync(ppk, 0o600);
        const sniffed = await probeLocalKey({ path: ppk, source: 'given' }, { timeoutMs: 1000, signal: new AbortController().signal });
        assert.strictEqual(sniffed.format, `ppk${version}`);
        const { r } = await run(target('192.0.2.7'), ppk);
        assert.strictEqual(r.verdict.code, 'KEY_FORMAT_UNSUPPORTED', `v${version}`);
        assert.match(r.verdict.summary, new RegExp(`PuTTY key \\(PPK v${version}\\); OpenSSH cannot read PPK files \\(CVM Doctor's own SSH library reads PPK v2 RSA and DSA keys, never v3\\)`));
        const convert = path.join(dir, `key-v${version}`);
        assert.ok(r.verdict.remediation.some((s) => s.command === `puttygen ${ppk} -O private-openssh -o ${convert}`), remedyText(r));
        // The conversion shown works: OpenSSH reads its output.
        execFileSync('puttygen', [ppk, '-O', 'private-openssh', '-o', convert], { stdio: 'ignore' });
        fs.chmodSync(convert, 0o600);
        assert.match(execFileSync('ssh-keygen', ['-y', '-f', convert]).toString(), /^ssh-rsa /);
      }
    });

    it('an encrypted key without a passphrase: KEY_FORMAT_UNSUPPORTED naming the passphrase; with it, no problem', async () => {
      const k = keygen('enc_key', []);
      execFileSync('ssh-keygen', ['-q', '-p', '-P', '', '-N', 'secret-pp', '-f', k], { stdio: 'ignore' });
      const { r } = await run(target('192.0.2.7'), k);
      assert.strictEqual(r.verdict.code, 'KEY_FORMAT_UNSUPPORTED');
      assert.match(r.verdict.summary, /encrypted \(OpenSSH format\) and no passphrase was given/);
      assert.match(remedyText(r), /--passphrase-env VAR/);
      const withPp = await run(target('192.0.2.7'), k, 'secret-pp');
      assert.strictEqual(withPp.r.verdict.code, 'PORT_CLOSED');
    });

    it('a public key given as --identity: KEY_FORMAT_UNSUPPORTED pointing at the private key beside it', async () => {
      const k = keygen('pub_given');
      const { r } = await run(target('192.0.2.7'), `${k}.pub`);
      assert.strictEqual(r.verdict.code, 'KEY_FORMAT_UNSUPPORTED');
      assert.match(r.verdict.summary, /a public key, not the private key/);
      assert.ok(r.verdict.remediation.some((s) => s.command === `ssh-keygen -y -f ${k}`), remedyText(r));
    });

    it('a PKCS#8 key is fine for OpenSSH (ssh2 cannot read it): no Local verdict', async () => {
      const k = path.join(dir, 'pkcs8_key');
      execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-m', 'PKCS8', '-N', '', '-f', k], { stdio: 'ignore' });
      const { r } = await run(target('192.0.2.7'), k);
      assert.strictEqual(r.verdict.code, 'PORT_CLOSED');
      assert.match(r.checks.find((c) => c.id === 'local.keys')!.summary, /PKCS#8, mode 0600/);
    });
  });

  describe('ssh-agent', () => {
    let agent: ChildProcess | undefined;
    const sock = () => path.join(dir, 'agent.sock');
    before(async function () {
      if (!has('ssh-agent') || !has('ssh-add')) this.skip();
      agent = spawn('ssh-agent', ['-D', '-a', sock()], { stdio: 'ignore' });
      for (let i = 0; i < 50 && !fs.existsSync(sock()); i++) await new Promise((r) => setTimeout(r, 50));
      for (const n of ['a1', 'a2']) execFileSync('ssh-add', ['-q', keygen(`agent_${n}`)], { env: { PATH: process.env.PATH, SSH_AUTH_SOCK: sock() }, stdio: 'ignore' });
    });
    after(() => { agent?.kill(); });

    it('counts the keys it holds, in the agent protocol', async () => {
      const r = await probeAgent({ socket: sock(), timeoutMs: 2000, signal: new AbortController().signal });
      assert.strictEqual(r.outcome, 'ok');
      assert.strictEqual(r.keys, 2);
    });
    it('a stale SSH_AUTH_SOCK is unreachable, said as such', async () => {
      const r = await probeAgent({ socket: path.join(dir, 'no-such.sock'), timeoutMs: 2000, signal: new AbortController().signal });
      assert.strictEqual(r.outcome, 'unreachable');
      assert.match(r.message ?? '', /ENOENT/);
    });
  });
});
