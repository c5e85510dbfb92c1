/**
 * "Is it my network?" (issue 12, `CLIENT_NETWORK_BLOCKS`): the client's SYNs time out although
 * the cloud and the guest allow the port and sshd answers inside the guest. The in-guest script
 * (src/cloud/guestScriptReach.ts) watches whether any SYN from the caller's address reaches
 * the port; this file holds the evidence types, the engine's side of the coordination (keep
 * sending SYNs while the in-guest check runs), the decision, and the check that shows it. Pure:
 * the connect attempts are the injected probe's.
 *
 * Representation of the return path (SYNs arrive, the client still times out): the verdict stays
 * the probe's port verdict (PORT_FILTERED or NO_RESPONSE: the port did not answer), with its own
 * summary and remediation (RETURN_PATH_TEXT, returnPathRemediation) and the finding
 * RETURN_PATH_BLOCKED. It is no new verdict code: the packets are lost on the way back, which
 * the cloud's and the guest's records did not explain, and the fix is on the instance's side.
 * When the caller's address is unknown, tcpdump is missing or failed, or the SYNs did not
 * cover the capture, the finding SYN_ARRIVAL_UNKNOWN says the check could not decide.
 */
import { abortableSleep, DeadlineReached, isCancelled, isUserCancel, throwIfCancelled } from './cancel';
import type { Check, Evidence, Lang } from './model';
import { msg } from './messages';
import type { Probes } from './probeContract';
import { sameIp } from './ip';

/** The guest's own connect to its port (the seed's "telnet from VNC"). */
export interface SelfConnect {
  scope: 'loopback' | 'private' | 'public';
  address: string;
  /** ssh: an SSH identification line came; other: another first line; refused; timeout
   *  (nothing within the bound); error (anything else, `line` says). */
  outcome: 'ssh' | 'other' | 'refused' | 'timeout' | 'error';
  /** The first line read (or the tool's error), at most 200 characters. */
  line?: string;
}

/** tcpdump's view of the caller's packets to the port while the client kept sending. */
export type SynCapture =
  | {
    status: 'observed'; caller: string; windowSec: number;
    /** SYNs from the caller to the port. */
    synsIn: number;
    /** SYN-ACKs and resets the guest sent back to the caller. */
    repliesOut: number; resetsOut: number;
    packets: number;
    /** tcpdump stopped at its packet limit before its time limit. */
    limitReached?: boolean;
    /** The first packet lines, as tcpdump printed them. */
    sample: string[];
  }
  | { status: 'no-caller' }
  | { status: 'no-tcpdump' }
  | { status: 'failed'; detail: string };

export interface GuestReach {
  /** What made the self-connects: bash's /dev/tcp, nc, or nothing (none found). */
  tool: 'bash' | 'nc' | 'none';
  /** The guest's own IPv4 addresses (scope global). */
  privateIps: string[];
  self: SelfConnect[];
  capture?: SynCapture;
}

/** The engine's connect attempts to the port while the in-guest check ran. */
export interface ClientSynRun {
  attempts: number;
  /** Attempts that connected (the path works now): sending stopped at the first. */
  connected: number;
  durationMs: number;
  /** SYNs were in flight from the start of the cloud inspection until the in-guest check's
   *  result came (the direct probe's, then these): any capture the guest made overlapped them. */
  coveredGuestRun: boolean;
}

/** One attempt a second: a SYN inside any capture window of a few seconds. */
export const SYN_ATTEMPT_MS = 1000;
/** Bounds: TAT polls end well before (inspector MAX_POLLS). */
export const SYN_KEEP_MAX_MS = 150_000;
export const SYN_KEEP_MAX_ATTEMPTS = 150;

/**
 * Keeps making bounded, timed connect attempts to address:port until `until` settles (the
 * cloud inspection with its in-guest check), at most SYN_KEEP_MAX_* of them; each attempt has
 * its own timeout, the signal is honoured, and traffic goes only to the target. A connected
 * attempt is closed at once and ends the sending.
 */
export async function keepSyns(
  tcp: Probes['tcp'], address: string, port: number, until: Promise<unknown>, signal: AbortSignal,
  o: { attemptMs?: number; maxMs?: number; maxAttempts?: number; log?: (l: string) => void } = {},
): Promise<ClientSynRun> {
  const attemptMs = o.attemptMs ?? SYN_ATTEMPT_MS;
  const maxMs = o.maxMs ?? SYN_KEEP_MAX_MS;
  const maxAttempts = o.maxAttempts ?? SYN_KEEP_MAX_ATTEMPTS;
  const t0 = performance.now();
  const stop = new AbortController();
  let settled = false;
  void until.then(() => undefined, () => undefined).finally(() => {
    settled = true;
    stop.abort(new DeadlineReached(Math.round(performance.now() - t0), 'the in-guest check ended'));
  });
  const s = AbortSignal.any([signal, stop.signal]);
  let attempts = 0;
  let connected = 0;
  try {
    while (!settled && attempts < maxAttempts && performance.now() - t0 < maxMs) {
      const started = performance.now();
      attempts++;
      const r = await tcp(address, port, { timeoutMs: attemptMs, signal: s, ...(o.log ? { log: o.log } : {}) });
      r.connection?.close();
      if (r.result.outcome === 'connected') { connected++; break; }
      // An early answer (a reset, an ICMP error) waits out its second: one attempt a second.
      const left = attemptMs - (performance.now() - started);
      if (!settled && left > 0) await abortableSleep(left, s);
    }
  } catch (e) {
    // The in-guest check ending aborts the wait with a DeadlineReached: that is the end, not an error.
    if (isUserCancel(signal) || !isCancelled(e)) throw e;
  }
  throwIfCancelled(signal);
  // Covered: sending went on until the check's result came (or a connect made it moot).
  const coveredGuestRun = settled || connected > 0;
  return { attempts, connected, durationMs: Math.round(performance.now() - t0), coveredGuestRun };
}

/** Why the check could not decide whether the caller's SYNs arrive. */
export type UndecidedReason = 'caller-unknown' | 'no-tcpdump' | 'capture-failed' | 'not-covered' | 'caller-mismatch';

export type ClientPath =
  | { kind: 'blocked'; caller: string; windowSec: number }
  | { kind: 'return-path'; caller: string; synsIn: number; repliesOut: number }
  | { kind: 'undecided'; reason: UndecidedReason; detail?: string };

const online = (e: Evidence) => (e.cloud?.guest?.agentOnline && !e.cloud.guest.error ? e.cloud.guest : undefined);

/** The guest reaches its own port: a private address (what the 1:1 NAT forwards to) answers
 *  with SSH — or, when the guest printed no private address, 127.0.0.1 does. */
export function guestReachesOwnPort(r: GuestReach | undefined): boolean {
  if (!r) return false;
  const priv = r.self.filter((c) => c.scope === 'private');
  return (priv.length ? priv : r.self.filter((c) => c.scope === 'loopback')).some((c) => c.outcome === 'ssh');
}

/** The cloud lets this caller in on the port: the security groups (or a Lighthouse firewall)
 *  allow the caller's own address, and the subnet's ACL does not deny it. */
function cloudAllowsCaller(e: Evidence): boolean {
  const c = e.cloud;
  if (!c?.callerIp || !c.instance) return false;
  const rec = c.securityGroups ?? c.firewall;
  if (!rec || rec.verdict !== 'allow' || rec.exceptFor?.length) return false;
  // No ACL record: fine only when the instance has no subnet (nothing to read) and no read failed.
  if (c.errors.some((x) => x.action === 'DescribeNetworkAcls' || x.action === 'DescribeSecurityGroupPolicies' || x.action === 'DescribeFirewallRules')) return false;
  if (c.networkAcl) return c.networkAcl.verdict !== 'deny' && !c.networkAcl.exceptFor?.length;
  return !c.instance.subnetId || c.instance.product === 'lighthouse';
}

/**
 * What the in-guest watch says about the caller's path, when it applies: the client's SYNs to
 * the port timed out and the in-guest checks ran with the reach sections. `blocked` only when
 * every other layer allows the port (CLIENT_NETWORK_BLOCKS); `return-path` when SYNs arrived
 * and no attempt ever connected; `undecided` when it could not be observed.
 */
export function clientPath(e: Evidence): ClientPath | undefined {
  if (e.tcp?.outcome !== 'timeout') return undefined;
  const g = online(e);
  const r = g?.reach;
  if (!g || !r?.capture) return undefined;
  const cap = r.capture;
  const caller = e.cloud?.callerIp;
  if (cap.status === 'no-caller' || !caller) return { kind: 'undecided', reason: 'caller-unknown' };
  if (cap.status === 'no-tcpdump') return { kind: 'undecided', reason: 'no-tcpdump' };
  if (cap.status === 'failed') return { kind: 'undecided', reason: 'capture-failed', detail: cap.detail };
  if (!sameIp(cap.caller, caller)) return { kind: 'undecided', reason: 'caller-mismatch', detail: cap.caller };
  if (!e.clientSyns?.coveredGuestRun) return { kind: 'undecided', reason: 'not-covered' };
  if (cap.synsIn > 0) return e.clientSyns.connected === 0 ? { kind: 'return-path', caller, synsIn: cap.synsIn, repliesOut: cap.repliesOut } : undefined;
  // SYNs sent to an address that is not the instance's never reach it, whoever's network it is.
  const inst = e.cloud?.instance;
  const own = inst ? [...inst.publicIps, ...inst.privateIps, ...(inst.ipv6Ips ?? [])] : [];
  if (!own.some((a) => sameIp(a, e.tcp!.address))) return undefined;
  const sshdServes = g.firewallBlocks === false && g.serviceActive !== false && !!g.listeningPorts?.includes(e.target.port) && guestReachesOwnPort(r);
  return sshdServes && cloudAllowsCaller(e) ? { kind: 'blocked', caller, windowSec: cap.windowSec } : undefined;
}

/** The rule's predicate (classify.ts): the caller's SYNs never reached a guest that serves the port. */
export const clientNetworkBlocks = (e: Evidence): boolean => clientPath(e)?.kind === 'blocked';
/** SYNs arrived, the replies never made it back (verdict.ts tells the port verdict so). */
export const returnPathBlocked = (e: Evidence): boolean => clientPath(e)?.kind === 'return-path';

function selfText(c: SelfConnect, lang: Lang): string {
  return msg(lang, `reach.self.${c.outcome}`, { address: c.address, line: c.line ?? '' });
}

/** The check "In-guest: reachability" (cloud.guestReach), when the script printed the sections. */
export function reachCheck(e: Evidence, lang: Lang): Omit<Check, 'durationMs'> | undefined {
  const r = online(e)?.reach;
  if (!r) return undefined;
  const port = e.target.port;
  const self = r.tool === 'none' ? msg(lang, 'reach.noTool') : r.self.map((c) => selfText(c, lang)).join(', ') || msg(lang, 'word.none');
  const cap = r.capture;
  const syns = e.clientSyns;
  let capture: string;
  if (!cap) capture = msg(lang, 'reach.capture.absent');
  else if (cap.status === 'observed') {
    capture = msg(lang, cap.synsIn > 0 ? 'reach.capture.arrived' : 'reach.capture.none', {
      caller: cap.caller, port, syns: cap.synsIn, replies: cap.repliesOut, resets: cap.resetsOut, window: cap.windowSec,
    });
  } else capture = msg(lang, `reach.capture.${cap.status}`, { detail: cap.status === 'failed' ? cap.detail : '' });
  const sent = syns ? msg(lang, 'reach.sent', { attempts: syns.attempts, seconds: Math.round(syns.durationMs / 100) / 10 }) : '';
  const path = clientPath(e);
  // Not tested (no tool) is a warning; tested and not answered is a failure.
  const selfFailed = r.tool !== 'none' && !guestReachesOwnPort(r);
  const status = selfFailed || path?.kind === 'blocked' || path?.kind === 'return-path' ? 'fail'
    : r.tool === 'none' || path?.kind === 'undecided' || cap?.status !== 'observed' ? 'warn' : 'pass';
  return {
    id: 'cloud.guestReach', status,
    summary: msg(lang, 'reach.summary', { port, self, capture, sent }),
    evidence: { ...r, ...(syns ? { clientSyns: syns } : {}) },
  };
}
