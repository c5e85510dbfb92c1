/**
 * (lab) `diagnose <alias>` through the bastion its ssh config names where only `ssh -G` sees it
 * (a Match block: the static reader does not evaluate Match), as `ssh alias` would go: the
 * Local layer's effective ProxyJump becomes the jump chain, each hop looked up with `ssh -G`.
 * The CLI runs in a namespace without a default route (jumpLab.ts): the private host answers
 * only through the bastion.
 */
import * as assert from 'assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import type { Report } from '../../src/core/model';
import { createJumpTopology, type JumpTopology } from '../support/jumpLab';
import { labUnavailableReason, type LabHost } from '../support/lab';
import { cliUnavailableReason } from '../support/labEngine';
import { assertReportSchema } from '../support/reportSchema';

describe('(lab) diagnose <alias>: the ProxyJump ssh -G evaluates is followed', function () {
  this.timeout(120_000);
  let j: JumpTopology | undefined;
  let bastion: LabHost, priv: LabHost;
  let kh = '';
  let cfg = '';

  before(async function () {
    const reason = labUnavailableReason() ?? cliUnavailableReason();
    if (reason) {
      console.log(`    SKIPPED local ProxyJump lab tests: ${reason}`);
      this.skip();
    }
    j = await createJumpTopology();
    bastion = await j.addBastion({ label: 'localjump-bastion', sshd: {} });
    priv = await j.addBehind(bastion, { label: 'localjump-private', sshd: {} });
    await j.assertIsolation();
    kh = j.lab.writeKnownHosts([bastion.knownHostsLine, priv.knownHostsLine]);
    cfg = path.join(j.lab.dir, 'ssh_config_match');
    fs.writeFileSync(cfg, [
      'Host lab-private',
      `  HostName ${priv.ipv4}`,
      `  User ${j.lab.user}`,
      'Match originalhost lab-private',
      '  ProxyJump lab-bastion',
      'Host lab-bastion',
      `  HostName ${bastion.ipv4}`,
      `  User ${j.lab.user}`,
      `  IdentityFile ${j.lab.clientKeyPath}`,
    ].join('\n') + '\n');
  });

  after(async () => {
    await j?.destroy();
  });

  const diagnose = async (extra: string[] = []) => {
    const r = await j!.runCli(['diagnose', 'lab-private', '--ssh-config', cfg, '-i', j!.lab.clientKeyPath, '--known-hosts', kh, '--timeout', '2000', '--json', ...extra]);
    let report: Report;
    try {
      report = JSON.parse(r.stdout) as Report;
    } catch {
      throw new Error(`no JSON (exit ${r.code}): ${r.stderr}\n${r.stdout}`);
    }
    assertReportSchema(report);
    return { code: r.code, report };
  };

  it('an alias whose ProxyJump only ssh -G sees: diagnosed through its bastion, OK on hop 2, the Local layer in the report', async () => {
    const { code, report } = await diagnose();
    assert.equal(report.verdict.code, 'OK', report.verdict.summary);
    assert.equal(code, 0);
    assert.equal(report.verdict.hop, 2);
    assert.deepEqual(report.target.jump?.map((h) => [h.host, h.name]), [[bastion.ipv4, 'lab-bastion']]);
    assert.equal(report.target.host, priv.ipv4);
    assert.equal(report.target.name, 'lab-private');
    const ids = report.checks.map((c) => c.id);
    assert.ok(ids.some((id) => !id.startsWith('hop')), `the Local layer's checks come first: ${ids.join(' ')}`);
    assert.ok(ids.includes('hop1.tcp') && ids.includes('hop2.tcp'), ids.join(' '));
  });

  it('--jump none: the config\'s ProxyJump is not followed (a direct attempt, which has no route here)', async () => {
    const { report } = await diagnose(['--jump', 'none']);
    assert.equal(report.target.jump, undefined);
    assert.notEqual(report.verdict.code, 'OK');
    assert.ok(report.checks.every((c) => c.hop === undefined));
  });
});
