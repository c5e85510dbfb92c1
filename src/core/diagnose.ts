/**
 * The engine: runs the probes layer by layer (DNS → ICMP ‖ TCP → banner → SSH/RDP, other
 * ports when the main one fails, the cloud's view alongside), emits each check as it
 * finishes, and classifies the evidence into one report. No I/O of its own: probes and the
 * cloud inspector are injected.
 */
import { sortChecks } from './checkOrder';
import { altPortsCheck, bannerCheck, cloudChecks, dnsCheck, icmpCheck, icmpOffCheck, rdpCheck, sshChecks, tcpCheck } from './checks';
import { readinessChecks } from './readinessChecks';
import { classifyCode, findings, ruleCode, type ClassifyInput } from './classify';
import { opensshReads } from './keyFormat';
import { applyLocal, localChecks, localVerdict, SECOND_OPINION_CODES, secondOpinionCheck } from './local';
import { hostKeyName } from './sshCommand';
import { connectWithRetries, RttBoard, type RaceResult } from './connect';
import { pingDeadlineMs } from './deadline';
import { DeadlineReached, throwIfCancelled } from './cancel';
import {
  DEFAULT_SSH_USER, SCHEMA_VERSION, hasCredentials,
  type AltPortResult, type BannerResult, type Check, type CloudEvidence, type Credentials, type IcmpResult, type Lang,
  type RdpResult, type Report, type Target, type TcpResult,
} from './model';
import type { CloudInspector, JumpSession, LocalContext, OpenConnection, ProbeOptions, Probes, SecondOpinionContext } from './probeContract';
import { diagnoseChain } from './jumpDiagnose';
import type { BastionPool } from './bastionPool';
import { localJumpChain } from './localJump';
import type { CheckStart } from './progress';
import { parseIp } from './ip';
import { reportTarget } from './reportTarget';
import { formatMs } from './format';
import { buildVerdict } from './verdict';
import { keepSyns, reachCheck, type ClientSynRun } from './clientNet';
import { traceBackOf, traceOut } from './pathEvidence';
import { traceCheck } from './traceText';

/** Emits the check(s) a builder makes, told in the run's language; the builder is kept to
 *  tell the same evidence in another language (`DiagnosedReport.in`). */
export type Emit = (build: (lang: Lang) => Check | Check[]) => void;

/** A finished run: its report, and the same report told in another language from the same
 *  evidence (no probe runs again), so an open report can follow a language change. */
export interface DiagnosedReport {
  report: Report;
  in(lang: Lang): Report;
}

export interface DiagnoseDeps {
  probes: Probes;
  cloud?: CloudInspector;
  credentials?: Credentials;
  lang?: Lang;
  /** Called as each layer finishes, in order of completion. */
  onCheck?: (c: Check) => void;
  /** Called as a step starts, with what it waits for and the longest it will wait. */
  onCheckStart?: (s: CheckStart) => void;
  log?: (line: string) => void;
  /** The user's consent to read-only in-guest checks (Tencent Automation Tools). */
  guestChecks?: boolean;
  /** A sweep's shared bastion sessions (core/bastionPool.ts); absent for a single diagnosis,
   *  which logs in to each bastion itself. */
  bastions?: BastionPool;
  /** `--trace`: path evidence both ways (core/pathEvidence.ts). */
  trace?: boolean;
}

/** At most this many of a name's addresses are tried, in the resolver's order (ssh tries every
 *  one; a silent address costs up to one timeout, and the run must end within a few). */
export const MAX_ADDRESSES = 4;



/**
 * The ping's own deadline, moved earlier once the port has answered (ping is corroboration
 * only): the probe sees a `DeadlineReached` abort and resolves as a timeout. Linked to the
 * run's signal.
 */
class PingDeadline {
  private readonly controller = new AbortController();
  readonly signal: AbortSignal;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly start = performance.now();
  constructor(parent: AbortSignal, private readonly timeoutMs: number) {
    this.signal = AbortSignal.any([parent, this.controller.signal]);
  }
  adapt(rttMs: number, source: string): void {
    const d = pingDeadlineMs(rttMs, this.timeoutMs);
    if (d >= this.timeoutMs || this.controller.signal.aborted) return;
    clearTimeout(this.timer);
    const reason = `${source} RTT ${formatMs(rttMs)} → ${formatMs(d)}`;
    this.timer = setTimeout(() => this.controller.abort(new DeadlineReached(d, reason)), Math.max(0, d - (performance.now() - this.start)));
  }
  /** Not needed any more (another address was used): end it now. */
  stop(reason: string): void {
    clearTimeout(this.timer);
    if (!this.controller.signal.aborted) this.controller.abort(new DeadlineReached(Math.round(performance.now() - this.start), reason));
  }
  dispose(): void {
    clearTimeout(this.timer);
  }
}

export async function diagnose(target: Target, deps: DiagnoseDeps, signal: AbortSignal = new AbortController().signal): Promise<Report> {
  return (await diagnoseReport(target, deps, signal)).report;
}

export async function diagnoseReport(typed: Target, deps: DiagnoseDeps, signal: AbortSignal = new AbortController().signal): Promise<DiagnosedReport> {
  // Through bastions: every hop in turn, the first one probed from here (jumpDiagnose.ts).
  if (typed.jump?.length) return diagnoseChain(typed, deps, signal, probeDirect);
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const lang = deps.lang ?? 'en';
  const { probes } = deps;
  const checks: Check[] = [];
  const tellers: Array<(l: Lang) => Check> = [];
  const emit: Emit = (build) => {
    [build(lang)].flat().forEach((c, i) => {
      checks.push(c);
      tellers.push((l) => (l === lang ? c : [build(l)].flat()[i]!));
      deps.onCheck?.(c);
    });
  };
  const opts = (s: AbortSignal = signal): ProbeOptions => ({ timeoutMs: typed.timeoutMs, signal: s, log: deps.log });
  const passphraseGiven = deps.credentials?.passphrase !== undefined;

  // The Local layer, before any packet: the user's ssh config, keys and agent. What the
  // config sets fills in what the user did not type (a host typed as its alias behaves as
  // `ssh alias`).
  throwIfCancelled(signal);
  const local = probes.local && typed.protocol === 'ssh' ? await probes.local(localContext(typed, deps.credentials), opts()) : undefined;
  if (local) emit((l) => localChecks(local, { passphraseGiven }, l));
  const given = deps.credentials;
  const applied = applyLocal(typed, given, local);
  const target = applied.target;
  if (applied.credentials !== deps.credentials) deps = { ...deps, credentials: applied.credentials };
  const e: ClassifyInput = {
    target, credentialsGiven: hasCredentials(deps.credentials), identityFile: deps.credentials?.identityFile ?? given?.identityFile,
    ...(passphraseGiven ? { passphraseGiven } : {}), ...(local ? { local } : {}),
  };

  throwIfCancelled(signal);
  // ssh on this machine cannot even read its configuration: nothing is sent anywhere.
  if (local?.config.outcome === 'error') return finish();
  // A ProxyJump only `ssh -G` sees (a Match block, say): through the bastions, as `ssh alias` goes.
  const viaConfig = await localJumpChain(typed, local, probes, opts());
  if (viaConfig) return diagnoseChain({ ...target, jump: viaConfig }, deps, signal, probeDirect, { checks, tellers });
  if (!parseIp(target.host)) deps.onCheckStart?.({ id: 'dns', waitFor: 'resolve', boundMs: target.timeoutMs, host: target.host });
  const dns = e.dns = await probes.dns(target.host, opts());
  emit((l) => dnsCheck(dns, target.host, l));
  const address = e.dns.ok ? e.dns.addresses[0]?.address : undefined;

  // The cloud's view needs only the address (its family picks the rules evaluated): it runs
  // alongside the probes, even when the name did not resolve.
  const inspect = (a: string | undefined) => deps.cloud!.inspect(target, { ...opts(), port: target.port, protocol: target.protocol, guestChecks: !!deps.guestChecks, address: a, ...(deps.trace ? { trace: true } : {}) });
  let cloudRun: Promise<CloudEvidence> | undefined = deps.cloud && target.cloud ? inspect(address) : undefined;
  // Keep a rejected cloud run from surfacing as unhandled while the probes still run.
  cloudRun?.catch(() => undefined);

  // The port stayed silent while the guest may be watching for our SYNs: keep sending them
  // (bounded, one timed attempt a second, to the target only) from the moment the main port's
  // probe gave up until the cloud's answer comes, so the guest's capture overlaps them for sure
  // (clientNet.ts). Started at once, before the other ports and the ping are waited for.
  let syns: Promise<ClientSynRun> | undefined;
  let keptFor: Promise<CloudEvidence> | undefined;
  const keepUp = (t: TcpResult) => {
    if (!deps.guestChecks || !cloudRun || t.outcome !== 'timeout' || syns) return;
    keptFor = cloudRun;
    syns = keepSyns(probes.tcp, t.address, target.port, keptFor, signal, { log: deps.log });
    syns.catch(() => undefined);
  };
  if (address) await probeNetwork(target, e.dns.addresses.map((a) => a.address), e, probes, deps, signal, opts, emit, undefined, keepUp);
  // After the probes (its SYNs must not race theirs), alongside the cloud's view.
  const traceRun = deps.trace ? traceOut(target, e.tcp?.address, probes, deps, opts(), emit) : undefined;
  traceRun?.catch(() => undefined);

  if (cloudRun) {
    // The probes fell back to an address of the other family (as ssh does): the rules that
    // matter are that family's. Rare (a dual-stack name): asked again rather than twice always.
    const used = e.tcp?.address;
    if (used && address && used.includes(':') !== address.includes(':')) {
      await cloudRun.catch(() => undefined);
      throwIfCancelled(signal);
      cloudRun = inspect(used);
    }
    const cloud = e.cloud = await cloudRun;
    // Kept up until the inspection it was started for ended; a second inspection (the other
    // family) is not covered by it, and the check then says it cannot decide.
    if (syns) {
      const kept = await syns;
      e.clientSyns = cloudRun === keptFor ? kept : { ...kept, coveredGuestRun: false };
    }
    emit((l) => cloudChecks(cloud, target.port, target.protocol, l));
    if (reachCheck(e, lang)) emit((l) => ({ ...reachCheck(e, l)!, durationMs: e.clientSyns?.durationMs ?? 0 }));
  }
  await traceRun;
  if (deps.trace && target.cloud) { const back = traceBackOf(e.cloud, !!deps.guestChecks); emit((l) => traceCheck(back, l)); }
  throwIfCancelled(signal);

  // A verdict ssh2 may have caused: what does the system OpenSSH say with the same settings?
  if (probes.secondOpinion && secondOpinionWanted(e)) {
    const so = e.secondOpinion = await probes.secondOpinion(secondOpinionContext(e, deps.credentials), opts());
    emit((l) => secondOpinionCheck(so, target.user ?? DEFAULT_SSH_USER, l));
    throwIfCancelled(signal);
  }
  return finish();

  function finish(): DiagnosedReport {
    const code = classifyCode(e);
    const reportIn = (l: Lang): Report => ({
      ...report,
      verdict: buildVerdict(code, e, l),
      findings: findings(e, code, l),
      checks: sortChecks(tellers.map((tell, i) => ({ ...tell(l), durationMs: checks[i]!.durationMs }))),
      lang: l,
    });
    const report: Report = {
      schemaVersion: SCHEMA_VERSION,
      target: reportTarget(target, e.dns),
      verdict: buildVerdict(code, e, lang),
      findings: findings(e, code, lang),
      // Shown in the order a person reasons in, not the order the probes happened to finish.
      checks: sortChecks(checks),
      durationMs: Math.round(performance.now() - started),
      startedAt,
      lang,
    };
    return { report, in: (l) => (l === lang ? report : reportIn(l)) };
  }
}

/** What the Local layer is asked: the host as typed, and only what the user gave. */
function localContext(t: Target, c: Credentials | undefined): LocalContext {
  const given = t.sshConfig;
  return {
    host: t.host,
    ...(t.user !== undefined && (!given || given.userGiven) ? { user: t.user } : {}),
    ...(!given || given.portGiven ? { port: t.port } : {}),
    ...(given?.file !== undefined ? { configFile: given.file } : {}),
    ...(c?.identityFile !== undefined ? { identityFile: c.identityFile } : {}),
    ...(c?.agent !== undefined ? { agentSocket: c.agent } : {}),
  };
}

/** The second opinion is asked after a handshake or login verdict ssh2 may have caused (and
 *  after an identity ssh2 could not read but OpenSSH can, such as PKCS#8), never for what the
 *  Local layer already named. */
function secondOpinionWanted(e: ClassifyInput): boolean {
  if (e.target.protocol !== 'ssh' || e.tcp?.outcome !== 'connected' || e.banner?.outcome !== 'ssh' || !e.ssh) return false;
  if (localVerdict(e) !== undefined) return false;
  const code = ruleCode(e);
  if (!SECOND_OPINION_CODES.includes(code)) return false;
  if (code !== 'KEY_FORMAT_UNSUPPORTED') return true;
  const key = e.local?.keys.find((k) => k.path === e.ssh?.login.keyFile);
  return !!key?.format && opensshReads(key.format) && !(key.encrypted && !e.passphraseGiven);
}

function secondOpinionContext(e: ClassifyInput, c: Credentials | undefined): SecondOpinionContext {
  const t = e.target;
  const cfg = e.local?.config;
  const knownHostsFiles = t.knownHostsPath ? [t.knownHostsPath] : cfg?.outcome === 'ok' ? cfg.effective.userKnownHostsFiles : [];
  return {
    address: e.tcp!.address, port: t.port, user: t.user ?? DEFAULT_SSH_USER, hostKeyAlias: hostKeyName(t.host, t.port), knownHostsFiles,
    identityFiles: [...(c?.identityFile ? [c.identityFile] : []), ...(c?.extraIdentityFiles ?? [])],
    ...(c?.agent ? { agentSocket: c.agent } : {}),
  };
}

/**
 * The layered probe of a host reached from here (DNS, ICMP ‖ TCP, banner, SSH/RDP, other
 * ports), without the cloud's view: the first hop of a jump chain. `keepSession` as in
 * SshContext: a logged-in session is handed over instead of closed.
 */
export async function probeDirect(
  target: Target, e: ClassifyInput, deps: DiagnoseDeps, signal: AbortSignal, emit: Emit,
  keepSession?: (s: JumpSession) => void,
): Promise<void> {
  const opts = (s: AbortSignal = signal): ProbeOptions => ({ timeoutMs: target.timeoutMs, signal: s, log: deps.log });
  throwIfCancelled(signal);
  const dns = e.dns = await deps.probes.dns(target.host, opts());
  emit((l) => dnsCheck(dns, target.host, l));
  if (e.dns.ok && e.dns.addresses.length) {
    await probeNetwork(target, e.dns.addresses.map((a) => a.address), e, deps.probes, deps, signal, opts, emit, keepSession);
  }
}

/** One address's network probes: ICMP ‖ the connect race on the main port. */
interface AddressRun {
  address: string;
  /** Round trips to this address, shared by its connect races. */
  rtt: RttBoard;
  ping: PingDeadline;
  icmp?: Promise<IcmpResult>;
  /** Set once the ping settled. */
  icmpResult?: IcmpResult;
  /** Unset only when the race was cancelled. */
  tcp: RaceResult;
  /** The other ports, probed while the main port was still silent. */
  early?: { run: Promise<AltPortResult[]>; stop: AbortController; startedAt: number; endedAt?: number };
}

/**
 * Everything after DNS. The addresses are tried in order, as ssh does: the first whose port
 * connects is used; when none does, the last one tried is diagnosed (ssh reports its error).
 * Then the protocol stage on the connection, or the other ports.
 */
async function probeNetwork(
  target: Target, addresses: string[], e: ClassifyInput, probes: Probes, deps: DiagnoseDeps, signal: AbortSignal,
  opts: (s?: AbortSignal) => ProbeOptions, emit: Emit, keepSession?: (s: JumpSession) => void,
  onPortResult?: (t: TcpResult) => void,
): Promise<void> {
  const list = addresses.slice(0, MAX_ADDRESSES);
  // A session handed over owns the connection: it is not closed here.
  let kept = false;
  const keep = keepSession ? (s: JumpSession) => { kept = true; keepSession(s); } : undefined;
  const single = list.length === 1;
  const runs: AddressRun[] = [];
  let conn: OpenConnection | undefined;
  let chosen: AddressRun | undefined;
  try {
    throwIfCancelled(signal);
    if (!target.icmp) emit(icmpOffCheck);
    for (let i = 0; i < list.length; i++) {
      throwIfCancelled(signal);
      const last = i === list.length - 1;
      // With one address its ping is reported as soon as it settles; with several, only the
      // ping of the address that is used.
      const run = await probeAddress(target, list[i]!, probes, deps, signal, opts, last, single ? (r) => {
        e.icmp = r;
        emit((l) => icmpCheck(r, target.timeoutMs, l));
      } : undefined, runs);
      if (run.tcp.result.outcome === 'connected') break;
    }
    chosen = runs[runs.length - 1]!;
    for (const r of runs) if (r !== chosen) r.ping.stop('another address was used');
    if (runs.length > 1) e.earlierAddresses = runs.slice(0, -1).map((r) => r.tcp.result);
    if (!single && chosen.icmp) {
      const report = (r: IcmpResult) => {
        e.icmp = r;
        emit((l) => icmpCheck(r, target.timeoutMs, l));
      };
      if (chosen.icmpResult) report(chosen.icmpResult);
      else chosen.icmp = chosen.icmp.then((r) => { report(r); return r; });
    }
    const tcp = e.tcp = chosen.tcp.result;
    onPortResult?.(tcp);
    const earlier = e.earlierAddresses;
    emit((l) => tcpCheck(tcp, l, earlier));
    const address = chosen.address;
    conn = chosen.tcp.connection;

    if (conn) {
      throwIfCancelled(signal);
      if (target.protocol === 'ssh') {
        deps.onCheckStart?.({ id: 'banner', waitFor: 'banner', boundMs: target.timeoutMs, address, port: target.port });
        const banner = e.banner = await probes.banner(conn, opts());
        emit((l) => bannerCheck(banner, target.timeoutMs, l));
        if (e.banner.outcome === 'ssh') {
          const user = target.user ?? DEFAULT_SSH_USER;
          deps.onCheckStart?.({ id: 'kex', waitFor: 'ssh', boundMs: target.timeoutMs, address, port: target.port });
          const ssh = e.ssh = await probes.ssh(conn, {
            host: target.host, address, port: target.port, user,
            credentials: deps.credentials, knownHostsPath: target.knownHostsPath, acceptNew: target.acceptNewHostKey, banner: e.banner,
            ...(keep ? { keepSession: keep } : {}),
            ...(target.vscodeServer ? { readiness: { downloadUrl: target.vscodeServer.downloadUrl } } : {}),
          }, opts());
          emit((l) => sshChecks(ssh, user, target.timeoutMs, !!e.credentialsGiven, l));
          const ready = ssh.readiness ?? (target.vscodeServer?.quietWithoutLogin ? undefined : { skipped: 'no-login' as const, outputs: {}, durationMs: 0 });
          if (target.vscodeServer && ready) emit((l) => readinessChecks(ready, l));
        }
      } else {
        deps.onCheckStart?.({ id: 'rdp', waitFor: 'rdp', boundMs: target.timeoutMs, address, port: target.port });
        const rdp = e.rdp = await probes.rdp(conn, opts());
        emit((l) => rdpCheck(rdp, target.timeoutMs, l));
      }
    } else if (chosen.early) {
      const alt = e.altPorts = await chosen.early.run;
      const { startedAt, endedAt } = chosen.early;
      const took = (endedAt ?? performance.now()) - startedAt;
      emit((l) => altPortsCheck(alt, target.protocol, took, l));
    } else if (target.altPorts.length) {
      throwIfCancelled(signal);
      const t0 = performance.now();
      deps.onCheckStart?.({ id: 'altports', waitFor: 'altports', boundMs: 2 * target.timeoutMs, address, ports: altPortList(target) });
      const alt = e.altPorts = await scanAltPorts(target, address, probes, chosen.rtt, signal, target.timeoutMs, deps.log);
      const took = performance.now() - t0;
      emit((l) => altPortsCheck(alt, target.protocol, took, l));
    }
    await chosen.icmp;
  } finally {
    if (!kept) conn?.close();
    // Nothing outlives the run: the other addresses' pings, and a scan the main port made moot.
    for (const r of runs) {
      if (r.early && r.tcp?.connection) r.early.stop.abort(new DeadlineReached(0, 'main port answered'));
      if (r !== chosen) r.ping.stop('run ended');
    }
    await Promise.all(runs.flatMap((r) => [r.early?.run, r.icmp].map((p) => p?.catch(() => undefined))));
    for (const r of runs) r.ping.dispose();
  }
}

/**
 * ICMP and the connect race together. Whichever answers first measures the round trip and
 * shortens the other's wait: an echo reply sets the SYN retry plan, and a port that answers
 * ends the wait for a ping that a firewall drops. `withEarlyScan`: when no other address
 * follows, the other ports are probed alongside once the plan says the main port is failing.
 * The run is pushed to `runs` before anything can throw, so the caller can settle it.
 */
async function probeAddress(
  target: Target, address: string, probes: Probes, deps: DiagnoseDeps, signal: AbortSignal,
  opts: (s?: AbortSignal) => ProbeOptions, withEarlyScan: boolean, onIcmp: ((r: IcmpResult) => void) | undefined, runs: AddressRun[],
): Promise<AddressRun> {
  const rtt = new RttBoard();
  const ping = new PingDeadline(signal, target.timeoutMs);
  const run = { address, rtt, ping } as AddressRun;
  runs.push(run);
  if (target.icmp) {
    deps.onCheckStart?.({ id: 'icmp', waitFor: 'echo', boundMs: target.timeoutMs, address });
    run.icmp = probes.icmp(address, opts(ping.signal)).then((r) => {
      run.icmpResult = r;
      // An echo reply, or an ICMP error the host sent itself, is a round trip to the host.
      if (r.rttMs !== undefined && (r.outcome === 'reply' || (r.from !== undefined && r.from === address))) rtt.report(r.rttMs, 'ICMP');
      onIcmp?.(r);
      return r;
    });
    run.icmp.catch(() => undefined);
  }
  const onAltScanDue = withEarlyScan && target.altPorts.length ? (atMs: number) => {
    const stop = new AbortController();
    // Each port: the connect within what is left of the main port's wait, then its identity.
    deps.onCheckStart?.({ id: 'altports', waitFor: 'altports', boundMs: Math.max(1, target.timeoutMs - atMs) + target.timeoutMs, address, ports: altPortList(target) });
    const early: NonNullable<AddressRun['early']> = { run: Promise.resolve([]), stop, startedAt: performance.now() };
    early.run = scanAltPorts(target, address, probes, rtt, AbortSignal.any([signal, stop.signal]), Math.max(1, target.timeoutMs - atMs), deps.log)
      .finally(() => { early.endedAt = performance.now(); });
    early.run.catch(() => undefined);
    run.early = early;
  } : undefined;
  deps.onCheckStart?.({ id: 'tcp', waitFor: 'connect', boundMs: target.timeoutMs, address, port: target.port });
  run.tcp = await connectWithRetries(probes.tcp, address, target.port, { timeoutMs: target.timeoutMs, signal, log: deps.log, rtt, onAltScanDue });
  const t = run.tcp.result;
  // A SYN-ACK, a reset or an ICMP error the host itself sent is a round trip to it.
  if (t.outcome === 'connected' || t.outcome === 'refused' || (t.icmp && t.icmp.from === address)) ping.adapt(t.connectMs ?? t.durationMs, 'TCP');
  return run;
}

/** Tries every alternative port at once, each with the same connect retries as the main port. */
async function scanAltPorts(
  target: Target, address: string, probes: Probes, rtt: RttBoard, signal: AbortSignal,
  connectTimeoutMs: number, log?: (line: string) => void,
): Promise<AltPortResult[]> {
  const ports = altPortList(target);
  const results = await Promise.allSettled(ports.map(async (port): Promise<AltPortResult> => {
    const { result: tcp, connection } = await connectWithRetries(probes.tcp, address, port, { timeoutMs: connectTimeoutMs, signal, log, rtt });
    if (!connection) return { port, tcp };
    try {
      // What answers gets the protocol's own timeout, not the connect deadline: a server that
      // moved may be slow to identify itself.
      const o: ProbeOptions = { timeoutMs: target.timeoutMs, signal, log };
      return target.protocol === 'ssh'
        ? { port, tcp, ...sshIdentity(await probes.banner(connection, o)) }
        : { port, tcp, ...rdpIdentity(await probes.rdp(connection, o)) };
    } finally {
      connection.close();
    }
  }));
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return results.map((r) => (r as PromiseFulfilledResult<AltPortResult>).value);
}

/** The other ports a scan tries: each once, never the main port. */
function altPortList(target: Target): number[] {
  return [...new Set(target.altPorts)].filter((p) => p !== target.port);
}

function sshIdentity(b: BannerResult): Pick<AltPortResult, 'protocol' | 'banner'> {
  if (b.outcome === 'ssh' || b.outcome === 'other') return { protocol: b.outcome, ...(b.line !== undefined ? { banner: b.line } : {}) };
  return { protocol: 'silent' };
}

function rdpIdentity(r: RdpResult): Pick<AltPortResult, 'protocol'> {
  return { protocol: r.outcome === 'rdp' ? 'rdp' : r.outcome === 'not-rdp' ? 'other' : 'silent' };
}
