/**
 * Cases where DESIGN leaves the verdict open: recorded and printed, with the verdict tied to
 * the evidence that must back it.
 *
 * An HTTP server is silent until the client speaks. The banner stage only listens, so the
 * engine sees silence (BANNER_TIMEOUT) unless it sends something and recognises HTTP (NOT_SSH).
 */
import * as assert from 'assert/strict';
import { createLab, Lab, LabHost } from '../support/lab';
import { Engine, labTarget, labEngineOrSkip } from '../support/labEngine';
import { check, evidenceField } from '../support/labScenarios';

describe('(lab) open cases, recorded', function () {
  this.timeout(60_000);
  let lab: Lab | undefined;
  let engine: Engine;
  let http: LabHost;

  before(async function () {
    engine = labEngineOrSkip(this, 'lab observations');
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
