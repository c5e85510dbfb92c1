/**
 * Many diagnoses at once (the extension checks a whole instance tree): each verdict must be
 * the one its own host deserves. Healthy and all-dropped hosts are mixed so that one target's
 * answers (ICMP replies, SYN-ACKs) can never be credited to another.
 */
import * as assert from 'assert/strict';
import { createLab, Lab, LabHost } from '../support/lab';
import { Engine, LAB_TIMEOUT_MS, labTarget, labEngineOrSkip } from '../support/labEngine';
import { check, evidenceField } from '../support/labScenarios';

const ADDRESSES = 6; // per host

describe('(lab) concurrent diagnoses stay independent', function () {
  this.timeout(60_000);
  let lab: Lab | undefined;
  let engine: Engine;
  let healthy: LabHost, dropped: LabHost;

  before(async function () {
    engine = labEngineOrSkip(this, 'lab concurrency');
    lab = await createLab();
    [healthy, dropped] = await Promise.all([
      lab.addHost({ label: 'conc-ok', sshd: {}, extraAddresses: ADDRESSES - 1 }),
      lab.addHost({ label: 'conc-drop', sshd: {}, nft: 'meta nfproto ipv4 drop', extraAddresses: ADDRESSES - 1 }),
    ]);
  });

  after(async () => {
    await lab?.destroy();
  });

  it(`${2 * ADDRESSES} targets at once: healthy → OK, all-dropped → NO_RESPONSE with ICMP timeout`, async () => {
    const kh = lab!.writeKnownHosts([healthy.knownHostsLine]);
    const jobs = [
      ...healthy.ipv4All.map((a) => ({ a, want: 'OK', icmp: 'reply' })),
      ...dropped.ipv4All.map((a) => ({ a, want: 'NO_RESPONSE', icmp: 'timeout' })),
    ];
    const t0 = Date.now();
    const reports = await Promise.all(jobs.map((j) =>
      engine.diagnose(labTarget(j.a, { knownHostsPath: kh, altPorts: [2222] }), { probes: engine.createProbes() })));
    const elapsed = Date.now() - t0;
    const wrong = reports
      .map((r, i) => ({ r, j: jobs[i]! }))
      .filter(({ r, j }) => r.verdict.code !== j.want || evidenceField(check(r, 'icmp'), 'outcome') !== j.icmp)
      .map(({ r, j }) => `${j.a}: want ${j.want}/icmp ${j.icmp}, got ${r.verdict.code}/icmp ${JSON.stringify(check(r, 'icmp').evidence)}`);
    assert.deepEqual(wrong, [], `cross-talk between concurrent diagnoses:\n${wrong.join('\n')}`);
    assert.ok(elapsed < 4 * LAB_TIMEOUT_MS + 1000, `batch took ${elapsed} ms`);
  });
});
