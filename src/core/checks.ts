/**
 * Turns each probe result into the `Check` a person reads (status, one-line summary,
 * evidence). Pure; the engine emits these as each layer finishes.
 */
import { healthChecks } from './healthText';
import type {
  AltPortResult, BannerResult, Check, CheckId, CheckStatus, CloudEvidence, DnsResult, IcmpResult, Lang,
  Protocol, RdpResult, SshResult, TcpResult,
} from './model';
import { msg } from './messages';
import { icmpDetailText, icmpMethodText, tcpIcmpText, tcpOutcomeText } from './netText';
import { firewallRuleText, networkAclRuleText, securityGroupRuleText } from './ruleText';
import { keyErrorText, loginReasonText, quoted, untestedText } from './sshText';
import { formatMs, visible } from './format';
import { kexDetail } from './verdict';

function check(id: CheckId, status: CheckStatus, durationMs: number, summary: string, evidence: object): Check {
  return { id, status, durationMs: Math.round(durationMs * 10) / 10, summary, evidence: { ...evidence } };
}

export function dnsCheck(r: DnsResult, host: string, lang: Lang): Check {
  if (r.literal) return check('dns', 'skip', r.durationMs, msg(lang, 'dns.literal', { host }), r);
  if (!r.ok) return check('dns', 'fail', r.durationMs, msg(lang, 'dns.fail', { host, code: r.errorCode ?? '?' }), r);
  return check('dns', 'pass', r.durationMs, msg(lang, 'dns.ok', { host, addresses: r.addresses.map((a) => a.address).join(', ') }), r);
}

export function icmpCheck(r: IcmpResult, timeoutMs: number, lang: Lang): Check {
  const base = { address: r.address, method: icmpMethodText(r, lang), detail: icmpDetailText(r, lang) };
  switch (r.outcome) {
    case 'reply': return check('icmp', 'pass', r.durationMs, msg(lang, 'icmp.reply', { ...base, rtt: formatMs(r.rttMs ?? r.durationMs) }), r);
    // The wait may have been cut short once the port answered: say how long it really was.
    case 'timeout': return check('icmp', 'warn', r.durationMs, msg(lang, 'icmp.timeout', { ...base, deadline: formatMs(Math.min(timeoutMs, r.durationMs)) }), r);
    case 'unreachable': return check('icmp', 'fail', r.durationMs, msg(lang, 'icmp.unreachable', base), r);
    case 'prohibited': return check('icmp', 'fail', r.durationMs, msg(lang, 'icmp.prohibited', base), r);
    case 'unavailable': return check('icmp', 'skip', r.durationMs, msg(lang, 'icmp.unavailable', base), r);
    default: return check('icmp', 'warn', r.durationMs, msg(lang, 'icmp.error', { ...base, detail: base.detail || msg(lang, 'word.unknownError') }), r);
  }
}

export function icmpOffCheck(lang: Lang): Check {
  return check('icmp', 'skip', 0, msg(lang, 'icmp.off'), { method: 'none' });
}

/** `earlier`: the name's addresses tried before this one, which did not connect. */
export function tcpCheck(r: TcpResult, lang: Lang, earlier?: TcpResult[]): Check {
  const args = { port: r.port, address: r.address, time: formatMs(r.durationMs), code: tcpOutcomeText(r, lang) };
  const retried = r.answeredAttempt && r.answeredAttempt > 1 ? msg(lang, 'tcp.retried', { n: r.answeredAttempt }) : '';
  const before = earlier?.length
    ? msg(lang, 'tcp.earlier', { list: earlier.map((x) => `${x.address} ${tcpOutcomeText(x, lang)}`).join(', ') })
    : '';
  const ev = earlier?.length ? { ...r, earlierAddresses: earlier } : r;
  const from = tcpIcmpText(r, lang);
  switch (r.outcome) {
    case 'connected': return check('tcp', 'pass', r.durationMs, msg(lang, 'tcp.connected', args) + retried + before, ev);
    case 'refused': return check('tcp', 'fail', r.durationMs, msg(lang, 'tcp.refused', args) + from + retried + before, ev);
    case 'timeout': {
      const adapted = r.planRttMs !== undefined ? msg(lang, 'tcp.adapted', { rtt: formatMs(r.planRttMs) }) : '';
      return check('tcp', 'fail', r.durationMs, msg(lang, 'tcp.timeout', { ...args, deadline: formatMs(r.deadlineMs), attempts: r.attempts ?? 1, adapted }) + before, ev);
    }
    case 'unreachable': return check('tcp', 'fail', r.durationMs, msg(lang, 'tcp.unreachable', args) + from + before, ev);
    default: return check('tcp', 'fail', r.durationMs, msg(lang, 'tcp.error', args) + before, ev);
  }
}

export function bannerCheck(r: BannerResult, timeoutMs: number, lang: Lang): Check {
  const line = visible(r.line ?? '');
  switch (r.outcome) {
    case 'ssh': return check('banner', 'pass', r.durationMs, msg(lang, 'banner.ssh', { line }), r);
    case 'other': return check('banner', 'fail', r.durationMs, msg(lang, 'banner.other', { line }), r);
    case 'timeout': return check('banner', 'fail', r.durationMs, msg(lang, 'banner.timeout', { deadline: formatMs(timeoutMs) }), r);
    case 'closed': return check('banner', 'fail', r.durationMs, msg(lang, 'banner.closed'), r);
    default: return check('banner', 'fail', r.durationMs, msg(lang, 'banner.error', { code: r.errorCode ?? '?' }), r);
  }
}

/** Key exchange, host key, auth methods and login: up to four checks from one SSH session. */
export function sshChecks(r: SshResult, user: string, timeoutMs: number, credentialsGiven: boolean, lang: Lang): Check[] {
  const out: Check[] = [];
  const d = r.durationMs;
  const detail = r.error ? quoted(r.error.message) : r.handshake;
  switch (r.handshake) {
    case 'ok': {
      const a = r.algorithms;
      const args = { kex: a?.kex ?? '?', hostKeyAlg: a?.serverHostKey ?? '?', cipher: a?.cipher ?? '?', openssh: r.negotiation?.openssh?.version ?? 'OpenSSH' };
      out.push(r.client === 'openssh'
        ? check('kex', 'pass', d, msg(lang, 'kex.openssh', args), { client: r.client, algorithms: a, serverAlgorithms: r.serverAlgorithms, negotiation: r.negotiation })
        : check('kex', 'pass', d, msg(lang, 'kex.ok', args), { algorithms: a, ...(r.negotiation ? { negotiation: r.negotiation } : {}) }));
      break;
    }
    case 'hostkey-mismatch':
      out.push(check('kex', 'fail', d, msg(lang, 'kex.rejectedKey'), { algorithms: r.algorithms, error: r.error }));
      break;
    case 'kex-failed':
    case 'error':
      out.push(check('kex', 'fail', d, msg(lang, 'kex.failed', { detail: kexDetail(r, lang) ?? detail }), { serverAlgorithms: r.serverAlgorithms, negotiation: r.negotiation, error: r.error }));
      break;
    case 'closed':
      out.push(check('kex', 'fail', d, msg(lang, 'kex.closed'), { error: r.error }));
      break;
    case 'timeout': {
      const key = r.stall === 'kexinit' ? 'kex.stalledKexinit' : r.stall === 'kex' ? 'kex.stalledReply' : 'kex.timeout';
      out.push(check('kex', 'fail', d, msg(lang, key, { deadline: formatMs(timeoutMs) }), { stall: r.stall, serverAlgorithms: r.serverAlgorithms, error: r.error }));
      break;
    }
  }
  if (r.hostKey) {
    const k = r.hostKey;
    const args = { type: k.type, fingerprint: k.fingerprint, path: k.knownHostsPath, known: k.knownEntries.map((e) => e.fingerprint).join(', ') };
    const status: CheckStatus = k.status === 'match' ? 'pass' : k.status === 'unknown' || k.status === 'unreadable' ? 'warn' : 'fail';
    out.push(check('hostkey', status, 0, msg(lang, k.added ? 'hostkey.added' : `hostkey.${k.status}`, args), k));
  }
  if (r.handshake !== 'ok') return out;
  if (r.authMethods === undefined) out.push(check('auth', 'warn', 0, msg(lang, 'auth.unknown'), {}));
  else if (r.authMethods.length === 0 && r.login.method === 'none') out.push(check('auth', 'warn', 0, msg(lang, 'auth.none', { user }), { methods: [] }));
  else out.push(check('auth', 'pass', 0, msg(lang, 'auth.methods', { methods: r.authMethods.join(', ') || msg(lang, 'word.none') }), { methods: r.authMethods }));

  const login = r.login;
  const tried = login.tried.join(', ') || msg(lang, 'word.none');
  const ev = { ...login, user };
  switch (login.outcome) {
    case 'ok': out.push(check('login', 'pass', 0, msg(lang, 'login.ok', { user, method: login.method ?? '?' }), ev)); break;
    case 'rejected': out.push(check('login', 'fail', 0, msg(lang, 'login.rejected', { user, tried }), ev)); break;
    case 'method-unavailable': out.push(check('login', 'fail', 0, msg(lang, 'login.unavailable', { tried }), ev)); break;
    case 'error': out.push(check('login', 'fail', 0, msg(lang, 'login.error', { detail: loginReasonText(r, lang) }), ev)); break;
    case 'timeout': out.push(check('login', 'fail', 0, msg(lang, 'login.timeout', { tried }), ev)); break;
    case 'key-unusable': out.push(check('login', 'fail', 0, msg(lang, 'login.keyUnusable', { detail: login.keyError ? keyErrorText(login, lang) : loginReasonText(r, lang) }), ev)); break;
    default:
      if (login.passwordWithheld) out.push(check('login', 'skip', 0, msg(lang, 'login.unknownHost'), ev));
      else if (login.notTested) out.push(check('login', 'warn', 0, msg(lang, 'login.untested', { detail: untestedText(login, lang) }), ev));
      else out.push(check('login', 'skip', 0, msg(lang, 'login.noCredentials'), ev));
  }
  return out;
}

export function rdpCheck(r: RdpResult, timeoutMs: number, lang: Lang): Check {
  switch (r.outcome) {
    case 'rdp':
      return r.failure
        ? check('rdp', 'warn', r.durationMs, msg(lang, 'rdp.failure', { failure: r.failure }), r)
        : check('rdp', 'pass', r.durationMs, msg(lang, 'rdp.ok', { protocol: r.selectedProtocol === 'unknown' ? msg(lang, 'word.unknown') : r.selectedProtocol ?? 'rdp' }), r);
    case 'not-rdp': return check('rdp', 'fail', r.durationMs, msg(lang, 'rdp.notRdp', { bytes: r.firstBytes ?? '' }), r);
    case 'timeout': return check('rdp', 'fail', r.durationMs, msg(lang, 'rdp.timeout', { deadline: formatMs(timeoutMs) }), r);
    case 'closed': return check('rdp', 'fail', r.durationMs, msg(lang, 'rdp.closed'), r);
    default: return check('rdp', 'fail', r.durationMs, msg(lang, 'rdp.error', { detail: r.errorCode ?? msg(lang, 'word.unknownError') }), r);
  }
}

export function altPortsCheck(results: AltPortResult[], protocol: Protocol, durationMs: number, lang: Lang): Check {
  const proto = protocol.toUpperCase();
  const found = results.find((r) => r.protocol === protocol);
  const evidence = { ports: results.map((r) => ({ port: r.port, tcp: r.tcp.outcome, protocol: r.protocol, banner: r.banner })) };
  if (found) return check('altports', 'warn', durationMs, msg(lang, 'alt.found', { proto, port: found.port }), evidence);
  // The scan ran and found no server there: a result, not a skipped check.
  return check('altports', 'fail', durationMs, msg(lang, 'alt.none', { proto, ports: results.map((r) => r.port).join(', ') }), evidence);
}

/** The cloud checks, in the order a person reasons about them. */
export function cloudChecks(c: CloudEvidence, port: number, protocol: Protocol, lang: Lang): Check[] {
  const out: Check[] = [];
  const unknown = msg(lang, 'word.unknown');
  if (c.instance) {
    const i = c.instance;
    const running = i.state === 'RUNNING';
    const restricted = !!i.restrictState && i.restrictState !== 'NORMAL';
    const cut = i.trafficPackage?.status === 'OVERDUE_NETWORK_DISABLED';
    out.push(check('cloud.instance', running && !restricted && !cut ? 'pass' : 'fail', c.durationMs, msg(lang, 'cloud.instance', {
      instanceId: c.instanceId, name: i.name ?? '', state: i.state, restrictState: i.restrictState ?? 'NORMAL',
      publicIps: i.publicIps.join(', ') || msg(lang, 'word.none'),
    }) + (cut ? msg(lang, 'cloud.trafficOverdue', { id: i.trafficPackage?.id ?? '?', status: i.trafficPackage?.status }) : ''), { instance: i, region: c.region }));
  } else {
    out.push(check('cloud.instance', 'warn', c.durationMs, msg(lang, 'cloud.instanceUnknown', { instanceId: c.instanceId }), { errors: c.errors }));
  }
  if (c.securityGroups) {
    const sg = c.securityGroups;
    const source = c.callerIp ?? msg(lang, 'word.anySource');
    const r = sg.decidingRule;
    const rule = r ? securityGroupRuleText(r) : '';
    const sources = sg.exceptFor?.join(', ');
    const summary = sg.verdict === 'allow'
      ? (sources ? msg(lang, 'cloud.sgExcept', { source, port, sources, rule }) : msg(lang, 'cloud.sgAllow', { source, rule }))
      : sources ? msg(lang, 'cloud.sgUnless', { source, port, sources })
        : r ? msg(lang, 'cloud.sgDeny', { source, rule }) : msg(lang, 'cloud.sgImplicit', { source, port });
    // For any source with exceptions the groups may or may not let this caller in: a warning.
    out.push(check('cloud.securityGroups', sources ? 'warn' : sg.verdict === 'allow' ? 'pass' : 'fail', 0, summary, sg));
  }
  if (c.firewall) {
    const fw = c.firewall;
    const source = c.callerIp ?? msg(lang, 'word.anySource');
    const rule = fw.decidingRule ? firewallRuleText(fw.decidingRule) : '';
    const sources = fw.exceptFor?.join(', ');
    const summary = fw.verdict === 'allow'
      ? (sources ? msg(lang, 'cloud.fwExcept', { source, port, sources, rule }) : msg(lang, 'cloud.fwAllow', { source, rule }))
      : sources ? msg(lang, 'cloud.fwUnless', { source, port, sources })
        : fw.decidingRule ? msg(lang, 'cloud.fwDeny', { source, rule }) : msg(lang, 'cloud.fwImplicit', { source, port });
    out.push(check('cloud.firewall', sources ? 'warn' : fw.verdict === 'allow' ? 'pass' : 'fail', 0, summary, fw));
  }
  if (c.networkAcl) {
    const a = c.networkAcl;
    const r = a.decidingRule;
    const rule = r ? networkAclRuleText(r) : '';
    const summary = a.verdict === 'none' ? msg(lang, 'cloud.aclNone')
      : a.verdict === 'allow' ? msg(lang, 'cloud.aclAllow', { aclId: a.aclId ?? '' })
        : msg(lang, 'cloud.aclDeny', { aclId: a.aclId ?? '', rule });
    out.push(check('cloud.networkAcl', a.verdict === 'deny' ? 'fail' : a.verdict === 'allow' ? 'pass' : 'skip', 0, summary, a));
  }
  if (c.guest) {
    const g = c.guest;
    const service = protocol === 'rdp' ? 'TermService' : 'sshd';
    let summary: string;
    let status: CheckStatus;
    if (!g.agentOnline) { summary = msg(lang, 'cloud.guestOffline'); status = 'skip'; }
    else if (g.error) { summary = msg(lang, 'cloud.guestError', { detail: msg(lang, `guestError.${g.errorKind ?? 'incomplete'}`, { status: g.errorStatus ?? '?' }) }); status = 'warn'; }
    else if (g.serviceActive === false) {
      summary = msg(lang, 'cloud.guestInactive', { service });
      if (g.configTest?.stopped) summary += `; ${msg(lang, 'cloud.configStopped', { detail: g.configTest.output.trim().split('\n').pop() ?? '' })}`;
      status = 'fail';
    } else {
      summary = msg(lang, 'cloud.guestOk', {
        service, ports: g.listeningPorts?.join(', ') || unknown,
        firewall: g.firewallBlocks ? msg(lang, 'cloud.firewallBlocks')
          : g.firewallAllowsOnly?.length ? msg(lang, 'cloud.firewallLimited', { sources: g.firewallAllowsOnly.join(', ') }) : msg(lang, 'cloud.firewallOpen'),
      });
      status = g.firewallBlocks || (g.listeningPorts && !g.listeningPorts.includes(port)) ? 'fail' : 'pass';
    }
    out.push(check('cloud.guest', status, 0, summary, g));
  }
  out.push(...healthChecks(c, lang));
  return out;
}
