import * as assert from 'assert';
import { diagnose, diagnoseReport } from '../../../src/core/diagnose';
import { checkRank, sortChecks } from '../../../src/core/checkOrder';
import { checkStartText, type CheckStart } from '../../../src/core/progress';
import { synPlan } from '../../../src/core/deadline';
import { CancelledError, DeadlineReached, type BannerResult, type Check, type Report, type Target } from '../../../src/core/model';
import type { OpenConnection, Probes, ProbeOptions } from '../../../src/core/probeContract';
import { startDemoLab, type DemoLab } from '../../../src/cli/demoTargets';
import { createProbes } from '../../../src/probes';

const baseTarget: Target = { host: '192.0.2.1', port: 22, protocol: 'ssh', altPorts: [], timeoutMs: 5000, icmp: true };

/** Resolves when the signal fires: as a timeout for a deadline, else rejects (cancel). */
function waitForAbort(o: ProbeOptions): Promise<DeadlineReached> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => resolve(new DeadlineReached(o.timeoutMs, 'own timeout')), o.timeoutMs);
    o.signal.addEventListener('abort', () => {
      clearTimeout(t);
      if (o.signal.reason instanceof DeadlineReached) resolve(o.signal.reason);
      else reject(new CancelledError());
    }, { once: true });
  });
}

/** A scripted connection: counts its close() calls, so a test can prove none is leaked. */
class FakeConnection implements OpenConnection {
  closed = 0;
  constructor(readonly address: string, readonly port: number) {}
  close(): void { this.closed++; }
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
  };
}

/** A host that drops everything: every probe waits its whole timeout (or its deadline). */
function blackHole(log: string[]): Probes {
  const base = filteredHost([]);
  return {
    ...base,
    icmp: async (address, o) => { const d = await waitForAbort(o); return { outcome: 'timeout', method: 'raw-socket', address, durationMs: d.deadlineMs }; },
    tcp: async (address, port, o) => {
      log.push(`tcp:${port} start timeout=${o.timeoutMs}`);
      const d = await waitForAbort(o);
      log.push(`tcp:${port} done`);
      return { result: { outcome: 'timeout', address, port, deadlineMs: d.deadlineMs, durationMs: d.deadlineMs } };
    },
  };
}

const sshBanner: BannerResult = { outcome: 'ssh', line: 'SSH-2.0-OpenSSH_9.2', softwareVersion: 'OpenSSH_9.2', protoVersion: '2.0', durationMs: 1 };
const sshOk = { handshake: 'ok' as const, authMethods: ['publickey'], login: { outcome: 'not-attempted' as const, tried: [] }, durationMs: 1 };

describe('(unit) diagnose orchestration', () => {
  it('a host that drops everything has its other ports tried within the same timeout', async () => {
    const log: string[] = [];
    const report = await diagnose({ ...baseTarget, timeoutMs: 400, altPorts: [2222] }, { probes: blackHole(log) });
    assert.strictEqual(report.verdict.code, 'NO_RESPONSE');
    // The scan starts while the main port is still waiting, and only gets what is left of the timeout.
    assert.deepStrictEqual(log.slice(0, 2), ['tcp:22 start timeout=400', 'tcp:2222 start timeout=200']);
    // (Both end at 400 ms; which of the two timers fires first is a tie.)
    assert.ok(log.indexOf('tcp:2222 start timeout=200') < log.indexOf('tcp:22 done'), log.join(', '));
  });

  it('a ping reply sets the retry plan: several SYN attempts, silent only at the plan\'s deadline', async () => {
    const calls: string[] = [];
    const report = await diagnose({ ...baseTarget, altPorts: [2222] }, { probes: filteredHost(calls) });
    assert.strictEqual(report.verdict.code, 'PORT_FILTERED');
    const tcp = report.checks.find((c) => c.id === 'tcp')!;
    const plan = synPlan(2, baseTarget.timeoutMs);
    assert.strictEqual(tcp.evidence.attempts, plan.attemptsAtMs.length);
    assert.ok(plan.attemptsAtMs.length >= 3);
    // The plan's deadline, or a little later when an attempt itself went out late.
    const deadline = Number(tcp.evidence.deadlineMs);
    assert.ok(deadline >= plan.deadlineMs && deadline < plan.deadlineMs + 100, `deadline ${deadline}`);
    assert.strictEqual(tcp.evidence.planRttMs, 2);
    assert.match(String(tcp.evidence.deadlineReason), /ICMP RTT/);
    assert.deepStrictEqual(calls.slice(0, 2), ['dns', 'icmp']);
    assert.strictEqual(calls.filter((c) => c === 'tcp:22').length, plan.attemptsAtMs.length);
    assert.ok(calls.includes('tcp:2222'));
    assert.match(report.verdict.summary, new RegExp(`connection attempts: ${plan.attemptsAtMs.length}`));
  });

  it('one lost SYN is not a filtered port: the second attempt answers, the first is ended', async () => {
    const signals: AbortSignal[] = [];
    const conns: FakeConnection[] = [];
    const probes: Probes = {
      ...filteredHost([]),
      tcp: async (address, port, o) => {
        signals.push(o.signal);
        if (signals.length === 1) {
          const d = await waitForAbort(o);
          return { result: { outcome: 'timeout', address, port, deadlineMs: d.deadlineMs, durationMs: d.deadlineMs } };
        }
        const c = new FakeConnection(address, port);
        conns.push(c);
        return { result: { outcome: 'connected', address, port, deadlineMs: o.timeoutMs, durationMs: 0.2 }, connection: c };
      },
      banner: async () => sshBanner,
      ssh: async (conn) => { conn.close(); return sshOk; },
    };
    const report = await diagnose(baseTarget, { probes });
    assert.strictEqual(report.verdict.code, 'OK');
    const tcp = report.checks.find((c) => c.id === 'tcp')!;
    assert.strictEqual(tcp.evidence.answeredAttempt, 2);
    assert.strictEqual(tcp.evidence.attempts, 2);
    assert.ok(signals[0]!.aborted && signals[0]!.reason instanceof DeadlineReached, 'the silent attempt was ended as a deadline, not a cancel');
    assert.ok(conns.every((c) => c.closed > 0), 'every connection closed');
    assert.match(tcp.summary, /attempt 2 answered/);
  });

  it('a connection that completes after the race was decided is closed at once', async () => {
    const late = new FakeConnection('192.0.2.1', 22);
    let n = 0;
    const probes: Probes = {
      ...filteredHost([]),
      tcp: async (address, port, o) => {
        n++;
        if (n === 1) {
          // Ignores the abort for a moment, then reports a connection nobody wants any more.
          await waitForAbort(o).catch(() => undefined);
          return { result: { outcome: 'connected', address, port, deadlineMs: o.timeoutMs, durationMs: 200 }, connection: late };
        }
        return { result: { outcome: 'refused', address, port, errorCode: 'ECONNREFUSED', deadlineMs: o.timeoutMs, durationMs: 0.2 } };
      },
    };
    const report = await diagnose(baseTarget, { probes });
    assert.strictEqual(report.verdict.code, 'PORT_CLOSED');
    assert.strictEqual(late.closed, 1);
  });

  it('the other ports\' identification gets the probe timeout, not the connect deadline', async () => {
    const bannerTimeouts: number[] = [];
    const probes: Probes = {
      ...filteredHost([]),
      tcp: async (address, port, o) => (port === 22
        ? { result: { outcome: 'refused', address, port, errorCode: 'ECONNREFUSED', deadlineMs: o.timeoutMs, durationMs: 0.2 } }
        : { result: { outcome: 'connected', address, port, deadlineMs: o.timeoutMs, durationMs: 0.2 }, connection: new FakeConnection(address, port) }),
      // A server that identifies itself after 500 ms (longer than any RTT-derived deadline).
      banner: async (_c, o) => {
        bannerTimeouts.push(o.timeoutMs);
        const d = await Promise.race([waitForAbort(o), new Promise<undefined>((r) => setTimeout(r, 500))]);
        return d ? { outcome: 'timeout', durationMs: d.deadlineMs } : sshBanner;
      },
    };
    const report = await diagnose({ ...baseTarget, altPorts: [2222] }, { probes });
    assert.strictEqual(report.verdict.code, 'SERVICE_ON_OTHER_PORT');
    assert.deepStrictEqual(bannerTimeouts, [baseTarget.timeoutMs]);
  });

  it('addresses are tried in order as ssh does: a silent first address falls back to the next', async () => {
    const tried: string[] = [];
    const probes: Probes = {
      ...filteredHost([]),
      dns: async () => ({ ok: true, literal: false, addresses: [{ address: '2001:db8::5', family: 6 }, { address: '192.0.2.5', family: 4 }], durationMs: 1 }),
      icmp: async (address, o) => {
        if (address.includes(':')) { const d = await waitForAbort(o); return { outcome: 'timeout', method: 'raw-socket', address, durationMs: d.deadlineMs }; }
        return { outcome: 'reply', method: 'raw-socket', address, rttMs: 1, durationMs: 1 };
      },
      tcp: async (address, port, o) => {
        tried.push(address);
        if (address.includes(':')) {
          const d = await waitForAbort(o);
          return { result: { outcome: 'timeout', address, port, deadlineMs: d.deadlineMs, durationMs: d.deadlineMs } };
        }
        return { result: { outcome: 'connected', address, port, deadlineMs: o.timeoutMs, durationMs: 0.2 }, connection: new FakeConnection(address, port) };
      },
      banner: async () => sshBanner,
      ssh: async (conn, ctx) => { assert.strictEqual(ctx.address, '192.0.2.5'); conn.close(); return sshOk; },
    };
    const report = await diagnose({ ...baseTarget, host: 'dual.example', timeoutMs: 400 }, { probes });
    assert.strictEqual(report.verdict.code, 'OK');
    assert.strictEqual(tried[0], '2001:db8::5');
    assert.strictEqual(tried[tried.length - 1], '192.0.2.5');
    const tcp = report.checks.find((c) => c.id === 'tcp')!;
    assert.strictEqual(tcp.evidence.address, '192.0.2.5');
    assert.deepStrictEqual((tcp.evidence.earlierAddresses as Array<{ address: string; outcome: string }>).map((t) => [t.address, t.outcome]), [['2001:db8::5', 'timeout']]);
    assert.ok(report.findings.some((f) => f.code === 'ADDRESS_FALLBACK' && f.message.includes('2001:db8::5') && f.message.includes('192.0.2.5')));
    // The ping reported is the one of the address that was used.
    assert.strictEqual(report.checks.filter((c) => c.id === 'icmp').length, 1);
    assert.strictEqual(report.checks.find((c) => c.id === 'icmp')!.evidence.address, '192.0.2.5');
  });

  it('after a fallback to the other family, the cloud view is read again for the address used', async () => {
    const asked: Array<string | undefined> = [];
    const cloud = {
      inspect: async (t: Target, o: { address?: string }) => {
        asked.push(o.address);
        return { instanceId: t.cloud!.instanceId, region: t.cloud!.region, callerIp: o.address?.includes(':') ? '2001:db8::99' : '198.51.100.99', errors: [], durationMs: 0 };
      },
    };
    const probes: Probes = {
      ...filteredHost([]),
      dns: async () => ({ ok: true, literal: false, addresses: [{ address: '2001:db8::5', family: 6 }, { address: '192.0.2.5', family: 4 }], durationMs: 1 }),
      tcp: async (address, port, o) => (address.includes(':')
        ? { result: { outcome: 'unreachable', address, port, errorCode: 'ENETUNREACH', deadlineMs: o.timeoutMs, durationMs: 0.1 } }
        : { result: { outcome: 'connected', address, port, deadlineMs: o.timeoutMs, durationMs: 0.2 }, connection: new FakeConnection(address, port) }),
      banner: async () => sshBanner,
      ssh: async (conn) => { conn.close(); return sshOk; },
    };
    const report = await diagnose({ ...baseTarget, host: 'dual.example', cloud: { instanceId: 'ins-abc12345', region: 'ap-seoul' } }, { probes, cloud });
    assert.deepStrictEqual(asked, ['2001:db8::5', '192.0.2.5']);
    assert.strictEqual(report.verdict.code, 'OK');
  });

  it('when no address connects, the last one tried is diagnosed (ssh reports its error)', async () => {
    const probes: Probes = {
      ...filteredHost([]),
      dns: async () => ({ ok: true, literal: false, addresses: [{ address: '2001:db8::5', family: 6 }, { address: '192.0.2.5', family: 4 }], durationMs: 1 }),
      tcp: async (address, port, o) => (address.includes(':')
        ? { result: { outcome: 'unreachable', address, port, errorCode: 'ENETUNREACH', deadlineMs: o.timeoutMs, durationMs: 0.1 } }
        : { result: { outcome: 'refused', address, port, errorCode: 'ECONNREFUSED', deadlineMs: o.timeoutMs, durationMs: 0.2 } }),
    };
    const report = await diagnose({ ...baseTarget, host: 'dual.example' }, { probes });
    assert.strictEqual(report.verdict.code, 'PORT_CLOSED');
    assert.strictEqual(report.checks.find((c) => c.id === 'tcp')!.evidence.address, '192.0.2.5');
    assert.ok(report.findings.some((f) => f.code === 'ADDRESS_FALLBACK'));
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

  it('a cancel during the SYN retries rejects only after every attempt has settled', async () => {
    let pending = 0;
    let started = 0;
    const base = filteredHost([]);
    const probes: Probes = {
      ...base,
      tcp: async (address, port, o) => {
        started++;
        pending++;
        try { return await base.tcp(address, port, o); } finally { pending--; }
      },
    };
    const controller = new AbortController();
    const run = diagnose(baseTarget, { probes }, controller.signal);
    setTimeout(() => controller.abort(), 200);
    await assert.rejects(run, (e: unknown) => e instanceof CancelledError);
    assert.ok(started >= 2, `attempts started: ${started}`);
    assert.strictEqual(pending, 0, 'an attempt outlived the run');
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
        const events: string[] = [];
        const starts: CheckStart[] = [];
        const report = await diagnose(c.target, {
          probes: createProbes(), credentials: c.credentials,
          onCheck: (ch) => { seen.push(ch); events.push(`done:${ch.id}`); },
          onCheckStart: (st) => { starts.push(st); events.push(`start:${st.id}`); },
        });
        assert.strictEqual(report.verdict.code, code, JSON.stringify(report.checks.map((x) => x.summary)));
        // Every check streamed as it finished; the report lists them in the one stable order.
        assert.deepStrictEqual(sortChecks(seen).map((x) => x.id), report.checks.map((x) => x.id), 'onCheck saw every check');
        assert.deepStrictEqual(report.checks.map((x) => x.id), [...report.checks].sort((a, b) => checkRank(a.id) - checkRank(b.id)).map((x) => x.id));
        // A step is announced before it reports, with its bound, and its text names no placeholder.
        for (const id of ['tcp', 'banner'] as const) {
          const done = events.indexOf(`done:${id}`);
          if (done >= 0) assert.ok(events.indexOf(`start:${id}`) >= 0 && events.indexOf(`start:${id}`) < done, `${id} announced before it finished: ${events.join(' ')}`);
        }
        assert.ok(starts.some((st) => st.id === 'tcp' && st.waitFor === 'connect' && st.port === c.target.port && st.boundMs === c.target.timeoutMs), JSON.stringify(starts));
        for (const st of starts) {
          assert.ok(st.boundMs > 0 && st.boundMs <= 2 * c.target.timeoutMs, JSON.stringify(st));
          for (const lang of ['en', 'ko'] as const) assert.doesNotMatch(checkStartText(st, lang), /\{|undefined/, JSON.stringify(st));
        }
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

describe('(unit) a finished report told in the other language, from the same evidence', () => {
  /** What a reader reads (evidence carries each run's own timings). */
  const texts = (r: Report) => ({ lang: r.lang, verdict: r.verdict, findings: r.findings, checks: r.checks.map((c) => [c.id, c.status, c.summary]) });

  it('in(lang) is what a run in that language says, with the first run\'s times; no probe runs again', async () => {
    const target = { ...baseTarget, timeoutMs: 300 };
    const calls: string[] = [];
    const run = await diagnoseReport(target, { probes: filteredHost(calls), lang: 'en' });
    const probed = calls.length;
    const ko = run.in('ko');
    assert.strictEqual(calls.length, probed, 'telling it again probes nothing');
    assert.strictEqual(run.in('en'), run.report);
    assert.strictEqual(ko.lang, 'ko');
    assert.deepStrictEqual(ko.checks.map((c) => [c.id, c.status, c.durationMs]), run.report.checks.map((c) => [c.id, c.status, c.durationMs]));
    assert.strictEqual(ko.verdict.code, run.report.verdict.code);
    const direct = await diagnose(target, { probes: filteredHost([]), lang: 'ko' });
    assert.deepStrictEqual(texts(ko), texts(direct));
    assert.notStrictEqual(ko.verdict.summary, run.report.verdict.summary);
  });

  it('every demo target: the Korean telling of an English run matches its checks and reads as Korean', async function () {
    this.timeout(30_000);
    const lab = await startDemoLab(1500);
    try {
      const probes = createProbes();
      for (const c of lab.cases) {
        const run = await diagnoseReport(c.target, { probes, credentials: c.credentials, lang: 'en' });
        const ko = run.in('ko');
        assert.deepStrictEqual(ko.checks.map((x) => [x.id, x.status]), run.report.checks.map((x) => [x.id, x.status]), c.label.en);
        assert.ok(/[가-힣]/.test(ko.verdict.title) && ko.checks.every((x) => /[가-힣]/.test(x.summary)), c.label.en);
        assert.deepStrictEqual(ko.checks.map((x) => x.evidence), run.report.checks.map((x) => x.evidence));
      }
    } finally {
      await lab.close();
    }
  });
});
