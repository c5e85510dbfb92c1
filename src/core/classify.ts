/**
 * Evidence → exactly one verdict (the most upstream failing layer) plus findings.
 * The rules are an ordered table: the first rule whose predicate holds decides. Pure.
 */
import { isLegacyAlgorithm, opensshEnableOptions } from './algorithms';
import type { AltPortResult, CloudError, Evidence, Finding, FindingCode, Lang, VerdictCode } from './model';
import { sameIp } from './ip';
import { msg, type MessageKey } from './messages';
import { icmpDetailText, tcpOutcomeText } from './netText';
import { keyErrorText, untestedText } from './sshText';
import { localFindings, localVerdict, SECOND_OPINION_CODES } from './local';
import { formatMs, visible, type TemplateArgs } from './format';
import { evaluateReadiness, readinessVerdict, sessionFailure } from './readiness';
import { cloudDiskProblems, cloudOverloadSignals, signalsExplain } from './health';
import { healthFindings, loginStalled } from './healthText';
import { clientNetworkBlocks, clientPath } from './clientNet';

export interface ClassifyInput extends Evidence {
  /** Whether the user gave credentials (a login was requested). */
  credentialsGiven?: boolean;
  /** The identity file given, if any (a path, not a secret: remediation names it). */
  identityFile?: string;
  /** A passphrase was given for it (an encrypted key is then no problem). */
  passphraseGiven?: boolean;
}

interface Rule {
  code: VerdictCode;
  when: (e: ClassifyInput) => boolean;
}

const tcpFailed = (e: ClassifyInput) => !!e.tcp && e.tcp.outcome !== 'connected';
const tcpSilent = (e: ClassifyInput) => e.tcp?.outcome === 'timeout';
const tcpUnreachable = (e: ClassifyInput) => e.tcp?.outcome === 'unreachable' || e.tcp?.outcome === 'error';

/** An alternative port where the wanted protocol answers. */
export function movedService(e: Evidence): AltPortResult | undefined {
  return e.altPorts?.find((a) => a.protocol === e.target.protocol);
}

/** An ICMP error sent by the probed address itself: a firewall rule on the host answered (a
 *  router reporting the host unreachable would use its own address), so the host is up. */
export function icmpFromTarget(e: Evidence, from: string | undefined): boolean {
  return !!from && !!e.tcp && from === e.tcp.address;
}

/** The host itself sent an ICMP error: for the ping, the port, or another port. */
export function hostSentIcmpError(e: Evidence): boolean {
  return icmpFromTarget(e, e.icmp?.from) || icmpFromTarget(e, e.tcp?.icmp?.from)
    || !!e.altPorts?.some((a) => icmpFromTarget(e, a.tcp.icmp?.from));
}

/** Something on the host answered: ping, any alternative port (open or reset), or the host's
 *  own ICMP error. */
export function hostAnswers(e: Evidence): boolean {
  return e.icmp?.outcome === 'reply'
    || !!e.altPorts?.some((a) => a.tcp.outcome === 'connected' || a.tcp.outcome === 'refused')
    || hostSentIcmpError(e);
}

/** The port's SYN got "administratively prohibited": a firewall's reject, whoever sent it. */
const tcpProhibited = (e: ClassifyInput) => e.tcp?.icmp?.kind === 'prohibited';

const cloudState = (e: Evidence) => e.cloud?.instance;
/** A cloud record that denies everyone: with the caller unknown, a list of sources that may
 *  still be accepted (`exceptFor`) makes it a finding, not the verdict. */
const cloudDenies = (r: { verdict: string; exceptFor?: string[] } | undefined) => r?.verdict === 'deny' && !r.exceptFor?.length;
const protocolAnswered = (e: Evidence) => e.banner?.outcome === 'ssh' || e.rdp?.outcome === 'rdp';
const guest = (e: Evidence) => (e.cloud?.guest?.agentOnline ? e.cloud.guest : undefined);

/**
 * A login was asked for and none of it could be tested: every credential given is one no
 * client here could try (`login.untested`: a password or an encrypted key only OpenSSH could
 * have used and could not be given, a second factor the probe never answers). The handshake
 * verdict stands (every layer that was tested passed), but it is no OK for the login: the
 * verdict says so (`loginTested: false`) and the CLI exits 1. A credential-less agent that
 * could not be asked is no login asked for (reason no-credentials).
 */
export function loginUntested(e: Evidence): boolean {
  const s = e.ssh;
  return s?.handshake === 'ok' && s.login.outcome === 'not-attempted' && !s.login.passwordWithheld
    && s.login.reasonKind !== 'no-credentials' && !!(s.login.untested?.length || s.login.notTested);
}

/** Lines OpenSSH's sshd sends right before closing: MaxStartups and PerSourcePenalties. */
const SSHD_REFUSALS = /^(Exceeded MaxStartups|Not allowed at this time)\b/;
export function isSshdRefusal(line: string | undefined): boolean {
  return !!line && SSHD_REFUSALS.test(line.trim());
}

/** The placeholders of a cloud failure's text: the action, the API's code, why (by kind). */
export function cloudErrorArgs(err: CloudError, lang: Lang): TemplateArgs {
  return { action: err.action ?? err.kind, code: err.code ? ` (${err.code})` : '', hint: msg(lang, `cloudError.${err.kind}`) };
}

export const RULES: readonly Rule[] = [
  // The user's own side, before any packet: a config ssh cannot read, a key it refuses or
  // cannot load. Whatever the server does, ssh on this machine fails first.
  { code: 'LOCAL_CONFIG_ERROR', when: (e) => localVerdict(e) === 'LOCAL_CONFIG_ERROR' },
  { code: 'LOCAL_KEY_REFUSED', when: (e) => localVerdict(e) === 'LOCAL_KEY_REFUSED' },
  { code: 'KEY_FORMAT_UNSUPPORTED', when: (e) => localVerdict(e) === 'KEY_FORMAT_UNSUPPORTED' },
  // An isolated instance is usually also shut down: isolation is the more specific cause.
  // When the protocol itself answered, something is serving this address: a stopped or
  // isolated instance cannot be it, so the probe's view decides (with ADDRESS_NOT_INSTANCE).
  { code: 'INSTANCE_ISOLATED', when: (e) => !protocolAnswered(e) && !!cloudState(e)?.restrictState && cloudState(e)!.restrictState !== 'NORMAL' },
  // Lighthouse: a traffic package's unpaid overflow cuts the instance's network.
  { code: 'INSTANCE_ISOLATED', when: (e) => !protocolAnswered(e) && cloudState(e)?.trafficPackage?.status === 'OVERDUE_NETWORK_DISABLED' },
  { code: 'INSTANCE_NOT_RUNNING', when: (e) => !protocolAnswered(e) && !!cloudState(e) && cloudState(e)!.state !== 'RUNNING' },
  { code: 'DNS_FAILURE', when: (e) => !!e.dns && !e.dns.ok },
  // Behind a bastion: its sshd refused the channel (AllowTcpForwarding, PermitOpen) — nothing
  // about the host behind it is known.
  { code: 'JUMP_FORWARDING_DENIED', when: (e) => e.tcp?.forward?.kind === 'prohibited' },

  // The port failed. A server answering on another port is seen, not inferred: it works now.
  { code: 'SERVICE_ON_OTHER_PORT', when: (e) => tcpFailed(e) && !!movedService(e) },
  // Cloud records, when present, say why before the probe's guesses do. Security groups and
  // ACLs drop silently: they explain a silent port, never a reset or an ICMP error.
  { code: 'SECURITY_GROUP_BLOCKS', when: (e) => tcpSilent(e) && cloudDenies(e.cloud?.securityGroups) },
  { code: 'NETWORK_ACL_BLOCKS', when: (e) => tcpSilent(e) && cloudDenies(e.cloud?.networkAcl) },
  { code: 'INSTANCE_FIREWALL_BLOCKS', when: (e) => tcpSilent(e) && cloudDenies(e.cloud?.firewall) },
  { code: 'GUEST_FIREWALL_BLOCKS', when: (e) => (tcpSilent(e) || tcpUnreachable(e)) && guest(e)?.firewallBlocks === true },
  // Every record allows the caller, sshd answers inside the guest, and the guest saw none of
  // the caller's SYNs while they were sent (clientNet.ts): the caller's own network drops them.
  { code: 'CLIENT_NETWORK_BLOCKS', when: (e) => tcpSilent(e) && clientNetworkBlocks(e) },
  // A reset although the guest shows sshd listening on the port: nothing else can send it but
  // the rule the guest reports (`reject with tcp reset`) — the port is not closed.
  {
    code: 'GUEST_FIREWALL_BLOCKS',
    when: (e) => e.tcp?.outcome === 'refused' && guest(e)?.firewallBlocks === true && !!guest(e)?.listeningPorts?.includes(e.target.port),
  },
  { code: 'SSHD_NOT_RUNNING', when: (e) => e.tcp?.outcome === 'refused' && guest(e)?.serviceActive === false },
  {
    code: 'SERVICE_ON_OTHER_PORT',
    when: (e) => e.tcp?.outcome === 'refused' && !!guest(e)?.listeningPorts?.length && !guest(e)!.listeningPorts!.includes(e.target.port),
  },
  { code: 'PORT_CLOSED', when: (e) => e.tcp?.outcome === 'refused' },
  { code: 'PORT_REJECTED', when: (e) => tcpUnreachable(e) && (hostAnswers(e) || tcpProhibited(e)) },
  { code: 'HOST_UNREACHABLE', when: (e) => tcpUnreachable(e) },
  { code: 'PORT_FILTERED', when: (e) => tcpSilent(e) && hostAnswers(e) },
  { code: 'HOST_UNREACHABLE', when: (e) => tcpSilent(e) && (e.icmp?.outcome === 'unreachable' || e.icmp?.outcome === 'prohibited') },
  { code: 'NO_RESPONSE', when: (e) => tcpSilent(e) },

  // Connected, but the banner or the login stalled or was cut, and the instance's own view
  // explains it (core/health.ts): a full root or home (no room for the session's files), or
  // overload shown by a strong signal or two weak ones — never one weak signal alone.
  // The same full root or home when the login works but its session runs nothing (PAM's
  // session stack failed: see sessionFailure).
  { code: 'DISK_FULL', when: (e) => (loginStalled(e) || !!sessionFailure(e.ssh?.readiness)) && cloudDiskProblems(e.cloud).login.length > 0 },
  { code: 'INSTANCE_OVERLOADED', when: (e) => loginStalled(e) && signalsExplain(cloudOverloadSignals(e.cloud)) },

  // Connected: what answers? OpenSSH says why before it hangs up on a throttled or
  // penalised client; that is a closed connection, not another protocol.
  { code: 'CONNECTION_CLOSED', when: (e) => e.target.protocol === 'ssh' && e.banner?.outcome === 'other' && isSshdRefusal(e.banner.line) },
  { code: 'NOT_SSH', when: (e) => e.target.protocol === 'ssh' && e.banner?.outcome === 'other' },
  { code: 'CONNECTION_CLOSED', when: (e) => e.target.protocol === 'ssh' && (e.banner?.outcome === 'closed' || e.banner?.outcome === 'error') },
  { code: 'BANNER_TIMEOUT', when: (e) => e.target.protocol === 'ssh' && e.banner?.outcome === 'timeout' },
  { code: 'NOT_RDP', when: (e) => e.target.protocol === 'rdp' && e.rdp?.outcome === 'not-rdp' },
  { code: 'CONNECTION_CLOSED', when: (e) => e.target.protocol === 'rdp' && (e.rdp?.outcome === 'closed' || e.rdp?.outcome === 'error') },
  { code: 'BANNER_TIMEOUT', when: (e) => e.target.protocol === 'rdp' && e.rdp?.outcome === 'timeout' },

  // SSH session layers.
  { code: 'HOST_KEY_MISMATCH', when: (e) => e.ssh?.handshake === 'hostkey-mismatch' },
  { code: 'CONNECTION_CLOSED', when: (e) => e.ssh?.handshake === 'closed' },
  // A key exchange that never completes is a stall (a tarpit, a path that drops large
  // packets), not a disagreement about algorithms.
  { code: 'BANNER_TIMEOUT', when: (e) => e.ssh?.handshake === 'timeout' },
  // The probe reports kex-failed only when no client on this machine can agree (ssh2 nor
  // the system OpenSSH); otherwise OpenSSH finished the diagnosis and the handshake is ok.
  { code: 'KEX_FAILED', when: (e) => e.ssh?.handshake === 'kex-failed' || e.ssh?.handshake === 'error' },
  // The login asked for was not tested: the password was withheld from an unverified host.
  { code: 'HOST_KEY_UNKNOWN', when: (e) => e.ssh?.handshake === 'ok' && !!e.ssh.login.passwordWithheld && e.ssh.login.outcome !== 'ok' },
  { code: 'BANNER_TIMEOUT', when: (e) => e.ssh?.handshake === 'ok' && e.ssh.login.outcome === 'timeout' },
  { code: 'KEY_FORMAT_UNSUPPORTED', when: (e) => !!e.ssh?.login.keyError && e.ssh.login.outcome !== 'ok' },
  { code: 'AUTH_METHOD_UNAVAILABLE', when: (e) => e.ssh?.login.outcome === 'method-unavailable' },
  { code: 'AUTH_FAILED', when: (e) => e.ssh?.login.outcome === 'rejected' || e.ssh?.login.outcome === 'error' },
  // Logged in, and the VS Code readiness checks ran: whatever stops VS Code's server.
  { code: 'REMOTE_SERVER_UNSUPPORTED', when: (e) => e.ssh?.login.outcome === 'ok' && readinessVerdict(e.ssh.readiness) === 'REMOTE_SERVER_UNSUPPORTED' },
  { code: 'DISK_FULL', when: (e) => e.ssh?.login.outcome === 'ok' && readinessVerdict(e.ssh.readiness) === 'DISK_FULL' },
  { code: 'PORT_FORWARDING_DISABLED', when: (e) => e.ssh?.login.outcome === 'ok' && readinessVerdict(e.ssh.readiness) === 'PORT_FORWARDING_DISABLED' },
];

/** The verdict from the rules alone (before OpenSSH's second opinion is weighed). */
export function ruleCode(e: ClassifyInput): VerdictCode {
  for (const rule of RULES) if (rule.when(e)) return rule.code;
  return 'OK';
}

/** ssh2 failed where the system OpenSSH, run with the same settings, logged in: the
 *  library's quirk is never the server's fault, and the user's own ssh works. */
export function openSshOverrules(e: ClassifyInput, code: VerdictCode): boolean {
  return e.secondOpinion?.outcome === 'authenticated' && SECOND_OPINION_CODES.includes(code) && localVerdict(e) === undefined;
}

export function classifyCode(e: ClassifyInput): VerdictCode {
  const code = ruleCode(e);
  return openSshOverrules(e, code) ? 'OK' : code;
}

export function findings(e: ClassifyInput, code: VerdictCode, lang: Lang): Finding[] {
  const out: Finding[] = [];
  const add = (c: FindingCode, args?: TemplateArgs) => out.push({ code: c, message: msg(lang, `finding.${c}` as MessageKey, args) });

  if (e.earlierAddresses?.length && e.tcp) {
    add('ADDRESS_FALLBACK', {
      port: e.target.port, address: e.tcp.address,
      failed: e.earlierAddresses.map((t) => `${t.address} (${tcpOutcomeText(t, lang)})`).join(', '),
    });
  } else if (e.dns && e.dns.ok && e.dns.addresses.length > 1) {
    add('MULTIPLE_ADDRESSES', { host: e.target.host, count: e.dns.addresses.length, address: e.tcp?.address ?? e.dns.addresses[0].address });
  }
  if (e.icmp?.outcome === 'timeout' && (e.tcp?.outcome === 'connected' || e.tcp?.outcome === 'refused')) add('ICMP_BLOCKED');
  if (e.icmp?.outcome === 'unavailable') add('ICMP_UNAVAILABLE', { detail: icmpDetailText(e.icmp, lang) });
  if (e.banner?.outcome === 'ssh' && e.banner.durationMs > 1000) add('SLOW_BANNER', { time: formatMs(e.banner.durationMs) });
  const ssh = e.ssh;
  if (ssh?.client === 'openssh') add('DIAGNOSED_WITH_OPENSSH', { openssh: ssh.negotiation?.openssh?.version ?? 'OpenSSH' });
  if (ssh?.hostKey?.added) add('HOST_KEY_ADDED', { fingerprint: ssh.hostKey.fingerprint, path: ssh.hostKey.knownHostsPath });
  else if (ssh?.hostKey?.status === 'unknown' && code !== 'HOST_KEY_MISMATCH' && code !== 'HOST_KEY_UNKNOWN') add('HOST_KEY_UNKNOWN', { fingerprint: ssh.hostKey.fingerprint });
  if (ssh?.algorithms) {
    const legacy = [ssh.algorithms.kex, ssh.algorithms.serverHostKey, ssh.algorithms.cipher, ssh.algorithms.mac].filter((a) => a && isLegacyAlgorithm(a));
    const refuses = ssh.negotiation?.openssh;
    const opensshNote = refuses && refuses.missing.length > 0
      ? msg(lang, 'word.opensshRefuses', { openssh: refuses.version, options: opensshEnableOptions(refuses.enable) || '-o …' })
      : '';
    if (legacy.length) add('LEGACY_ALGORITHMS', { algorithms: legacy.join(', '), opensshNote });
  }
  if (ssh?.handshake === 'ok') {
    const login = ssh.login;
    if (login.outcome === 'not-attempted' && !login.passwordWithheld && !login.notTested) add('LOGIN_NOT_ATTEMPTED');
    if (login.passwordWithheld && code !== 'HOST_KEY_UNKNOWN') add('PASSWORD_NOT_SENT_UNKNOWN_HOST');
    // When none of the login was tested, the verdict itself says so (loginTested false).
    if (login.notTested && !(code === 'OK' && loginUntested(e))) add('LOGIN_NOT_TESTED', { detail: untestedText(login, lang) });
    if (login.keyError && code !== 'KEY_FORMAT_UNSUPPORTED') add('KEY_NOT_USABLE', { detail: keyErrorText(login, lang) });
    if (login.agentKeys && login.agentKeys.available > login.agentKeys.offered) add('AGENT_KEYS_LIMITED', login.agentKeys);
  }
  // The server cannot be fetched from the instance: Remote-SSH's default falls back to the client.
  const dl = ssh?.readiness && !ssh.readiness.skipped ? evaluateReadiness(ssh.readiness).filter((i) => (i.id === 'download' || i.id === 'fetcher') && i.status === 'warn') : [];
  if (dl.length) {
    const noTool = dl.some((i) => i.id === 'fetcher');
    out.push({ code: 'REMOTE_DOWNLOAD_BLOCKED', message: msg(lang, noTool ? 'finding.REMOTE_DOWNLOAD_BLOCKED_NO_TOOL' : 'finding.REMOTE_DOWNLOAD_BLOCKED', { url: ssh!.readiness!.downloadUrl ?? '?' }) });
  }
  out.push(...localFindings(e, code, lang));
  if (code === 'OK' && openSshOverrules(e, ruleCode(e))) {
    add('OPENSSH_LOGGED_IN', { code: ruleCode(e), version: e.secondOpinion?.version ?? 'OpenSSH' });
  }
  // The path ssh takes (a ProxyCommand) was not followed: the verdict is about a direct connection.
  if (e.target.proxyCommand) add('PROXY_COMMAND_NOT_FOLLOWED', { command: visible(e.target.proxyCommand) });
  // Selecting HYBRID is a preference; only this negotiation failure says NLA is required.
  if (e.rdp?.failure === 'HYBRID_REQUIRED_BY_SERVER') add('RDP_NLA_REQUIRED');

  const c = e.cloud;
  if (c) {
    if (c.instance && c.instance.publicIps.length === 0) add('NO_PUBLIC_IP');
    const probed = e.tcp?.address;
    const own = c.instance ? [...c.instance.publicIps, ...c.instance.privateIps, ...(c.instance.ipv6Ips ?? [])] : [];
    if (c.instance && probed && !own.some((ip) => ip === probed || sameIp(ip, probed))) {
      add('ADDRESS_NOT_INSTANCE', { address: probed, instanceId: c.instanceId, ips: own.join(', ') || '-' });
    }
    for (const err of c.errors) add('CLOUD_API_ERROR', cloudErrorArgs(err, lang));
    if ((c.securityGroups || c.firewall) && !c.callerIp) {
      // What was evaluated for any source: the security groups, or a Lighthouse instance's firewall.
      const fw = !c.securityGroups;
      if (c.callerIpOtherFamily) {
        out.push({ code: 'CALLER_IP_UNKNOWN', message: msg(lang, fw ? 'finding.CALLER_IP_OTHER_FAMILY_FIREWALL' : 'finding.CALLER_IP_OTHER_FAMILY', { ip: c.callerIpOtherFamily, address: probed ?? e.target.host, family: probed?.includes(':') ? 6 : 4 }) });
      } else if (fw) out.push({ code: 'CALLER_IP_UNKNOWN', message: msg(lang, 'finding.CALLER_IP_UNKNOWN_FIREWALL') });
      else add('CALLER_IP_UNKNOWN');
    }
    // With the caller unknown, a cloud record may hold for some sources only. It matters only
    // when the port did not answer (an answer shows the caller got through).
    const portFailed = !!e.tcp && e.tcp.outcome !== 'connected';
    const sg = c.securityGroups;
    if (portFailed && sg?.exceptFor?.length && code !== 'SECURITY_GROUP_BLOCKS') {
      out.push({ code: 'SECURITY_GROUP_MAY_BLOCK', message: msg(lang, sg.verdict === 'deny' ? 'finding.SECURITY_GROUP_MAY_BLOCK' : 'finding.SECURITY_GROUP_MAY_BLOCK_SOME', { port: e.target.port, sources: sg.exceptFor.join(', ') }) });
    }
    const fw = c.firewall;
    if (portFailed && fw?.exceptFor?.length && code !== 'INSTANCE_FIREWALL_BLOCKS') {
      out.push({ code: 'INSTANCE_FIREWALL_MAY_BLOCK', message: msg(lang, fw.verdict === 'deny' ? 'finding.INSTANCE_FIREWALL_MAY_BLOCK' : 'finding.INSTANCE_FIREWALL_MAY_BLOCK_SOME', { port: e.target.port, sources: fw.exceptFor.join(', ') }) });
    }
    const acl = c.networkAcl;
    if (portFailed && acl?.exceptFor?.length && acl.verdict !== 'none' && code !== 'NETWORK_ACL_BLOCKS') {
      out.push({ code: 'NETWORK_ACL_MAY_BLOCK', message: msg(lang, acl.verdict === 'deny' ? 'finding.NETWORK_ACL_MAY_BLOCK' : 'finding.NETWORK_ACL_MAY_BLOCK_SOME', { aclId: acl.aclId ?? '', sources: acl.exceptFor.join(', ') }) });
    }
    out.push(...healthFindings(e, code, lang));
    if (c.guest && !c.guest.agentOnline) add('TAT_AGENT_OFFLINE');
    // The in-guest watch for the caller's SYNs (clientNet.ts): arrived with no way back, or undecided.
    const path = clientPath(e);
    if (path?.kind === 'return-path') add('RETURN_PATH_BLOCKED', { syns: path.synsIn, caller: path.caller });
    if (path?.kind === 'undecided') out.push({ code: 'SYN_ARRIVAL_UNKNOWN', message: msg(lang, path.reason === 'caller-unknown' ? 'finding.SYN_ARRIVAL_UNKNOWN' : `finding.SYN_ARRIVAL_UNKNOWN.${path.reason}`, { detail: path.detail ?? '' }) });
    if (c.guest?.configTest && !c.guest.configTest.ok) add('SSHD_CONFIG_INVALID', { detail: c.guest.configTest.output.split('\n')[0] ?? '' });
    if (code === 'HOST_KEY_MISMATCH' && ssh?.hostKey && c.guest?.hostKeyFingerprints?.length) {
      const own = c.guest.hostKeyFingerprints.some((k) => k.fingerprint === ssh.hostKey!.fingerprint);
      add(own ? 'HOST_KEY_CONFIRMED_CHANGED' : 'HOST_KEY_NOT_INSTANCE', { fingerprint: ssh.hostKey.fingerprint });
    } else if (ssh?.hostKey?.status === 'unknown' && c.guest?.hostKeyFingerprints?.length) {
      // The out-of-band check for a first connection: is the key the instance's own?
      const own = c.guest.hostKeyFingerprints.some((k) => k.fingerprint === ssh.hostKey!.fingerprint);
      add(own ? 'HOST_KEY_CONFIRMED' : 'HOST_KEY_NOT_INSTANCE', { fingerprint: ssh.hostKey.fingerprint });
    }
  }
  return out;
}
