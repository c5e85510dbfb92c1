/**
 * Diagnosis through a jump chain (`ssh -J`, ProxyJump). Hop 1 gets the full layered probe
 * from here and must log in; every next hop is reached through the session of the one before
 * it: a `direct-tcpip` channel read like a TCP connect, then banner, key exchange, host key
 * (known_hosts under the hop's own name, as `ssh -J` checks it) and login over the channel.
 * The verdict is the most upstream failing layer of the first failing hop, with `hop` set and
 * a text naming where it was seen from. No ICMP beyond hop 1: only the bastion could send it.
 * Pure: the probes and the sessions are injected.
 */
import { altPortsCheck, bannerCheck, cloudChecks, rdpCheck, sshChecks } from './checks';
import { classifyCode, findings, loginUntested, type ClassifyInput } from './classify';
import { throwIfCancelled } from './cancel';
import type { DiagnoseDeps, DiagnosedReport, Emit } from './diagnose';
import { format, formatMs } from './format';
import { checkLayer, formatJumpChain, formatJumpHop, hopCheckId, hopTargets } from './jump';
import { msg } from './messages';
import { reportTarget } from './reportTarget';
import {
  DEFAULT_SSH_USER, SCHEMA_VERSION, hasCredentials,
  type AltPortResult, type Check, type CheckId, type Credentials, type Finding, type Lang, type Report, type Target, type TcpResult, type Verdict,
} from './model';
import type { JumpSession, ProbeOptions } from './probeContract';
import { BuildVoid, ChannelLimit, SharedConnectionLost, type BastionPool, type HopHandle } from './bastionPool';
import { bastionKeys, sharedCheck } from './jumpShare';
import { dropFindings, dropVerdict, lostSummary, trimToHop, type DropNote } from './jumpDrop';
import { lostHop, seenOverLost, walkWithReconnect } from './sessionLoss';
import { buildVerdict, verdictArgs } from './verdict';
import { OK_LOGIN_UNTESTED_TEXT } from './verdictText';
import { notTracedThroughJump } from './pathEvidence';
import { traceCheck } from './traceText';

/** The first hop's probe (diagnose.ts `probeDirect`), injected so this module does not
 *  import the engine that calls it. */
export type DirectProbe = (
  target: Target, e: ClassifyInput, deps: DiagnoseDeps, signal: AbortSignal, emit: Emit, keepSession?: (s: JumpSession) => void,
) => Promise<void>;

interface HopRun {
  n: number;
  target: Target;
  e: ClassifyInput;
  code: ReturnType<typeof classifyCode>;
  /** Behind a bastion, only the system OpenSSH could negotiate with the hop: it cannot be run
   *  through the channel, so the key exchange and the login are untested (not KEX_FAILED). */
  opensshOnly?: boolean;
}

/** Why the chain stopped at a hop whose own verdict is OK. */
type StopReason = 'noCredentials' | 'openssh' | 'notLoggedIn';

/**
 * The credentials one hop is tried with. The identity file and agent serve every hop, as
 * with `ssh -J`, unless the hop has its own identity file; a password and a passphrase are
 * the target's own (they were given for it): never sent to a bastion.
 */
export function hopCredentials(c: Credentials | undefined, hop: { identityFile?: string }, isTarget: boolean): Credentials | undefined {
  if (isTarget) return c;
  if (!c && !hop.identityFile) return undefined;
  const out: Credentials = {};
  if (hop.identityFile) out.identityFile = hop.identityFile;
  else if (c?.identityFile || c?.privateKey) {
    if (c.identityFile) out.identityFile = c.identityFile;
    if (c.privateKey !== undefined) out.privateKey = c.privateKey;
    if (c.passphrase !== undefined) out.passphrase = c.passphrase;
  }
  if (c?.agent) out.agent = c.agent;
  return Object.keys(out).length ? out : undefined;
}

/** One hop's checks and evidence, as the walk keeps them (and a sweep's pool shares them). */
interface HopOutcome {
  run: HopRun;
  /** Each check of the hop, told in any language. */
  tellers: Array<(l: Lang) => Check>;
  session?: JumpSession;
}

/** What one walk along the chain found. `lost`: a shared session was dropped meanwhile, so
 *  what was seen through it may have been cut short: not to be trusted. */
interface Walk {
  runs: HopRun[];
  checks: Check[];
  tellers: Array<(l: Lang) => Check>;
  stop?: { n: number; why: StopReason };
  lost: boolean;
  /** The hop whose session was dropped during this walk (sessionLoss.ts), if any. */
  lostHop?: number;
  /** A single diagnosis that looked again after a drop: what the report says about it. */
  drop?: DropNote;
}

/** Checks run before the chain (the Local layer that found its ProxyJump), told in any language. */
export interface ChainPreface {
  checks: Check[];
  tellers: Array<(l: Lang) => Check>;
}

export async function diagnoseChain(target: Target, deps: DiagnoseDeps, signal: AbortSignal, probeDirect: DirectProbe, preface?: ChainPreface): Promise<DiagnosedReport> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const report = (walk: Walk) => chainReport(target, deps, preface ? { ...walk, checks: [...preface.checks, ...walk.checks], tellers: [...preface.tellers, ...walk.tellers] } : walk, started, startedAt);
  if (!deps.bastions) {
    // A bastion's session dropped while the hops behind it were probed: nothing seen through
    // it decides a verdict. The chain is walked once more over a new connection; lost again,
    // the verdict is about that bastion (sessionLoss.ts, jumpDrop.ts).
    const o = await walkWithReconnect(() => walkChain(target, deps, signal, probeDirect), signal, deps.log);
    if (o.kind === 'clean') return report(o.walk);
    if (o.kind === 'reconnected') return report({ ...o.walk, drop: { hop: o.lostHop, again: false } });
    return report({ ...trimToHop(o.walk, o.lostHop), drop: { hop: o.lostHop, again: true } });
  }
  // In a sweep the bastions' sessions are shared (bastionPool.ts). One the bastion drops while
  // this target used it may have cut its channels short (an EOF that is not the target's
  // doing): that walk is not reported; the chain is walked once more, over a new login.
  let walk = await walkShared(target, deps, signal, probeDirect);
  if (walk.lost) {
    deps.log?.(`jump: a shared bastion session was dropped during the diagnosis of ${target.host}: diagnosed again`);
    walk = await walkShared(target, deps, signal, probeDirect);
    if (walk.lost) throw new Error(msg(deps.lang ?? 'en', 'jump.sharedLost', { via: formatJumpHop(target.jump![0]!) }));
  }
  return report(walk);
}

async function walkShared(target: Target, deps: DiagnoseDeps, signal: AbortSignal, probeDirect: DirectProbe): Promise<Walk> {
  try {
    return await walkChain(target, deps, signal, probeDirect);
  } catch (e) {
    if (e instanceof SharedConnectionLost) throw new Error(msg(deps.lang ?? 'en', 'jump.sharedLost', { via: formatJumpHop(target.jump![0]!) }));
    throw e;
  }
}

async function walkChain(target: Target, deps: DiagnoseDeps, signal: AbortSignal, probeDirect: DirectProbe): Promise<Walk> {
  const lang = deps.lang ?? 'en';
  // The pool holds whatever its users build; this module is its only user.
  const pool = deps.bastions as BastionPool<HopOutcome> | undefined;
  const hops = hopTargets(target);
  const total = hops.length;
  const keys = pool ? bastionKeys(target, deps.credentials, (s) => pool.secretId(s)) : [];
  const checks: Check[] = [];
  // As diagnose.ts: each check's builder is kept to tell the same evidence in another language.
  const tellers: Array<(l: Lang) => Check> = [];
  const runs: HopRun[] = [];
  /** Sessions this walk opened itself (closed at its end); shared ones are the pool's. */
  const own: JumpSession[] = [];
  const used: JumpSession[] = [];
  let stop: { n: number; why: StopReason } | undefined;
  let lost = false;
  try {
    for (let i = 0; i < total; i++) {
      throwIfCancelled(signal);
      const n = i + 1;
      const last = n === total;
      const prevSession = used[used.length - 1];
      const probe = () => probeHop(target, hops, i, runs[i - 1], prevSession, deps, signal, probeDirect);
      let out: HopOutcome;
      if (pool && !last) {
        let h: HopHandle<HopOutcome>;
        try {
          h = await pool.acquire(keys[i]!, async () => {
            const o = await probe();
            // Seen through a session that was dropped meanwhile: not evidence of this hop.
            if (seenOverLost(prevSession)) { o.session?.close(); throw new BuildVoid(); }
            return { value: o, ...(o.session ? { session: o.session } : {}) };
          }, signal);
        } catch (e) {
          if (e instanceof BuildVoid) { lost = true; break; }
          throw e;
        }
        out = { ...h.value, ...(h.session ? { session: h.session } : { session: undefined }) };
        const told = h.shared ? out.tellers.map((tell) => (l: Lang) => sharedCheck(tell(l), h.checkedAt, !!h.session, l)) : out.tellers;
        for (const tell of told) {
          const c = tell(lang);
          checks.push(c);
          tellers.push(tell);
          if (h.shared) deps.onCheck?.(c);
        }
      } else {
        out = await probe();
        // Seen through a session that was dropped meanwhile: not evidence of this hop, and
        // nothing goes on through it (the walk is looked at again: lostHop below).
        if (seenOverLost(prevSession)) { out.session?.close(); break; }
        for (const tell of out.tellers) { checks.push(tell(lang)); tellers.push(tell); }
        if (out.session) own.push(out.session);
      }
      if (out.session) used.push(out.session);
      const { run } = out;
      runs.push(run);
      if (run.opensshOnly) {
        if (!last) stop = { n, why: 'openssh' };
        break;
      }
      if (last || run.code !== 'OK' || loginUntested(run.e)) break;
      if (!out.session) {
        const e = run.e;
        stop = { n, why: e.ssh?.client === 'openssh' ? 'openssh' : e.ssh?.login.reasonKind === 'no-credentials' || !e.credentialsGiven ? 'noCredentials' : 'notLoggedIn' };
        break;
      }
    }
  } finally {
    for (const s of own.reverse()) s.close();
  }
  const dropped = lostHop(used);
  if (pool && dropped !== undefined) lost = true;
  return { runs, checks, tellers, ...(stop ? { stop } : {}), lost, ...(dropped !== undefined ? { lostHop: dropped } : {}) };
}

/** One hop of the chain: its probes (from here for hop 1, through the session of the hop
 *  before otherwise) and its cloud view; its checks are told to `deps.onCheck` as they come. */
async function probeHop(
  target: Target, hops: Target[], i: number, prev: HopRun | undefined, prevSession: JumpSession | undefined,
  deps: DiagnoseDeps, signal: AbortSignal, probeDirect: DirectProbe,
): Promise<HopOutcome> {
  const lang = deps.lang ?? 'en';
  const n = i + 1;
  const t = hops[i]!;
  const last = n === hops.length;
  const tellers: Array<(l: Lang) => Check> = [];
  const emit: Emit = (build) => {
    const told = (l: Lang) => [build(l)].flat().map((c): Check => ({ ...c, id: hopCheckId(n, c.id as CheckId), hop: n }));
    told(lang).forEach((c, k) => {
      tellers.push((l) => (l === lang ? c : told(l)[k]!));
      deps.onCheck?.(c);
    });
  };
  const credentials = hopCredentials(deps.credentials, last ? {} : target.jump![i]!, last);
  const e: ClassifyInput = { target: t, credentialsGiven: hasCredentials(credentials), identityFile: credentials?.identityFile };
  const hopDeps: DiagnoseDeps = { ...deps, credentials };
  let session: JumpSession | undefined;
  const keep = last ? undefined : (s: JumpSession) => { session = s; };

  // The hop's own cloud view, alongside its probes. Behind a bastion the packets come from
  // the bastion: its private address (from its own cloud view) is the source evaluated.
  const source = prev ? { via: prev.target.host, ...sourceAddress(prev) } : undefined;
  const cloudRun = deps.cloud && t.cloud
    ? deps.cloud.inspect(t, {
      timeoutMs: t.timeoutMs, signal, log: deps.log, port: t.port, protocol: t.protocol, guestChecks: !!deps.guestChecks,
      ...(source ? { source } : {}),
    })
    : undefined;
  cloudRun?.catch(() => undefined);

  try {
    if (i === 0) await probeDirect(t, e, hopDeps, signal, emit, keep);
    else await probeBehind(prevSession!, prev!.target, t, e, hopDeps, signal, emit, keep);

    if (cloudRun) {
      const cloud = e.cloud = await cloudRun;
      emit((l) => cloudChecks(cloud, t.port, t.protocol, l));
    }
    throwIfCancelled(signal);
  } catch (err) {
    (session as JumpSession | undefined)?.close();
    throw err;
  }
  let code = classifyCode(e);
  const opensshOnly = i > 0 && code === 'KEX_FAILED' && e.ssh?.negotiation?.openssh?.missing.length === 0;
  if (opensshOnly) code = 'OK';
  const run: HopRun = { n, target: t, e, code, ...(opensshOnly ? { opensshOnly } : {}) };
  // A session is only kept for a hop the chain goes on through.
  const s = session as JumpSession | undefined;
  const goesOn = !last && !opensshOnly && code === 'OK' && !loginUntested(e);
  if (s && !goesOn) s.close();
  return { run, tellers, ...(s && goesOn ? { session: s } : {}) };
}

/** A walk of one chain assembled into its report. */
function chainReport(target: Target, deps: DiagnoseDeps, walk: Walk, started: number, startedAt: string): DiagnosedReport {
  const lang = deps.lang ?? 'en';
  const hops = hopTargets(target);
  const total = hops.length;
  const { runs, stop, drop } = walk;
  // --trace through bastions: said not done, and why (pathEvidence.ts), never silently absent.
  const untraced = deps.trace ? [(l: Lang) => traceCheck(notTracedThroughJump(target), l)] : [];
  const tellers = [...walk.tellers, ...untraced];
  const checks = [...walk.checks, ...untraced.map((tell) => tell(lang))];
  const run = runs[runs.length - 1]!;
  // After a drop (jumpDrop.ts): lost again, the verdict is about the bastion; else the fresh
  // walk's, saying so when it stopped at the bastion.
  const verdictIn = (l: Lang): Verdict => {
    if (drop?.again) return dropVerdict(run.e, drop, hops, l);
    const v = chainVerdict(run, runs, total, stop, l);
    return drop ? lostSummary(v, v.hop ?? run.n, drop, hops, l) : v;
  };
  const findingsIn = (l: Lang): Finding[] => {
    const out: Finding[] = [];
    for (const r of runs) {
      for (const f of findings(r.e, r.code, l)) out.push({ code: f.code, message: msg(l, 'jump.findingOfHop', { n: r.n, message: f.message }) });
      if (r.n > 1 && r.e.cloud?.securityGroups && !sourceAddress(runs[r.n - 2]!).address) {
        out.push({ code: 'JUMP_SOURCE_UNKNOWN', message: msg(l, 'finding.JUMP_SOURCE_UNKNOWN', { n: r.n, via: runs[r.n - 2]!.target.host }) });
      }
    }
    if (drop) out.push(...dropFindings(drop, hops, l));
    if (stop) {
      const next = hops[stop.n]!;
      out.push({
        code: 'JUMP_NOT_FOLLOWED',
        message: msg(l, 'finding.JUMP_NOT_FOLLOWED', { next: stop.n + 1, nextHost: `${next.host}:${next.port}`, host: hops[stop.n - 1]!.host, why: msg(l, `jump.why.${stop.why}`) }),
      });
    }
    return out;
  };
  const first = runs[0]!;
  const report: Report = {
    schemaVersion: SCHEMA_VERSION,
    target: {
      // Only hop 1 is resolved here; the others are resolved by the bastion before them.
      ...reportTarget(target, total === 1 ? first.e.dns : undefined),
      jump: (target.jump ?? []).map((h) => ({ host: h.host, port: h.port, ...(h.user ?? target.user ? { user: h.user ?? target.user } : {}), ...(h.name ? { name: h.name } : {}) })),
    },
    verdict: verdictIn(lang),
    findings: findingsIn(lang),
    checks,
    durationMs: Math.round(performance.now() - started),
    startedAt,
    lang,
  };
  const reportIn = (l: Lang): Report => ({
    ...report,
    verdict: verdictIn(l),
    findings: findingsIn(l),
    checks: tellers.map((tell, i) => ({ ...tell(l), durationMs: checks[i]!.durationMs })),
    lang: l,
  });
  return { report, in: (l) => (l === lang ? report : reportIn(l)) };
}

/** The address a hop's connections leave the bastion with, when its cloud view knows it. */
function sourceAddress(bastion: HopRun): { address?: string } {
  const ip = bastion.e.cloud?.instance?.privateIps[0];
  return ip ? { address: ip } : {};
}

/** The verdict of the hop that decided, with `hop` and where it was seen from. */
function chainVerdict(run: HopRun, runs: HopRun[], total: number, stop: { n: number } | undefined, lang: Lang): Verdict {
  // A refused channel is the bastion's doing: the verdict is about the bastion (the hop
  // before), its remediation for the bastion's system.
  const denied = run.code === 'JUMP_FORWARDING_DENIED' && run.n > 1;
  const bastion = run.n > 1 ? runs[run.n - 2]! : undefined;
  const e = denied ? { ...run.e, cloud: bastion!.e.cloud } : run.e;
  let v = buildVerdict(run.code, e, lang);
  if (run.opensshOnly) {
    const args = { ...verdictArgs('OK', e, lang), untested: msg(lang, 'jump.opensshOnly') };
    v = { ...v, title: format(OK_LOGIN_UNTESTED_TEXT.title[lang], args), summary: format(OK_LOGIN_UNTESTED_TEXT.summary[lang], args), loginTested: false };
  }
  const chain = formatJumpChain(runs.slice(0, -1).map((r) => ({ host: r.target.host, port: r.target.port, user: r.target.user })));
  let summary: string;
  if (run.n === 1) summary = msg(lang, 'jump.firstHop', { total, host: formatJumpHop(run.target), summary: v.summary });
  else if (run.code === 'OK' && !stop && run.n === total) summary = msg(lang, 'jump.through', { summary: v.summary, chain });
  else summary = msg(lang, 'jump.seenFrom', { n: run.n, total, host: `${run.target.host}:${run.target.port}`, via: bastion!.target.host, summary: v.summary });
  return {
    ...v,
    summary,
    hop: denied ? run.n - 1 : run.n,
    // The chain stopped before the target: whatever was tested passed, the rest is unknown.
    ...(stop ? { loginTested: false as const } : {}),
  };
}

/**
 * A hop behind a bastion: the channel, then the protocol stages on it; when the port fails,
 * the other ports through the same bastion. The hop's name is resolved by the bastion.
 */
async function probeBehind(
  session: JumpSession, bastion: Target, t: Target, e: ClassifyInput, deps: DiagnoseDeps, signal: AbortSignal,
  emit: Emit, keepSession?: (s: JumpSession) => void,
): Promise<void> {
  const via = bastion.host;
  const o: ProbeOptions = { timeoutMs: t.timeoutMs, signal, log: deps.log };
  throwIfCancelled(signal);
  const { result, connection } = await session.forward(t.host, t.port, o);
  e.tcp = result;
  if (result.forward?.kind === 'name') {
    e.dns = { ok: false, addresses: [], literal: false, errorCode: 'ENOTFOUND', durationMs: result.durationMs };
    const f = result.forward;
    emit((l) => hopCheck('dns', 'fail', result.durationMs, msg(l, 'jump.dnsFail', { host: t.host, via, message: f.message ?? '?' }), { resolvedBy: via, forward: f }));
  } else {
    emit((l) => hopCheck('dns', 'skip', 0, msg(l, 'jump.dnsAtBastion', { host: t.host, via }), { resolvedBy: via }));
  }
  emit((l) => hopCheck('icmp', 'skip', 0, msg(l, 'jump.noIcmp', { via }), { method: 'none', reason: 'beyond the first hop' }));
  emit((l) => forwardCheck(result, l));

  let kept = false;
  const keep = keepSession ? (s: JumpSession) => { kept = true; keepSession(s); } : undefined;
  if (connection) {
    try {
      throwIfCancelled(signal);
      if (t.protocol === 'ssh') {
        const banner = e.banner = await deps.probes.banner(connection, o);
        emit((l) => bannerCheck(banner, t.timeoutMs, l));
        if (banner.outcome === 'ssh') {
          const user = t.user ?? DEFAULT_SSH_USER;
          const ssh = e.ssh = await deps.probes.ssh(connection, {
            host: t.host, address: t.host, port: t.port, user, credentials: deps.credentials,
            knownHostsPath: t.knownHostsPath, acceptNew: t.acceptNewHostKey, banner: e.banner, via,
            ...(keep ? { keepSession: keep } : {}),
          }, o);
          emit((l) => sshChecks(ssh, user, t.timeoutMs, !!e.credentialsGiven, l));
        }
      } else {
        const rdp = e.rdp = await deps.probes.rdp(connection, o);
        emit((l) => rdpCheck(rdp, t.timeoutMs, l));
      }
    } finally {
      if (!kept) connection.close();
      else if (session instanceof ChannelLimit) session.pin(connection);
    }
  } else if (t.altPorts.length && (result.forward?.kind === 'refused' || result.forward?.kind === 'timeout')) {
    const t0 = performance.now();
    const alt = e.altPorts = await altPortsThrough(session, t, deps, signal);
    const took = performance.now() - t0;
    emit((l) => altPortsCheck(alt, t.protocol, took, l));
  }
}

/** The other ports, through the same bastion, all at once; what answers is identified. */
async function altPortsThrough(session: JumpSession, t: Target, deps: DiagnoseDeps, signal: AbortSignal): Promise<AltPortResult[]> {
  const ports = [...new Set(t.altPorts)].filter((p) => p !== t.port);
  const o: ProbeOptions = { timeoutMs: t.timeoutMs, signal, log: deps.log };
  return Promise.all(ports.map(async (port): Promise<AltPortResult> => {
    const { result: tcp, connection } = await session.forward(t.host, port, o);
    if (!connection) return { port, tcp };
    try {
      if (t.protocol === 'ssh') {
        const b = await deps.probes.banner(connection, o);
        return { port, tcp, ...(b.outcome === 'ssh' || b.outcome === 'other' ? { protocol: b.outcome, ...(b.line !== undefined ? { banner: b.line } : {}) } : { protocol: 'silent' as const }) };
      }
      const r = await deps.probes.rdp(connection, o);
      return { port, tcp, protocol: r.outcome === 'rdp' ? 'rdp' : r.outcome === 'not-rdp' ? 'other' : 'silent' };
    } finally {
      connection.close();
    }
  }));
}

function hopCheck(id: CheckId, status: Check['status'], durationMs: number, summary: string, evidence: object): Check {
  return { id, status, durationMs: Math.round(durationMs * 10) / 10, summary, evidence: { ...evidence } };
}

/** The bastion's answer to the channel request, as the TCP check of the hop. */
export function forwardCheck(r: TcpResult, lang: Lang): Check {
  const f = r.forward!;
  const args = { via: f.via, address: r.address, port: r.port, time: formatMs(r.durationMs), message: f.message ?? '?' };
  switch (f.kind) {
    case 'opened': return hopCheck('tcp', 'pass', r.durationMs, msg(lang, 'jump.tcp.opened', args), r);
    case 'timeout': return hopCheck('tcp', 'fail', r.durationMs, msg(lang, 'jump.tcp.timeout', { ...args, deadline: formatMs(r.deadlineMs), message: f.message ? ` (${f.message})` : '' }), r);
    default: return hopCheck('tcp', 'fail', r.durationMs, msg(lang, `jump.tcp.${f.kind}`, args), r);
  }
}

/** For renderers: the checks grouped by hop, in order (a report without a chain is one group). */
export function checksByHop(checks: readonly Check[]): Array<{ hop?: number; checks: Check[] }> {
  const groups: Array<{ hop?: number; checks: Check[] }> = [];
  for (const c of checks) {
    const hop = c.hop ?? checkLayer(c.id).hop;
    const g = groups.find((x) => x.hop === hop);
    if (g) g.checks.push(c);
    else groups.push({ hop, checks: [c] });
  }
  return groups;
}
