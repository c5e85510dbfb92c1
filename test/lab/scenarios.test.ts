/**
 * Every lab scenario through `diagnose()` with the real probes: a real broken host per case
 * (network namespace, OpenSSH sshd, nftables), asserting the verdict code and the evidence.
 * Skipped (never passed) with a printed reason when not root or a tool is missing.
 */
import * as assert from 'assert/strict';
import { createLab, Lab, LabHost, xrdpUnavailableReason } from '../support/lab';
import { Engine, LAB_TIMEOUT_MS, labEngineOrSkip } from '../support/labEngine';
import { buildScenarioHosts, SCENARIOS, verifyScenario } from '../support/labScenarios';

describe('(lab) broken hosts diagnosed by the engine', function () {
  this.timeout(120_000);
  let lab: Lab | undefined;
  let engine: Engine;
  let hosts = new Map<string, LabHost | Error>();

  before(async function () {
    engine = labEngineOrSkip(this, 'lab tests');
    lab = await createLab();
    hosts = await buildScenarioHosts(lab, SCENARIOS.filter((s) => !(s.rdp && xrdpUnavailableReason())));
  });

  after(async () => {
    await lab?.destroy();
  });

  for (const s of SCENARIOS) {
    it(`${s.id}: ${s.title} → ${s.verdict}`, async function () {
      if (s.rdp) {
        const why = xrdpUnavailableReason();
        if (why) {
          console.log(`      SKIPPED ${s.id}: ${why}`);
          this.skip();
        }
      }
      const h = hosts.get(s.id);
      if (h instanceof Error) throw h;
      assert.ok(h && lab, `host for ${s.id} was not built`);
      const { target, credentials, cleanup } = await s.run(h, lab);
      const t0 = Date.now();
      try {
        const r = await engine.diagnose(target, { probes: engine.createProbes(), credentials });
        const elapsed = Date.now() - t0;
        verifyScenario(s, r, h, lab);
        // DESIGN: the whole run ends within a few multiples of the per-probe timeout.
        assert.ok(elapsed < 4 * LAB_TIMEOUT_MS + 1000, `${s.id} took ${elapsed} ms (timeout ${LAB_TIMEOUT_MS} ms)`);
        assert.ok(r.checks.every((c) => c.durationMs >= 0 && c.durationMs <= elapsed + 50), 'check durations within the run');
      } finally {
        cleanup?.();
      }
    });
  }
});
