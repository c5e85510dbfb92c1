import * as assert from 'assert';
import { diagnose } from '../../../src/core/diagnose';
import { CancelledError, DeadlineReached, type Check, type Target } from '../../../src/core/model';
import type { Probes, ProbeOptions } from '../../../src/core/probes';
import { FILTERED_FLOOR_MS } from '../../../src/core/deadline';
import { startDemoLab, type DemoLab } from '../../../src/cli/demoTargets';
import { createProbes } from '../../../src/probes';

const baseTarget: Target = { host: '192.0.2.1', port: 22, protocol: 'ssh', altPorts: [], timeoutMs: 5000, icmp: true };

/** Resolves when the signal fires: as a timeout for a deadline, else rejects (cancel). */
function waitForAbort(o: ProbeOptions): Promise<DeadlineReached> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('probe ran to its full timeout')), o.timeoutMs);
    o.signal.addEventListener('abort', () => {
      clearTimeout(t);
      if (o.signal.reason instanceof DeadlineReached) resolve(o.signal.reason);
      else reject(new CancelledError());
    }, { once: true });
  });
}

/**
 * The orchestration is pure, so these probes are scripted: they describe a host that answers
 * ping in 2 ms and drops SYNs. Nothing here touches the network (192.0.2.0/24 is never dialled).
 */
function filteredHost(calls: string[]): Probes {
  return {
    dns: async (host) => { calls.push('dns'); return { ok: true, literal: true, addresses: [{ address: host, family: 4 }], durationMs: 0 }; },
    icmp: async (address) => {
      calls.push('icmp');
      await new Promise((r) => setTimeout(r, 2));
      return { outcome: 'reply', method: 'raw-socket', address, rttMs: 2, durationMs: 2 };
    },
    tcp: async (address, port, o) => {
      calls.push(`tcp:${port}`);
      const d = await waitForAbort(o);
      return { result: { outcome: 'timeout', address, port, deadlineMs: d.deadlineMs, deadlineReason: d.reason, durationMs: d.deadlineMs } };
    },
    banner: async () => { throw new Error('banner must not run on a filtered port'); },
    ssh: async () => { throw new Error('ssh must not run on a filtered port'); },
    rdp: async () => { throw new Error('rdp must not run'); },
    altPort: async (address, port, _p, o) => {
      calls.push(`alt:${port}`);
      const d = await waitForAbort(o);
      return { port, tcp: { outcome: 'timeout', address, port, deadlineMs: d.deadlineMs, durationMs: d.deadlineMs } };
    },
  };
}

/** A host that drops everything: every probe waits its whole timeout (or its deadline). */
function blackHole(log: string[]): Probes {
  const silentFor = (o: ProbeOptions) => new Promise<number>((resolve, reject) => {
    const t = setTimeout(() => resolve(o.timeoutMs), o.timeoutMs);
    o.signal.addEventListener('abort', () => {
      clearTimeout(t);
      if (o.signal.reason instanceof DeadlineReached) resolve(o.signal.reason.deadlineMs);
      else reject(new CancelledError());
    }, { once: true });
  });
  const base = filteredHost([]);
  return {
    ...base,
    icmp: async (address, o) => { const d = await silentFor(o); return { outcome: 'timeout', method: 'raw-socket', address, durationMs: d }; },
    tcp: async (address, port, o) => {
      log.push(`tcp:${port} start`);
      const d = await silentFor(o);
      log.push(`tcp:${port} done`);
      return { result: { outcome: 'timeout', address, port, deadlineMs: d, durationMs: d } };
    },
    altPort: async (address, port, _p, o) => {
      log.push(`alt:${port} start timeout=${o.timeoutMs}`);
      const d = await silentFor(o);
      return { port, tcp: { outcome: 'timeout', address, port, deadlineMs: d, durationMs: d } };
    },
  };
}

describe('(unit) diagnose orchestration', () => {
  it('a host that drops everything has its other ports tried within the same timeout', async () => {
    const log: string[] = [];
    const report = await diagnose({ ...baseTarget, timeoutMs: 400, altPorts: [2222] }, { probes: blackHole(log) });
    assert.strictEqual(report.verdict.code, 'NO_RESPONSE');
    // The scan starts while the main port is still waiting, and only gets what is left of the timeout.
    assert.deepStrictEqual(log, ['tcp:22 start', 'alt:2222 start timeout=200', 'tcp:22 done']);
  });

  it('a ping reply shortens the wait for a silent port to the RTT-derived deadline', async () => {
    const calls: string[] = [];
    const report = await diagnose({ ...baseTarget, altPorts: [2222] }, { probes: filteredHost(calls) });
    assert.strictEqual(report.verdict.code, 'PORT_FILTERED');
    const tcp = report.checks.find((c) => c.id === 'tcp')!;
    assert.strictEqual(tcp.evidence.deadlineMs, FILTERED_FLOOR_MS);
    assert.match(String(tcp.evidence.deadlineReason), /ICMP/);
    assert.deepStrictEqual(calls, ['dns', 'icmp', 'tcp:22', 'alt:2222']);
  });

  it('the cloud view learns the resolved address, and runs even when the name does not resolve', async () => {
    const seen: Array<string | undefined> = [];
    const cloud = {
      inspect: async (t: Target, o: { address?: string }) => {
        seen.push(o.address);
        return { instanceId: t.cloud!.instanceId, region: t.cloud!.region, errors: [], durationMs: 0 };
      },
    };
    const probes = filteredHost([]);
    const target = { ...baseTarget, cloud: { instanceId: 'ins-abc12345', region: 'ap-seoul' } };
    await diagnose(target, { probes, cloud });
    const unresolved: Probes = { ...probes, dns: async () => ({ ok: false, literal: false, addresses: [], errorCode: 'ENOTFOUND', durationMs: 1 }) };
    const r = await diagnose({ ...target, host: 'nowhere.invalid' }, { probes: unresolved, cloud });
    assert.strictEqual(r.verdict.code, 'DNS_FAILURE');
    assert.deepStrictEqual(seen, ['192.0.2.1', undefined]);
  });

  it('cancellation rejects with CancelledError and stops every probe', async () => {
    const controller = new AbortController();
    const run = diagnose({ ...baseTarget, icmp: false }, { probes: filteredHost([]) }, controller.signal);
    setTimeout(() => controller.abort(), 5);
    await assert.rejects(run, (e: unknown) => e instanceof CancelledError);
  });

  it('an already-cancelled signal runs nothing', async () => {
    const calls: string[] = [];
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(diagnose(baseTarget, { probes: filteredHost(calls) }, controller.signal), CancelledError);
    assert.deepStrictEqual(calls, []);
  });

  describe('against real servers on loopback (the demo lab)', () => {
    let lab: DemoLab;
    before(async () => { lab = await startDemoLab(1000); });
    after(async () => { await lab?.close(); });

    const expected: Record<string, string> = {
      healthy: 'OK', 'wrong-password': 'AUTH_FAILED', 'changed-key': 'HOST_KEY_MISMATCH', closed: 'PORT_CLOSED',
      moved: 'SERVICE_ON_OTHER_PORT', silent: 'BANNER_TIMEOUT', 'not-ssh': 'NOT_SSH', slams: 'CONNECTION_CLOSED',
    };
    for (const [name, code] of Object.entries(expected)) {
      it(`${name} → ${code}`, async () => {
        const c = lab.cases.find((x) => x.target.name === name)!;
        const seen: Check[] = [];
        const report = await diagnose(c.target, { probes: createProbes(), credentials: c.credentials, onCheck: (ch) => seen.push(ch) });
        assert.strictEqual(report.verdict.code, code, JSON.stringify(report.checks.map((x) => x.summary)));
        assert.deepStrictEqual(seen.map((x) => x.id), report.checks.map((x) => x.id), 'onCheck saw every check');
        assert.ok(report.verdict.remediation.length > 0);
      });
    }

    it('the healthy login is proven, and the key check names known_hosts', async () => {
      const c = lab.cases.find((x) => x.target.name === 'healthy')!;
      const report = await diagnose(c.target, { probes: createProbes(), credentials: c.credentials, lang: 'ko' });
      const login = report.checks.find((x) => x.id === 'login')!;
      assert.strictEqual(login.status, 'pass');
      assert.strictEqual(report.checks.find((x) => x.id === 'hostkey')!.status, 'pass');
      assert.match(report.verdict.title, /접속 가능/);
    });
  });
});
