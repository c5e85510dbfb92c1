/**
 * The built CLI (`node dist/cli.js diagnose ... --json`) against real lab hosts: exit codes
 * 0 / 1 / 2 and the JSON contract of DESIGN.md "CLI contract".
 */
import * as assert from 'assert/strict';
import { createLab, Lab, LabHost, labUnavailableReason } from '../support/lab';
import { cliUnavailableReason, LAB_TIMEOUT_MS, runCli } from '../support/labEngine';
import { assertReportSchema } from '../support/reportSchema';

describe('(lab) CLI against lab hosts', function () {
  this.timeout(60_000);
  let lab: Lab | undefined;
  let healthy: LabHost, filtered: LabHost;
  const timeout = String(LAB_TIMEOUT_MS);

  before(async function () {
    const reason = labUnavailableReason() ?? cliUnavailableReason();
    if (reason) {
      console.log(`    SKIPPED lab CLI tests: ${reason}`);
      this.skip();
    }
    lab = await createLab();
    [healthy, filtered] = await Promise.all([
      lab.addHost({ label: 'cli-healthy', sshd: {} }),
      lab.addHost({ label: 'cli-filtered', sshd: {}, nft: 'tcp dport 22 drop' }),
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
