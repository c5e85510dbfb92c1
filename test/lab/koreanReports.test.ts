/**
 * Korean reports of real SSH failures (real sshd in the lab, real probes, the system OpenSSH
 * where ssh2 cannot negotiate) carry no English sentence of ours: the login, key and key
 * exchange reasons the probes record reach the Korean text by kind, and only what a server,
 * a library or a command said stays English (quoted). The same for real network failures
 * (reject rules, routers, dropped SYNs and pings), pinged through raw sockets, through the
 * system ping (whose own output is quoted) and not at all (CVM_DOCTOR_ICMP=off).
 * Every other lab scenario too, in Korean: no particle pair ("이(가)") nor a detached
 * particle in its texts or its printed and copied forms.
 * Skipped (never passed) with a printed reason when not root or a tool is missing.
 */
import * as assert from 'assert/strict';
import { koreanRuns, particleRuns } from '../support/englishText';
import { renderMarkdown } from '../../src/core/render/markdown';
import { renderText } from '../../src/core/render/text';
import { createLab, Lab, LabHost, xrdpUnavailableReason } from '../support/lab';
import type { Report } from '../../src/core/model';
import { Engine, labEngineOrSkip } from '../support/labEngine';
import { buildScenarioHosts, SCENARIOS } from '../support/labScenarios';

/** The scenarios whose reports are made of SSH session evidence: login, key, key exchange. */
const IDS = [
  'auth-failed', 'host-key-mismatch', 'host-key-unknown', 'pq-only-password', 'pq-only-encrypted-key', 'pq-only-password-old-openssh',
  'pq-only-password-wrong', 'pq-only-encrypted-key-wrong', 'legacy-only-kex',
  'kbd-interactive-only-key', 'kex-stall-reply', 'identity-not-a-key', 'auth-method-unavailable',
];
/** The scenarios whose reports are made of ping and TCP evidence. */
const NET_IDS = [
  'icmp-blocked', 'port-filtered', 'port-closed', 'port-rejected', 'other-port', 'no-response', 'host-rejects-all', 'host-unreachable',
  'first-syn-lost', 'ping-prohibited-port-dropped', 'ping6-prohibited-port-dropped', 'port-prohibited-ping-dropped',
];
/** How the ping is sent (CVM_DOCTOR_ICMP): the scenarios where the ping says something, each way. */
const ICMP_MODES: Array<{ mode: 'raw' | 'system' | 'off'; ids: string[] }> = [
  { mode: 'raw', ids: NET_IDS },
  { mode: 'system', ids: ['host-rejects-all', 'host-unreachable', 'ping-prohibited-port-dropped', 'ping6-prohibited-port-dropped'] },
  { mode: 'off', ids: ['icmp-blocked', 'no-response'] },
];

/** Every text of a report a person reads: verdict, steps, findings, check summaries. */
function reportTexts(r: Report): string[] {
  return [r.verdict.title, r.verdict.summary, ...r.verdict.remediation.map((x) => x.text), ...r.findings.map((f) => f.message), ...r.checks.map((c) => c.summary)];
}

/** A Korean report as a reader meets it: no English of ours in its texts, and no particle
 *  pair or detached particle anywhere in it as printed (text) or copied (Markdown). */
function assertKorean(r: Report): void {
  assert.deepEqual(koreanRuns(reportTexts(r)), []);
  assert.deepEqual(particleRuns([...renderText(r, { color: false }).split('\n'), ...renderMarkdown(r).split('\n')], { joined: true }), []);
}

describe('(lab) Korean reports of SSH login, key and key-exchange failures', function () {
  this.timeout(120_000);
  let lab: Lab | undefined;
  let engine: Engine;
  let hosts = new Map<string, LabHost | Error>();
  const scenarios = SCENARIOS.filter((s) => IDS.includes(s.id));

  before(async function () {
    engine = labEngineOrSkip(this, 'Korean lab reports');
    assert.equal(scenarios.length, IDS.length, 'every scenario named exists');
    lab = await createLab();
    hosts = await buildScenarioHosts(lab, scenarios);
  });

  after(async () => {
    await lab?.destroy();
  });

  for (const s of scenarios) {
    it(`${s.id}: ${s.verdict} in Korean, without English of ours`, async () => {
      const h = hosts.get(s.id);
      if (h instanceof Error) throw h;
      assert.ok(h && lab, `host for ${s.id} was not built`);
      const { target, credentials, cleanup } = await s.run(h, lab);
      try {
        const r = await engine.diagnose(target, { probes: engine.createProbes(), credentials, lang: 'ko' });
        assert.equal(r.lang, 'ko');
        assert.equal(r.verdict.code, s.verdict, JSON.stringify(r.checks));
        for (const f of s.findings ?? []) assert.ok(r.findings.some((x) => x.code === f), `finding ${f}`);
        assertKorean(r);
      } finally {
        cleanup?.();
      }
    });
  }
});

describe('(lab) Korean reports of ping and TCP failures', function () {
  this.timeout(120_000);
  let lab: Lab | undefined;
  let engine: Engine;
  let hosts = new Map<string, LabHost | Error>();
  const scenarios = SCENARIOS.filter((s) => NET_IDS.includes(s.id));
  const savedMode = process.env.CVM_DOCTOR_ICMP;

  before(async function () {
    engine = labEngineOrSkip(this, 'Korean lab reports');
    assert.equal(scenarios.length, NET_IDS.length, 'every scenario named exists');
    lab = await createLab();
    hosts = await buildScenarioHosts(lab, scenarios);
  });

  after(async () => {
    if (savedMode === undefined) delete process.env.CVM_DOCTOR_ICMP; else process.env.CVM_DOCTOR_ICMP = savedMode;
    await lab?.destroy();
  });

  for (const { mode, ids } of ICMP_MODES) {
    for (const s of scenarios.filter((x) => ids.includes(x.id))) {
      it(`${s.id} (ping: ${mode}): ${s.verdict} in Korean, without English of ours`, async () => {
        const h = hosts.get(s.id);
        if (h instanceof Error) throw h;
        assert.ok(h && lab, `host for ${s.id} was not built`);
        const { target, credentials, cleanup } = await s.run(h, lab);
        process.env.CVM_DOCTOR_ICMP = mode;
        try {
          const r = await engine.diagnose(target, { probes: engine.createProbes(), credentials, lang: 'ko' });
          assert.equal(r.verdict.code, s.verdict, JSON.stringify(r.checks));
          const icmp = r.checks.find((c) => c.id === 'icmp');
          assert.equal(icmp?.evidence.method, mode === 'raw' ? 'raw-socket' : mode === 'system' ? 'system-ping' : 'none', JSON.stringify(icmp));
          if (mode === 'off') assert.ok(r.findings.some((f) => f.code === 'ICMP_UNAVAILABLE' && f.message.includes('꺼져 있음(CVM_DOCTOR_ICMP=off)')), JSON.stringify(r.findings));
          // The system ping's own line is quoted as it printed it (its sender and its words).
          if (mode === 'system' && typeof icmp?.evidence.pingOutput === 'string') assert.ok(icmp.summary.includes(`"${icmp.evidence.pingOutput}"`), icmp.summary);
          assertKorean(r);
        } finally {
          if (savedMode === undefined) delete process.env.CVM_DOCTOR_ICMP; else process.env.CVM_DOCTOR_ICMP = savedMode;
          cleanup?.();
        }
      });
    }
  }
});

describe('(lab) every other lab scenario, diagnosed in Korean', function () {
  this.timeout(120_000);
  let lab: Lab | undefined;
  let engine: Engine;
  let hosts = new Map<string, LabHost | Error>();
  const scenarios = SCENARIOS.filter((s) => !IDS.includes(s.id) && !NET_IDS.includes(s.id));

  before(async function () {
    engine = labEngineOrSkip(this, 'Korean lab reports');
    lab = await createLab();
    hosts = await buildScenarioHosts(lab, scenarios.filter((s) => !(s.rdp && xrdpUnavailableReason())));
  });

  after(async () => {
    await lab?.destroy();
  });

  for (const s of scenarios) {
    it(`${s.id}: ${s.verdict} in Korean, without English of ours or particle pairs`, async function () {
      if (s.rdp && xrdpUnavailableReason()) {
        console.log(`      SKIPPED ${s.id}: ${xrdpUnavailableReason()}`);
        this.skip();
      }
      const h = hosts.get(s.id);
      if (h instanceof Error) throw h;
      assert.ok(h && lab, `host for ${s.id} was not built`);
      const { target, credentials, cleanup } = await s.run(h, lab);
      try {
        const r = await engine.diagnose(target, { probes: engine.createProbes(), credentials, lang: 'ko' });
        assert.equal(r.verdict.code, s.verdict, JSON.stringify(r.checks));
        assertKorean(r);
      } finally {
        cleanup?.();
      }
    });
  }
});
