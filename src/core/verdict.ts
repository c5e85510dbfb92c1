/** Builds the localised `Verdict` (title, summary, remediation) for a classified code. Pure. */
import { isSshdRefusal, movedService, type ClassifyInput } from './classify';
import { guestOs } from './guestOs';
import { msg } from './messages';
import type { Lang, Verdict, VerdictCode } from './model';
import { remediationFor } from './remediation';
import { format, formatMs, visible, type TemplateArgs } from './text';
import { VERDICT_TEXT } from './verdictText';

/** The placeholders the templates of `code` may use, derived from the evidence. */
export function verdictArgs(code: VerdictCode, e: ClassifyInput, lang: Lang): TemplateArgs {
  const t = e.target;
  const address = e.tcp?.address ?? e.dns?.addresses[0]?.address ?? t.host;
  const proto = t.protocol.toUpperCase();
  const user = t.user ?? 'root';
  const moved = movedService(e);
  const ssh = e.ssh;
  const cloud = e.cloud;
  const rule = cloud?.securityGroups?.decidingRule;
  const callerIp = cloud?.callerIp;
  // The rule is for the family of the address probed (the inspector keeps only a caller of
  // that family); an IPv6 source belongs in Ipv6CidrBlock, never in CidrBlock.
  const v6 = callerIp ? callerIp.includes(':') : address.includes(':');
  const callerCidr = callerIp ? `${callerIp}/${v6 ? 128 : 32}` : v6 ? '<your-public-ipv6>/128' : '<your-public-ip>/32';
  const hostAnswer = e.icmp?.outcome === 'reply'
    ? msg(lang, 'word.hostAnswersPing')
    : msg(lang, 'word.hostAnswersPort', { port: e.altPorts?.find((a) => a.tcp.outcome === 'connected' || a.tcp.outcome === 'refused')?.port ?? '?' });

  let loginNote = '';
  if (ssh?.login.outcome === 'ok') loginNote = msg(lang, 'word.login.ok', { user });
  else if (t.protocol === 'ssh' && !e.credentialsGiven) loginNote = msg(lang, 'word.login.untested');

  let confirmNote = '';
  const gfp = cloud?.guest?.hostKeyFingerprints;
  if (code === 'HOST_KEY_MISMATCH' && ssh?.hostKey && gfp?.length) {
    confirmNote = gfp.some((k) => k.fingerprint === ssh.hostKey!.fingerprint) ? msg(lang, 'word.hostKeyConfirmed') : msg(lang, 'word.hostKeyNotInstance');
  }

  let when = '';
  if (code === 'CONNECTION_CLOSED') when = ssh?.handshake === 'closed' ? msg(lang, 'word.duringKex') : msg(lang, 'word.beforeBanner');

  const detailFor: Partial<Record<VerdictCode, string | undefined>> = {
    DNS_FAILURE: e.dns?.errorCode,
    PORT_REJECTED: e.tcp?.errorCode,
    CONNECTION_CLOSED: ssh?.error?.message ?? (isSshdRefusal(e.banner?.line) ? `"${visible(e.banner!.line!.trim())}"` : undefined)
      ?? e.banner?.errorCode ?? e.rdp?.outcome ?? 'EOF',
    KEX_FAILED: ssh?.error?.message ?? ssh?.handshake,
    AUTH_FAILED: ssh?.login.outcome === 'error' && ssh.login.reason ? msg(lang, 'word.keyError', { detail: ssh.login.reason }) : '',
    GUEST_FIREWALL_BLOCKS: msg(lang, 'word.guestFirewall', { port: t.port, detail: cloud?.guest?.firewallDetail ? `: ${cloud.guest.firewallDetail}` : '' }),
  };

  const acl = cloud?.networkAcl?.decidingRule;
  const ruleNote = code === 'NETWORK_ACL_BLOCKS'
    ? (acl ? `${acl.direction} #${acl.index} ${acl.action} ${acl.protocol}:${acl.port} ${acl.cidr}` : '')
    : rule ? msg(lang, 'word.sgRule', {
      policyIndex: rule.policyIndex, securityGroupId: rule.securityGroupId, action: rule.action,
      protocol: rule.protocol, rulePort: rule.port, ruleSource: rule.source,
    }) : msg(lang, 'word.sgNoRule', { port: t.port });

  const deadline = e.tcp?.outcome === 'timeout' ? e.tcp.deadlineMs : t.timeoutMs;
  return {
    host: t.host,
    port: t.port,
    address,
    proto,
    user,
    altPort: moved?.port ?? cloud?.guest?.listeningPorts?.find((p) => p !== t.port) ?? '?',
    altPorts: t.altPorts.join(', ') || msg(lang, 'word.none'),
    portOutcome: e.tcp?.errorCode ?? e.tcp?.outcome,
    deadline: formatMs(deadline),
    hostAnswer,
    loginNote,
    confirmNote,
    when,
    detail: detailFor[code] ?? '',
    software: visible(e.banner?.softwareVersion ?? e.banner?.line ?? '?'),
    keyType: ssh?.hostKey?.type,
    fingerprint: ssh?.hostKey?.fingerprint,
    knownFingerprint: ssh?.hostKey?.knownEntries.map((k) => k.fingerprint).join(', ') || msg(lang, 'word.unknown'),
    knownHostsPath: ssh?.hostKey?.knownHostsPath ?? '~/.ssh/known_hosts',
    knownHostsName: t.port === 22 ? t.host : `'[${t.host}]:${t.port}'`,
    tried: ssh?.login.tried.join(', ') || msg(lang, 'word.none'),
    methods: ssh?.authMethods?.join(', ') || msg(lang, 'word.none'),
    instanceId: t.cloud?.instanceId ?? cloud?.instanceId,
    region: t.cloud?.region ?? cloud?.region,
    state: cloud?.instance?.state,
    restrictState: cloud?.instance?.restrictState,
    source: callerIp ?? msg(lang, 'word.anySource'),
    callerCidr,
    cidrField: v6 ? 'Ipv6CidrBlock' : 'CidrBlock',
    securityGroupId: rule?.securityGroupId ?? cloud?.instance?.securityGroupIds[0] ?? '<sg-id>',
    ruleNote,
    aclId: cloud?.networkAcl?.aclId,
    service: t.protocol === 'rdp' ? 'TermService' : 'sshd',
  };
}

export function buildVerdict(code: VerdictCode, e: ClassifyInput, lang: Lang): Verdict {
  const args = verdictArgs(code, e, lang);
  const text = VERDICT_TEXT[code];
  return {
    code,
    title: format(text.title[lang], args),
    summary: format(text.summary[lang], args),
    remediation: remediationFor(code, e.target.protocol, lang, args, guestOs(e)),
  };
}
