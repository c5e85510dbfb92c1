/**
 * Cloud Monitor through the SDK's monitor client and the local TC3 endpoint: the real request
 * and response shapes (GetMonitorData: Namespace, MetricName, Period, StartTime/EndTime,
 * Instances[].Dimensions; DataPoints[].Dimensions/Timestamps/Values), the bandwidth cap from
 * DescribeInstances' InternetAccessible, and what the classifier concludes from them.
 */
import * as assert from 'assert';
import { createTencentInspector, type TencentConfig } from '../../../src/cloud';
import { summarise } from '../../../src/cloud/monitor';
import { classifyCode, findings } from '../../../src/core/classify';
import { buildVerdict } from '../../../src/core/verdict';
import type { CloudEvidence, Target } from '../../../src/core/model';
import { LIGHTHOUSE_REGION, lighthouseInstance, REGION, type TencentEndpoint, startTencentEndpoint } from '../../support/tencentEndpoint';
import { banner, healthy } from '../core/evidence';

const target = (instanceId: string, region = REGION): Target => ({
  host: '203.0.113.10', port: 22, protocol: 'ssh', altPorts: [], timeoutMs: 2000, icmp: false, cloud: { instanceId, region },
});

describe('(unit) Cloud Monitor via the SDK and the local endpoint', () => {
  let ep: TencentEndpoint;
  let cfg: TencentConfig;
  beforeEach(async () => {
    ep = await startTencentEndpoint();
    cfg = { secretId: ep.secretId, secretKey: ep.secretKey, endpoint: ep.url, callerIp: '203.0.113.5', retryBaseMs: 5, pollIntervalMs: 5, timeoutMs: 3000 };
  });
  afterEach(async () => { await ep.close(); });
  const inspect = (t: Target): Promise<CloudEvidence> =>
    createTencentInspector(cfg).inspect(t, { timeoutMs: 2000, signal: new AbortController().signal, port: 22, protocol: 'ssh', guestChecks: false });

  it('bandwidth at the cap: GetMonitorData for the last 15 minutes, routed to the monitor service (2018-07-24); a silent banner becomes INSTANCE_OVERLOADED', async () => {
    const inst = ep.state.instances.find((i) => i.InstanceId === 'ins-ok')!;
    inst.InternetAccessible = { InternetChargeType: 'TRAFFIC_POSTPAID_BY_HOUR', InternetMaxBandwidthOut: 5, PublicIpAssigned: true };
    ep.state.monitor = { 'ins-ok': { BaseCpuUsage: Array(15).fill(12), WanOuttraffic: [1.2, 3.5, 4.96, 5.01, 4.99], TcpCurrEstab: [] } };
    const ev = await inspect(target('ins-ok'));
    assert.deepStrictEqual(ev.errors, []);
    const reqs = ep.requests.filter((r) => r.action === 'GetMonitorData');
    assert.deepStrictEqual(reqs.map((r) => [r.service, r.params.Namespace, r.params.MetricName, r.params.Period]), [
      ['monitor', 'QCE/CVM', 'BaseCpuUsage', 60], ['monitor', 'QCE/CVM', 'WanOuttraffic', 60], ['monitor', 'QCE/CVM', 'TcpCurrEstab', 60],
    ]);
    assert.deepStrictEqual(reqs[0].params.Instances, [{ Dimensions: [{ Name: 'InstanceId', Value: 'ins-ok' }] }]);
    assert.strictEqual(Date.parse(reqs[0].params.EndTime) - Date.parse(reqs[0].params.StartTime), 15 * 60_000);
    assert.strictEqual(ev.instance?.bandwidthOutMbps, 5);
    assert.deepStrictEqual(ev.monitor?.metrics, [
      { metric: 'BaseCpuUsage', unit: '%', points: 15, max: 12, last: 12, recentMax: 12 },
      { metric: 'WanOuttraffic', unit: 'Mbps', points: 5, max: 5.01, last: 4.99, recentMax: 5.01 },
      // Needs the agent: no points is unknown, not zero.
      { metric: 'TcpCurrEstab', unit: 'count', points: 0 },
    ]);
    const e = healthy({ banner: banner('timeout'), ssh: undefined, cloud: ev });
    assert.strictEqual(classifyCode(e), 'INSTANCE_OVERLOADED');
    const v = buildVerdict('INSTANCE_OVERLOADED', e, 'en');
    assert.match(v.summary, /outbound traffic reached 5\.01 Mbps of the 5 Mbps cap \(Cloud Monitor\)/);
    assert.ok(v.remediation.some((s) => s.command === 'sudo ss -tnpi state established | head -n 40'));
    // The same monitoring beside a working login is a finding, not the verdict.
    const ok = healthy({ cloud: ev });
    assert.strictEqual(classifyCode(ok), 'OK');
    assert.ok(findings(ok, 'OK', 'ko').some((f) => f.code === 'INSTANCE_OVERLOADED' && /한도 5 Mbps 중 5\.01 Mbps/.test(f.message)));
  });

  it('no points for any metric: the banner timeout stays, and the report says the load is unknown', async () => {
    const ev = await inspect(target('ins-ok'));
    assert.ok(ev.monitor?.metrics.every((m) => m.points === 0));
    const e = healthy({ banner: banner('timeout'), ssh: undefined, cloud: ev });
    assert.strictEqual(classifyCode(e), 'BANNER_TIMEOUT');
    assert.ok(findings(e, 'BANNER_TIMEOUT', 'en').some((f) => f.code === 'MONITOR_NO_DATA'));
  });

  it('Lighthouse: QCE/LIGHTHOUSE with CpuUsage and LighthouseOuttraffic, the cap from its InternetAccessible', async () => {
    ep.state.lighthouse.instances.push(lighthouseInstance('lhins-busy0001'));
    ep.state.monitor = { 'lhins-busy0001': { CpuUsage: [30, 99.5], LighthouseOuttraffic: [0.5] } };
    const ev = await inspect(target('lhins-busy0001', LIGHTHOUSE_REGION));
    assert.deepStrictEqual(ep.requests.filter((r) => r.action === 'GetMonitorData').map((r) => `${r.params.Namespace} ${r.params.MetricName}`), ['QCE/LIGHTHOUSE CpuUsage', 'QCE/LIGHTHOUSE LighthouseOuttraffic']);
    assert.strictEqual(ev.instance?.bandwidthOutMbps, 4);
    const e = healthy({ banner: banner('closed'), ssh: undefined, cloud: ev });
    assert.strictEqual(classifyCode(e), 'INSTANCE_OVERLOADED');
  });

  it('a failing GetMonitorData is a cloud error entry, and the rest of the inspection stands', async () => {
    ep.fail({ action: 'GetMonitorData', code: 'UnauthorizedOperation', times: 1 });
    const ev = await inspect(target('ins-ok'));
    assert.deepStrictEqual(ev.errors.map((x) => [x.action, x.kind]), [['GetMonitorData', 'unauthorized']]);
    assert.strictEqual(ev.securityGroups?.verdict, 'allow');
    assert.strictEqual(ev.monitor, undefined);
  });

  it('summarise: nulls are missing points, another instance\'s series is not this one\'s', () => {
    const res = { DataPoints: [{ Dimensions: [{ Name: 'InstanceId', Value: 'ins-a' }], Timestamps: [1, 2, 3], Values: [1, null, 3] }] };
    assert.deepStrictEqual(summarise(res, 'ins-a', 'BaseCpuUsage', '%'), { metric: 'BaseCpuUsage', unit: '%', points: 2, max: 3, last: 3, recentMax: 3 });
    assert.deepStrictEqual(summarise(res, 'ins-b', 'BaseCpuUsage', '%'), { metric: 'BaseCpuUsage', unit: '%', points: 0 });
    // A peak early in the window is kept for the report, but only the last points count as now.
    const peak = { DataPoints: [{ Dimensions: [{ Name: 'InstanceId', Value: 'ins-a' }], Timestamps: [1, 2, 3, 4, 5], Values: [99, 97, 10, 12, 11] }] };
    assert.deepStrictEqual(summarise(peak, 'ins-a', 'BaseCpuUsage', '%'), { metric: 'BaseCpuUsage', unit: '%', points: 5, max: 99, last: 11, recentMax: 12 });
  });
});
