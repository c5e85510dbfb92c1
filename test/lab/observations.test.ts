/**
 * A server that waits for the client to speak first. An HTTP server is silent until the
 * client speaks, and the banner stage only listens (it sends nothing before the server's
 * identification line, so the bytes it read can be replayed to ssh2 untouched): the engine
 * sees silence, and the verdict is BANNER_TIMEOUT, never a guess at the protocol.
 */
import * as assert from 'assert/strict';
import { createLab, Lab, LabHost } from '../support/lab';
import { Engine, labTarget, labEngineOrSkip } from '../support/labEngine';
import { check, evidenceField } from '../support/labScenarios';

describe('(lab) a server that waits for the client to speak', function () {
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

  it('silent HTTP server on 22: BANNER_TIMEOUT, with the banner stage\'s timeout as its evidence', async () => {
    const r = await engine.diagnose(labTarget(http.ipv4), { probes: engine.createProbes() });
    const banner = check(r, 'banner');
    assert.equal(r.verdict.code, 'BANNER_TIMEOUT', `banner ${JSON.stringify(banner.evidence)}`);
    assert.equal(evidenceField(banner, 'outcome'), 'timeout');
    assert.equal(check(r, 'tcp').status, 'pass', 'the port itself answered');
    assert.doesNotMatch(JSON.stringify(r.checks), /HTTP\/1\.1/, 'nothing was sent that could make the server answer');
  });
});
