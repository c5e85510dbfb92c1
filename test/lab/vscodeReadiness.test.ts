/**
 * (lab) The VS Code readiness checks over a real login session: each readiness verdict on a
 * real sshd in its own network and mount namespace. The download host is the test's own HTTP
 * server on the root side of each host's veth (never the internet).
 */
import * as assert from 'assert/strict';
import * as http from 'http';
import * as fs from 'fs';
import type { Report } from '../../src/core/model';
import { createLab, type Lab, type LabHost } from '../support/lab';
import { cliUnavailableReason, labEngineOrSkip, labTarget, runCli, type Engine } from '../support/labEngine';
import { assertReportSchema } from '../support/reportSchema';

/** A fixed port on each host's own root-side address (unique per slot, so runs cannot clash). */
const DOWNLOAD_PORT = 18080;

describe('(lab) VS Code readiness over the login session', function () {
  this.timeout(90_000);
  let lab: Lab | undefined;
  let engine: Engine;
  const servers: http.Server[] = [];
  let healthy: LabHost, noForwarding: LabHost, fullHome: LabHost, blocked: LabHost, noFetcher: LabHost;
  const heads: string[] = [];

  before(async function () {
    engine = labEngineOrSkip(this, 'VS Code readiness');
    lab = await createLab();
    [healthy, noForwarding, fullHome, blocked, noFetcher] = await Promise.all([
      lab.addHost({ label: 'vsc-healthy', sshd: {}, guest: {} }),
      lab.addHost({ label: 'vsc-no-forwarding', sshd: { extraConfig: ['AllowTcpForwarding no'] }, guest: {} }),
      lab.addHost({ label: 'vsc-full-home', sshd: {}, guest: { homeTmpfsKb: 1024, fillHome: true } }),
      lab.addHost({
        label: 'vsc-download-dropped', sshd: {}, guest: {},
        nft: `table inet cvmdlab {\n  chain output {\n    type filter hook output priority 0; policy accept;\n    ip daddr {rootIpv4} tcp dport ${DOWNLOAD_PORT} drop\n  }\n}\n`,
      }),
      lab.addHost({ label: 'vsc-no-curl-wget', sshd: {}, guest: { pathWithout: ['curl', 'wget'] } }),
    ]);
    for (const h of [healthy, noForwarding, fullHome, blocked, noFetcher]) {
      const srv = http.createServer((req, res) => {
        heads.push(`${req.method} ${h.label}`);
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '0' });
        res.end();
      });
      await new Promise<void>((resolve, reject) => { srv.once('error', reject); srv.listen(DOWNLOAD_PORT, h.rootIpv4, resolve); });
      servers.push(srv);
    }
  });

  after(async () => {
    for (const s of servers) s.close();
    await lab?.destroy();
  });

  const urlFor = (h: LabHost) => `http://${h.rootIpv4}:${DOWNLOAD_PORT}/commit/server-linux-x64/stable`;
  async function diagnose(h: LabHost): Promise<Report> {
    const kh = lab!.writeKnownHosts([h.knownHostsLine]);
    return engine.diagnose(labTarget(h.ipv4, { user: lab!.user, knownHostsPath: kh, vscodeServer: { downloadUrl: urlFor(h) } }), {
      probes: engine.createProbes(), credentials: { identityFile: lab!.clientKeyPath },
    });
  }
  const item = (r: Report, id: string) => {
    const c = r.checks.find((x) => x.id === `vscode.${id}`);
    assert.ok(c, `no vscode.${id} check: ${r.checks.map((x) => x.id).join(', ')}`);
    return c;
  };
  const statuses = (r: Report) => Object.fromEntries(r.checks.filter((c) => c.id.startsWith('vscode.')).map((c) => [c.id.slice(7), c.status]));

  it('healthy host: every item passes and the verdict is OK', async () => {
    const r = await diagnose(healthy);
    assert.equal(r.verdict.code, 'OK', `${r.verdict.summary}\n${JSON.stringify(statuses(r))}\n${healthy.log()}`);
    assert.deepEqual(statuses(r), {
      platform: 'pass', glibc: 'pass', libstdcxx: 'pass', kernel: 'pass', tar: 'pass', disk: 'pass', fetcher: 'pass', download: 'pass', forwarding: 'pass',
    });
    assert.equal(item(r, 'forwarding').evidence.target, '127.0.0.1:22');
    assert.ok(heads.includes(`HEAD vsc-healthy`), `the instance sent no HEAD: ${heads.join(', ')}`);
    assert.ok(!r.findings.some((f) => f.code === 'REMOTE_DOWNLOAD_BLOCKED'));
  });

  it('AllowTcpForwarding no: PORT_FORWARDING_DISABLED, quoting sshd\'s refusal', async () => {
    const r = await diagnose(noForwarding);
    assert.equal(r.verdict.code, 'PORT_FORWARDING_DISABLED', JSON.stringify(statuses(r)));
    assert.equal(item(r, 'forwarding').status, 'fail');
    assert.match(r.verdict.remediation.map((s) => `${s.text} ${s.command ?? ''}`).join('\n'), /AllowTcpForwarding yes/);
    assert.equal(item(r, 'disk').status, 'pass');
  });

  it('a full home (tmpfs in the host\'s own mount namespace): DISK_FULL', async () => {
    const r = await diagnose(fullHome);
    assert.equal(r.verdict.code, 'DISK_FULL', JSON.stringify(statuses(r)));
    assert.equal(item(r, 'disk').status, 'fail');
    assert.match(String(item(r, 'disk').evidence.problems), /^space:\S+\/home:0 MB/);
    // Only this host's namespace sees the tmpfs: the machine's own mounts are untouched.
    assert.ok(!fs.readFileSync('/proc/mounts', 'utf8').includes('cvmd-home'));
  });

  it('download host dropped by nft: OK with the finding REMOTE_DOWNLOAD_BLOCKED', async () => {
    const r = await diagnose(blocked);
    assert.equal(r.verdict.code, 'OK', JSON.stringify(statuses(r)));
    assert.equal(item(r, 'download').status, 'warn');
    const f = r.findings.find((x) => x.code === 'REMOTE_DOWNLOAD_BLOCKED');
    assert.ok(f, JSON.stringify(r.findings));
    assert.match(f.message, /localServerDownload/);
    assert.ok(!heads.includes('HEAD vsc-download-dropped'), 'the drop rule let a request through');
  });

  it('no curl or wget on the login PATH: OK with REMOTE_DOWNLOAD_BLOCKED, download not tried', async () => {
    const r = await diagnose(noFetcher);
    assert.equal(r.verdict.code, 'OK', JSON.stringify(statuses(r)));
    assert.equal(item(r, 'fetcher').status, 'warn');
    assert.equal(item(r, 'download').status, 'skip');
    assert.equal(item(r, 'tar').status, 'pass');
    assert.ok(r.findings.some((x) => x.code === 'REMOTE_DOWNLOAD_BLOCKED'));
  });

  it('the CLI: --check-vscode-server with CVM_DOCTOR_VSCODE_DOWNLOAD_URL, exit 1 on a blocking item', async function () {
    const reason = cliUnavailableReason();
    if (reason) { console.log(`    SKIPPED: ${reason}`); this.skip(); }
    const kh = lab!.writeKnownHosts([noForwarding.knownHostsLine]);
    const r = await runCli(['diagnose', noForwarding.ipv4, '-u', lab!.user, '-i', lab!.clientKeyPath, '--known-hosts', kh, '--check-vscode-server', '--json'],
      { env: { CVM_DOCTOR_VSCODE_DOWNLOAD_URL: urlFor(noForwarding) } });
    assert.equal(r.code, 1, r.stderr);
    const o = JSON.parse(r.stdout);
    assertReportSchema(o);
    assert.equal(o.verdict.code, 'PORT_FORWARDING_DISABLED');
    const bad = await runCli(['diagnose', noForwarding.ipv4, '--check-vscode-server'], { env: { CVM_DOCTOR_VSCODE_DOWNLOAD_URL: "http://x/'a" } });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /CVM_DOCTOR_VSCODE_DOWNLOAD_URL/);
  });
});
