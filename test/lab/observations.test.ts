/**
 * Cases where DESIGN leaves the verdict open: recorded and printed, with the verdict tied to
 * the evidence that must back it.
 *
 * An HTTP server is silent until the client speaks. The banner stage only listens, so the
 * engine sees silence (BANNER_TIMEOUT) unless it sends something and recognises HTTP (NOT_SSH).
 */
import * as assert from 'assert/strict';
import { createLab, Lab, LabHost, labUnavailableReason } from '../support/lab';
import { Engine, labTarget, loadEngine } from '../support/labEngine';
import { check, evidenceField } from '../support/labScenarios';

describe('(lab) open cases, recorded', function () {
  this.timeout(60_000);
  let lab: Lab | undefined;
  let engine: Engine;
  let http: LabHost;

  before(async function () {
    const e = loadEngine();
    const reason = labUnavailableReason() ?? (typeof e === 'string' ? e : undefined);
    if (reason) {
      console.log(`    SKIPPED lab observations: ${reason}`);
      this.skip();
    }
    engine = e as Engine;
    lab = await createLab();
    http = await lab.addHost({ label: 'http', servers: [{ kind: 'http', port: 22 }] });
  });

  after(async () => {
    await lab?.destroy();
  });

  it('silent HTTP server on 22: BANNER_TIMEOUT (banner timeout) or NOT_SSH (HTTP answer seen)', async () => {
    const r = await engine.diagnose(labTarget(http.ipv4), { probes: engine.createProbes() });
    const banner = check(r, 'banner');
    console.log(`      observed: verdict ${r.verdict.code}; banner ${JSON.stringify(banner.evidence)}`);
    if (r.verdict.code === 'BANNER_TIMEOUT') {
      assert.equal(evidenceField(banner, 'outcome'), 'timeout');
    } else {
      assert.equal(r.verdict.code, 'NOT_SSH');
      assert.match(JSON.stringify(r.checks), /HTTP\/1\.1 400/);
    }
  });
});
