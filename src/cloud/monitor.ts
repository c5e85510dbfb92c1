/**
 * Cloud Monitor's view of one instance over the last minutes (GetMonitorData, read-only): the
 * host-measured CPU, the outbound public bandwidth (compared with the instance's cap by
 * core/health.ts) and the established TCP connections. One metric per request (the API takes
 * one MetricName); the requests go through api.ts, which bounds each and backs off on
 * RequestLimitExceeded. A metric that returns no points (one that needs the monitoring agent,
 * an instance just started) is reported with `points: 0`: unknown, never healthy.
 *
 * Metric and dimension names:
 * - QCE/CVM, dimension InstanceId (ins-…): BaseCpuUsage ("宿主机分配给子机 CPU 和运行时间的百分比",
 *   collected on the host, no agent), WanOuttraffic (public outbound bandwidth, Mbps, no agent),
 *   TcpCurrEstab (established TCP connections, needs the agent) — Tencent Cloud's CVM
 *   monitoring metrics (the products' metric index the SDK names is
 *   cloud.tencent.com/document/product/248/6140; the older API's CVM list,
 *   /document/product/248/10992, marks which metrics need the agent).
 * - QCE/LIGHTHOUSE, dimension InstanceId (lhins-…): CpuUsage and LighthouseOuttraffic (public
 *   outbound bandwidth, Mbps) — Tencent Cloud's Lighthouse monitoring metrics
 *   (cloud.tencent.com/document/product/248/60127), as public Lighthouse dashboards and
 *   tencentcloud-exporter query them. Whether Lighthouse's CpuUsage is host-side or needs the
 *   agent is not established here: no points is read as unknown either way. LighthouseOuttraffic
 *   is read as Mbps, the unit the console shows for the same points (one public dashboard notes
 *   the documented unit differs from what the API returns); not verified against the live API.
 */
import { RECENT_POINTS } from '../core/health';
import type { MonitorEvidence, MonitorMetric } from '../core/model';
import type { TencentApi } from './api';

/** The window every metric is read over: the last 15 minutes, one point a minute. */
export const MONITOR_WINDOW_SEC = 15 * 60;
export const MONITOR_PERIOD_SEC = 60;

interface MetricSpec { name: string; unit: string }

const CVM_METRICS: MetricSpec[] = [
  { name: 'BaseCpuUsage', unit: '%' },
  { name: 'WanOuttraffic', unit: 'Mbps' },
  { name: 'TcpCurrEstab', unit: 'count' },
];
const LIGHTHOUSE_METRICS: MetricSpec[] = [
  { name: 'CpuUsage', unit: '%' },
  { name: 'LighthouseOuttraffic', unit: 'Mbps' },
];

/** GetMonitorData's answer (monitor_models.d.ts GetMonitorDataResponse). */
export interface MonitorDataResponse {
  Period?: number;
  MetricName?: string;
  DataPoints?: Array<{ Dimensions?: Array<{ Name: string; Value: string }>; Timestamps?: number[]; Values?: Array<number | null> }>;
  StartTime?: string;
  EndTime?: string;
  Msg?: string;
}

/** The points of `instanceId` in one answer, summarised (nulls are missing points). */
export function summarise(res: MonitorDataResponse, instanceId: string, name: string, unit: string): MonitorMetric {
  const dp = res.DataPoints?.find((d) => d.Dimensions?.some((x) => x.Name === 'InstanceId' && x.Value === instanceId));
  const values = (dp?.Values ?? []).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return {
    metric: name, unit, points: values.length,
    ...(values.length ? { max: Math.max(...values), last: values[values.length - 1], recentMax: Math.max(...values.slice(-RECENT_POINTS)) } : {}),
  };
}

/** Second-precision ISO 8601 with a UTC offset, as the API's examples write it. */
const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.000Z$/, '+00:00');

/** The instance's metrics over the window ending `now`. */
export async function readMonitor(api: TencentApi, region: string, instanceId: string, lighthouse: boolean, signal?: AbortSignal, now = Date.now()): Promise<MonitorEvidence> {
  const namespace = lighthouse ? 'QCE/LIGHTHOUSE' : 'QCE/CVM';
  const startTime = iso(now - MONITOR_WINDOW_SEC * 1000);
  const endTime = iso(now);
  const specs = lighthouse ? LIGHTHOUSE_METRICS : CVM_METRICS;
  let window = { startTime, endTime };
  const metrics: MonitorMetric[] = [];
  // One after another: three small reads, kept well inside the API's rate limit in a sweep.
  for (const s of specs) {
    const res = await api.call<MonitorDataResponse>('monitor', region, 'GetMonitorData', {
      Namespace: namespace, MetricName: s.name, Period: MONITOR_PERIOD_SEC, StartTime: startTime, EndTime: endTime,
      Instances: [{ Dimensions: [{ Name: 'InstanceId', Value: instanceId }] }],
    }, signal);
    if (res.StartTime && res.EndTime) window = { startTime: res.StartTime, endTime: res.EndTime };
    metrics.push(summarise(res, instanceId, s.name, s.unit));
  }
  return { namespace, ...window, periodSec: MONITOR_PERIOD_SEC, metrics };
}
