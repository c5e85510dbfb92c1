/**
 * Korean reports of real SSH failures (real sshd in the lab, real probes, the system OpenSSH
 * where ssh2 cannot negotiate) carry no English sentence of ours: the login, key and key
 * exchange reasons the probes record reach the Korean text by kind, and only what a server,
 * a library or a command said stays English (quoted).
 * Skipped (never passed) with a printed reason when not root or a tool is missing.
 */
import * as assert from 'assert/strict';
import { englishSentences } from '../support/englishText';
import { createLab, Lab, LabHost } from '../support/lab';
import { Engine, labEngineOrSkip } from '../support/labEngine';
import { buildScenarioHosts, SCENARIOS } from '../support/labScenarios';

/** The scenarios whose reports are made of SSH session evidence: login, key, key exchange. */
const IDS = [
  'auth-failed', 'host-key-mismatch', 'host-key-unknown', 'pq-only-password', 'pq-only-encrypted-key', 'legacy-only-kex',
  'kbd-interactive-only-key', 'kex-stall-reply', 'identity-not-a-key', 'auth-method-unavailable',
];

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
        const texts = [r.verdict.title, r.verdict.summary, ...r.verdict.remediation.map((x) => x.text), ...r.findings.map((f) => f.message), ...r.checks.map((c) => c.summary)];
        const bad = texts.flatMap((t) => englishSentences(t).map((e) => `${e}   ⟵   ${t}`));
        assert.deepEqual(bad, []);
      } finally {
        cleanup?.();
      }
    });
  }
});
