/**
 * (lab) A single `diagnose --jump` whose bastion drops the connection while the target behind
 * it is being probed: real sshd bastions and targets (jumpLab.ts; the CLI runs in a namespace
 * without a default route). The target's sshd listener is frozen (SIGSTOP: the kernel still
 * completes the bastion's connect, no banner comes) so the probe of hop 2 is surely under way
 * when the bastion's sshd process for our connection is killed; then the listener is resumed.
 * The bastion's own sshd log counts the logins, never our bookkeeping.
 */
import * as assert from 'assert/strict';
import type { Report } from '../../src/core/model';
import { createJumpTopology, type JumpTopology } from '../support/jumpLab';
import { labUnavailableReason, type LabHost } from '../support/lab';
import { cliUnavailableReason } from '../support/labEngine';
import { assertReportSchema } from '../support/reportSchema';
import { killSessions, signalListener } from '../support/sshdProcs';

const TIMEOUT_MS = '4000';
const WRONG_ABOUT_TARGET = ['HOST_UNREACHABLE', 'AUTH_FAILED', 'CONNECTION_CLOSED', 'NO_RESPONSE', 'PORT_FILTERED', 'BANNER_TIMEOUT'];

describe('(lab) diagnose --jump: the bastion drops the connection mid-run', function () {
  this.timeout(120_000);
  let j: JumpTopology | undefined;
  let bastionA: LabHost, bastionB: LabHost, targetA: LabHost, targetB: LabHost;
  let kh = '';

  before(async function () {
    const reason = labUnavailableReason() ?? cliUnavailableReason();
    if (reason) {
      console.log(`    SKIPPED jump drop lab tests: ${reason}`);
      this.skip();
    }
    j = await createJumpTopology();
    [bastionA, bastionB] = await Promise.all([
      j.addBastion({ label: 'drop-bastion-a', sshd: {} }),
      // Its nft table takes the drop rule of the "stops accepting" test.
      j.addBastion({ label: 'drop-bastion-b', sshd: {}, nft: 'tcp dport 22 ct state new counter' }),
    ]);
    [targetA, targetB] = await Promise.all([
      j.addBehind(bastionA, { label: 'drop-target-a', sshd: {} }),
      j.addBehind(bastionB, { label: 'drop-target-b', sshd: {} }),
    ]);
    await j.assertIsolation();
    kh = j.lab.writeKnownHosts([bastionA, bastionB, targetA, targetB].map((h) => h.knownHostsLine));
  });

  after(async () => {
    // Never leave a frozen listener behind, whatever failed.
    for (const h of [targetA, targetB]) if (h) await signalListener(h, 'SIGCONT');
    await j?.destroy();
  });

  const logins = (b: LabHost) => (b.log().match(/Accepted publickey for /g) ?? []).length;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  /** Waits (bounded) until the bastion's sshd has logged `n` logins. */
  const untilLogins = async (b: LabHost, n: number) => {
    for (let i = 0; i < 400 && logins(b) < n; i++) await sleep(25);
    assert.equal(logins(b), n, `${n} login(s) in the bastion's sshd log`);
  };

  /** Runs `diagnose target --jump bastion` with the target's listener frozen; `during` kills
   *  the bastion's connection(s) while hop 2 waits for its banner, then the target is resumed. */
  async function dropRun(bastion: LabHost, target: LabHost, during: (before: number) => Promise<void>) {
    assert.equal(await signalListener(target, 'SIGSTOP'), 1, "the target's sshd listener is frozen");
    const before = logins(bastion);
    let finished = false;
    try {
      const run = j!.runCli([
        'diagnose', target.ipv4, '--jump', `${j!.lab.user}@${bastion.ipv4}`, '--user', j!.lab.user,
        '-i', j!.lab.clientKeyPath, '--known-hosts', kh, '--timeout', TIMEOUT_MS, '--json',
      ], { timeoutMs: 90_000 }).finally(() => { finished = true; });
      await during(before);
      assert.ok(!finished, 'the diagnosis was still running at the kill');
      await signalListener(target, 'SIGCONT');
      const r = await run;
      const report = JSON.parse(r.stdout) as Report;
      assertReportSchema(report);
      return { r, report, logins: logins(bastion) - before };
    } finally {
      await signalListener(target, 'SIGCONT');
    }
  }
  /** Kills the bastion's sshd processes for our connection once hop 2 is under way. */
  const killAfterLogin = async (bastion: LabHost, n: number) => {
    await untilLogins(bastion, n);
    await sleep(500); // hop 2's channel is open, its banner awaited (the listener is frozen)
    assert.ok(await killSessions(bastion) > 0, "an sshd process served the bastion's connection");
  };

  it('killed once, the bastion accepts again: logged in to once more, the target OK (never a verdict from the cut connection)', async () => {
    const { r, report, logins: n } = await dropRun(bastionA, targetA, (before) => killAfterLogin(bastionA, before + 1));
    assert.equal(report.verdict.code, 'OK', `${report.verdict.code} on hop ${report.verdict.hop}: ${report.verdict.summary}\n${r.stderr}`);
    assert.equal(report.verdict.hop, 2);
    assert.equal(r.code, 0);
    assert.equal(n, 2, 'one login, then one reconnect: no more');
    const lost = report.findings.find((f) => f.code === 'JUMP_CONNECTION_LOST');
    assert.match(lost?.message ?? '', /connection to bastion .* was lost while hop 2 was being diagnosed/);
    // The report holds the fresh walk only: one set of checks per hop, hop 2's banner passed.
    assert.equal(report.checks.filter((c) => c.id === 'hop2.banner').length, 1);
    assert.equal(report.checks.find((c) => c.id === 'hop2.banner')?.status, 'pass');
  });

  it('killed, then the bastion stops accepting (nft drop on its port 22): the bastion\'s own verdict, saying the connection was lost', async () => {
    const { r, report, logins: n } = await dropRun(bastionB, targetB, async (before) => {
      await untilLogins(bastionB, before + 1);
      // New connections dropped first (ours stays up), then ours killed: the reconnect finds
      // a bastion that no longer answers.
      await bastionB.exec(['nft', 'add', 'rule', 'inet', 'cvmdlab', 'input', 'tcp', 'dport', '22', 'ct', 'state', 'new', 'drop']);
      await killAfterLogin(bastionB, before + 1);
    });
    try {
      assert.equal(report.verdict.hop, 1, `${report.verdict.code} on hop ${report.verdict.hop}: ${report.verdict.summary}\n${r.stderr}`);
      assert.ok(['PORT_FILTERED', 'NO_RESPONSE'].includes(report.verdict.code), report.verdict.code);
      assert.match(report.verdict.summary, /^Hop 1 of 2 \(bastion .*The connection to this bastion was lost during the diagnosis \(while hop 2 was being diagnosed\)/);
      assert.ok(report.findings.some((f) => f.code === 'JUMP_CONNECTION_LOST'));
      assert.ok(!report.checks.some((c) => c.hop === 2), 'no check of hop 2: it was not reached again');
      assert.equal(r.code, 1);
      assert.equal(n, 1, 'no second login: the bastion no longer accepts');
    } finally {
      // Back to the counter alone (the rule added above is the chain's last).
      await bastionB.exec(['nft', 'flush', 'chain', 'inet', 'cvmdlab', 'input']);
      await bastionB.exec(['nft', 'add', 'rule', 'inet', 'cvmdlab', 'input', 'tcp', 'dport', '22', 'ct', 'state', 'new', 'counter']);
    }
  });

  it('killed again after the reconnect: the bastion keeps dropping the connection — a verdict about hop 1, none about the target', async () => {
    const { r, report, logins: n } = await dropRun(bastionA, targetA, async (before) => {
      await killAfterLogin(bastionA, before + 1);
      await killAfterLogin(bastionA, before + 2);
    });
    assert.equal(report.verdict.code, 'CONNECTION_CLOSED', report.verdict.summary);
    assert.equal(report.verdict.hop, 1);
    assert.match(report.verdict.title, /keeps dropping the connection/);
    assert.ok(!WRONG_ABOUT_TARGET.includes(report.verdict.code) || report.verdict.hop === 1);
    assert.ok(!report.checks.some((c) => c.hop === 2), 'the checks that ran over the dead connection are left out');
    assert.ok(report.checks.some((c) => c.id === 'hop1.login' && c.status === 'pass'), "the bastion's own evidence: its login worked");
    assert.match(report.findings.find((f) => f.code === 'JUMP_CONNECTION_LOST')?.message ?? '', /and again after connecting to it once more/);
    assert.equal(r.code, 1);
    assert.equal(n, 2, 'one reconnect only');
  });
});
