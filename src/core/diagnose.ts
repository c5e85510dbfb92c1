/**
 * The engine: runs the probes layer by layer (DNS → ICMP ‖ TCP → banner → SSH/RDP, other
 * ports when the main one fails, the cloud's view alongside), emits each check as it
 * finishes, and classifies the evidence into one report. No I/O of its own: probes and the
 * cloud inspector are injected.
 */
import { altPortsCheck, bannerCheck, cloudChecks, dnsCheck, icmpCheck, icmpOffCheck, rdpCheck, sshChecks, tcpCheck } from './checks';
import { classifyCode, findings, type ClassifyInput } from './classify';
import { adaptiveDeadlineMs } from './deadline';
import {
  CancelledError, DeadlineReached, SCHEMA_VERSION,
  type AltPortResult, type Check, type CloudEvidence, type Credentials, type Lang, type Report, type Target,
} from './model';
import type { CloudInspector, ProbeOptions, Probes } from './probes';
import { formatMs } from './text';
import { buildVerdict } from './verdict';

export interface DiagnoseDeps {
  probes: Probes;
  cloud?: CloudInspector;
  credentials?: Credentials;
  lang?: Lang;
  /** Called as each layer finishes, in order of completion. */
  onCheck?: (c: Check) => void;
  log?: (line: string) => void;
  /** The user's consent to read-only in-guest checks (Tencent Automation Tools). */
  guestChecks?: boolean;
}

/** How long the main port may stay silent before the other ports are tried alongside it. */
export const EARLY_ALT_SCAN_MS = 1000;

function hasCredentials(c?: Credentials): boolean {
  return !!c && !!(c.identityFile || c.privateKey || c.password || c.agent);
}

function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted && !(signal.reason instanceof DeadlineReached)) throw new CancelledError();
}

/**
 * A controller whose deadline can be moved earlier while a probe runs: the probe sees a
 * `DeadlineReached` abort and resolves as a timeout. Linked to the run's signal.
 */
class Deadline {
  readonly controller = new AbortController();
  readonly signal: AbortSignal;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly start = performance.now();
  constructor(parent: AbortSignal, private readonly timeoutMs: number) {
    this.signal = AbortSignal.any([parent, this.controller.signal]);
  }
  /** Ends the wait at `adaptiveDeadlineMs(rtt)` after the start, if that is sooner. */
  adapt(rttMs: number, source: string): void {
    const d = adaptiveDeadlineMs(rttMs, this.timeoutMs);
    if (d >= this.timeoutMs || this.controller.signal.aborted) return;
    clearTimeout(this.timer);
    const reason = `${source} RTT ${formatMs(rttMs)} → ${formatMs(d)}`;
    this.timer = setTimeout(() => this.controller.abort(new DeadlineReached(d, reason)), Math.max(0, d - (performance.now() - this.start)));
  }
  dispose(): void {
    clearTimeout(this.timer);
  }
}

export async function diagnose(target: Target, deps: DiagnoseDeps, signal: AbortSignal = new AbortController().signal): Promise<Report> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const lang = deps.lang ?? 'en';
  const { probes } = deps;
  const checks: Check[] = [];
  const emit = (c: Check) => {
    checks.push(c);
    deps.onCheck?.(c);
  };
  const opts = (s: AbortSignal = signal): ProbeOptions => ({ timeoutMs: target.timeoutMs, signal: s, log: deps.log });
  const e: ClassifyInput = { target, credentialsGiven: hasCredentials(deps.credentials), identityFile: deps.credentials?.identityFile };

  throwIfCancelled(signal);
  e.dns = await probes.dns(target.host, opts());
  emit(dnsCheck(e.dns, target.host, lang));
  const address = e.dns.ok ? e.dns.addresses[0]?.address : undefined;

  // The cloud's view needs only the address (its family picks the rules evaluated for an
  // unknown caller): it runs alongside the probes, even when the name did not resolve.
  const cloudRun: Promise<CloudEvidence> | undefined = deps.cloud && target.cloud
    ? deps.cloud.inspect(target, { ...opts(), port: target.port, protocol: target.protocol, guestChecks: !!deps.guestChecks, address })
    : undefined;
  // Keep a rejected cloud run from surfacing as unhandled while the probes still run.
  cloudRun?.catch(() => undefined);

  if (address) await probeNetwork(target, address, e, probes, deps, signal, opts, emit);

  if (cloudRun) {
    e.cloud = await cloudRun;
    for (const c of cloudChecks(e.cloud, target.port, target.protocol, lang)) emit(c);
  }
  throwIfCancelled(signal);

  const code = classifyCode(e);
  return {
    schemaVersion: SCHEMA_VERSION,
    target: {
      host: target.host,
      port: target.port,
      protocol: target.protocol,
      user: target.user,
      name: target.name,
      addresses: e.dns?.addresses.map((a) => a.address) ?? [],
      cloud: target.cloud,
    },
    verdict: buildVerdict(code, e, lang),
    findings: findings(e, code, lang),
    checks,
    durationMs: Math.round(performance.now() - started),
    startedAt,
    lang,
  };
}

/** Everything after DNS: ICMP ‖ TCP, then the protocol stage or the other ports. */
async function probeNetwork(
  target: Target, address: string, e: ClassifyInput, probes: Probes, deps: DiagnoseDeps, signal: AbortSignal,
  opts: (s?: AbortSignal) => ProbeOptions, emit: (c: Check) => void,
): Promise<void> {
  const lang = deps.lang ?? 'en';
  throwIfCancelled(signal);

  // ICMP and TCP together. Whichever answers first measures the round trip and shortens the
  // other's wait: an echo reply ends the wait for a silent port early, and a port that
  // answers ends the wait for a ping that a firewall drops.
  const tcpDeadline = new Deadline(signal, target.timeoutMs);
  const icmpDeadline = new Deadline(signal, target.timeoutMs);
  try {
    const icmpRun = target.icmp
      ? probes.icmp(address, opts(icmpDeadline.signal)).then((r) => {
        e.icmp = r;
        emit(icmpCheck(r, target.timeoutMs, lang));
        if (r.outcome === 'reply' && r.rttMs !== undefined) tcpDeadline.adapt(r.rttMs, 'ICMP');
      })
      : Promise.resolve(emit(icmpOffCheck(lang)));
    icmpRun.catch(() => undefined);
    const tcpRun = probes.tcp(address, target.port, opts(tcpDeadline.signal));
    // A port still silent after the kernel's first SYN retransmission (1 s), with no echo
    // reply either, is failing: look for the service on the other ports now, within the same
    // timeout, so a host that drops everything costs one timeout rather than two.
    let early: { run: Promise<AltPortResult[]>; stop: AbortController } | undefined;
    const earlyMs = Math.min(EARLY_ALT_SCAN_MS, target.timeoutMs / 2);
    const earlyTimer = target.altPorts.length ? setTimeout(() => {
      if (e.icmp?.outcome === 'reply') return; // the RTT-adapted deadline ends the wait soon anyway
      const stop = new AbortController();
      const run = scanAltPorts(target, address, probes, undefined, AbortSignal.any([signal, stop.signal]), target.timeoutMs - earlyMs, deps.log);
      run.catch(() => undefined);
      early = { run, stop };
    }, earlyMs) : undefined;
    let tcp;
    try {
      tcp = await tcpRun;
    } finally {
      clearTimeout(earlyTimer);
      tcpDeadline.dispose();
    }
    e.tcp = tcp.result;
    emit(tcpCheck(tcp.result, lang));
    if (tcp.result.outcome === 'connected' || tcp.result.outcome === 'refused') icmpDeadline.adapt(tcp.result.durationMs, 'TCP');

    const conn = tcp.connection;
    try {
      if (conn) {
        throwIfCancelled(signal);
        if (target.protocol === 'ssh') {
          e.banner = await probes.banner(conn, opts());
          emit(bannerCheck(e.banner, target.timeoutMs, lang));
          if (e.banner.outcome === 'ssh') {
            const user = target.user ?? 'root';
            e.ssh = await probes.ssh(conn, {
              host: target.host, address, port: target.port, user,
              credentials: deps.credentials, knownHostsPath: target.knownHostsPath, acceptNew: target.acceptNewHostKey, banner: e.banner,
            }, opts());
            for (const c of sshChecks(e.ssh, user, target.timeoutMs, !!e.credentialsGiven, lang)) emit(c);
          }
        } else {
          e.rdp = await probes.rdp(conn, opts());
          emit(rdpCheck(e.rdp, target.timeoutMs, lang));
        }
      } else if (early) {
        e.altPorts = await early.run;
        emit(altPortsCheck(e.altPorts, target.protocol, target.timeoutMs - earlyMs, lang));
      } else if (target.altPorts.length) {
        // Wait for ping first: its RTT sets the alternative ports' deadline too.
        await icmpRun;
        throwIfCancelled(signal);
        const t0 = performance.now();
        e.altPorts = await scanAltPorts(target, address, probes, e.icmp?.outcome === 'reply' ? e.icmp.rttMs : undefined, signal, target.timeoutMs, deps.log);
        emit(altPortsCheck(e.altPorts, target.protocol, performance.now() - t0, lang));
      }
    } finally {
      conn?.close();
      if (early && conn) {
        // The main port answered after all: end the speculative scan and let it close its sockets.
        early.stop.abort(new DeadlineReached(0, 'main port answered'));
        await early.run.catch(() => undefined);
      }
    }
    await icmpRun;
  } finally {
    tcpDeadline.dispose();
    icmpDeadline.dispose();
  }
}

/**
 * Tries every alternative port at once. Each shares one deadline: the RTT from ping when it
 * replied, else the first port that answers (open or reset) sets it for the rest.
 */
async function scanAltPorts(
  target: Target, address: string, probes: Probes, rttMs: number | undefined, signal: AbortSignal,
  timeoutMs: number, log?: (line: string) => void,
): Promise<AltPortResult[]> {
  const ports = [...new Set(target.altPorts)].filter((p) => p !== target.port);
  const deadline = new Deadline(signal, timeoutMs);
  if (rttMs !== undefined) deadline.adapt(rttMs, 'ICMP');
  try {
    return await Promise.all(ports.map(async (port) => {
      const r = await probes.altPort(address, port, target.protocol, { timeoutMs, signal: deadline.signal, log });
      if (rttMs === undefined && (r.tcp.outcome === 'connected' || r.tcp.outcome === 'refused')) {
        rttMs = r.tcp.durationMs;
        deadline.adapt(rttMs, `port ${port}`);
      }
      return r;
    }));
  } finally {
    deadline.dispose();
  }
}
