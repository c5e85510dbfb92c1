/**
 * The network layer against real hosts (issue 7): random SYN loss on a healthy sshd, and a
 * dual-stack name whose IPv6 path is dropped, resolved through the test's own DNS server on
 * 127.0.0.1 (never the machine's resolver or /etc/hosts). The single-fault cases (first SYN
 * lost, first SYN-ACK lost, slow banner on another port, ICMP senders) are scenarios in
 * test/support/labScenarios.ts.
 */
import * as assert from 'assert/strict';
import { startDnsServer, type TestDnsServer } from '../support/dnsServer';
import { createLab, Lab, LabHost } from '../support/lab';
import { Engine, LAB_TIMEOUT_MS, labEngineOrSkip, labTarget } from '../support/labEngine';
import { check, evidenceField } from '../support/labScenarios';

const LOSSY_RUNS = 5;
const NAME = 'dual.cvmd-lab.test';

describe('(lab) network layer: loss and address fallback', function () {
  this.timeout(120_000);
  let lab: Lab | undefined;
  let engine: Engine;
  let lossy: LabHost, dual: LabHost;
  let dns: TestDnsServer | undefined;

  before(async function () {
    engine = labEngineOrSkip(this, 'lab network layer');
    lab = await createLab();
    [lossy, dual] = await Promise.all([
      // 10% of the SYNs to 22 vanish at random.
      lab.addHost({ label: 'lossy', sshd: {}, nft: 'tcp dport 22 tcp flags syn numgen random mod 100 < 10 counter drop' }),
      // The IPv6 path to the host is broken: TCP and echo requests dropped (neighbour discovery still works).
      lab.addHost({ label: 'dual', sshd: {}, nft: 'meta nfproto ipv6 meta l4proto tcp drop\nicmpv6 type echo-request drop' }),
    ]);
    dns = await startDnsServer({ [NAME]: [dual.ipv6, dual.ipv4] });
  });

  after(async () => {
    await dns?.close();
    await lab?.destroy();
  });

  it(`random 10% SYN loss on a healthy sshd: OK every time (${LOSSY_RUNS} runs)`, async () => {
    const kh = lab!.writeKnownHosts([lossy.knownHostsLine]);
    const seen: string[] = [];
    for (let i = 0; i < LOSSY_RUNS; i++) {
      const r = await engine.diagnose(labTarget(lossy.ipv4, { knownHostsPath: kh }), { probes: engine.createProbes() });
      const tcp = check(r, 'tcp');
      seen.push(`${r.verdict.code}/attempt ${String(evidenceField(tcp, 'answeredAttempt'))}`);
      assert.equal(r.verdict.code, 'OK', `run ${i + 1}: ${JSON.stringify(r.checks.map((c) => c.summary))}`);
    }
    console.log(`      runs: ${seen.join(', ')}`);
  });

  it('a dual-stack name whose IPv6 path is dropped: IPv6 tried first, IPv4 answers → OK via IPv4', async () => {
    const kh = lab!.writeKnownHosts([dual.knownHostsLine]);
    const t0 = Date.now();
    const r = await engine.diagnose(labTarget(NAME, { knownHostsPath: kh }), { probes: engine.createProbes({ dns: { servers: [dns!.server] } }) });
    const elapsed = Date.now() - t0;
    assert.equal(r.verdict.code, 'OK', JSON.stringify(r.checks.map((c) => c.summary)));
    // Resolved by the test's own server, in the order ssh would try them.
    assert.ok(dns!.queries.includes(`${NAME} AAAA`) && dns!.queries.includes(`${NAME} A`), dns!.queries.join(', '));
    assert.deepEqual(r.target.addresses, [dual.ipv6, dual.ipv4]);
    const tcp = check(r, 'tcp');
    assert.equal(evidenceField(tcp, 'address'), dual.ipv4);
    const earlier = evidenceField(tcp, 'earlierAddresses') as Array<{ address: string; outcome: string }>;
    assert.deepEqual(earlier.map((t) => [t.address, t.outcome]), [[dual.ipv6, 'timeout']]);
    const f = r.findings.find((x) => x.code === 'ADDRESS_FALLBACK');
    assert.ok(f && f.message.includes(dual.ipv6) && f.message.includes(dual.ipv4), JSON.stringify(r.findings));
    assert.equal(evidenceField(check(r, 'hostkey'), 'status'), 'match');
    assert.equal(evidenceField(check(r, 'icmp'), 'address'), dual.ipv4);
    // One silent address costs at most one probe timeout.
    assert.ok(elapsed < 2 * LAB_TIMEOUT_MS + 1000, `took ${elapsed} ms`);
  });
});
