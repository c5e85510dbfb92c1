/** Builds the localised `Verdict` (title, summary, remediation) for a classified code. Pure. */
import { opensshEnableOptions, isLegacyAlgorithm } from './algorithms';
import { hostAnswers, hostSentIcmpError, icmpFromTarget, isSshdRefusal, loginUntested, movedService, type ClassifyInput } from './classify';
import { guestOs } from './guestOs';
import { msg, type MessageKey } from './messages';
import { isLighthouseId } from './validate';
import { icmpDetailText, tcpIcmpName, tcpIcmpText, tcpOutcomeText } from './netText';
import { DEFAULT_SSH_USER, type Lang, type SshResult, type Target, type TcpResult, type Verdict, type VerdictCode } from './model';
import { keyDetailSuffix, keyProblemText, loginReasonText, opensshProblemText, quoted, untestedText } from './sshText';
import { hostKeyName, shellQuote, sshCommandLine } from './sshCommand';
import { formatJumpChain } from './jump';
import { format, formatMs, visible, type TemplateArgs } from './format';
import { DISK_FULL_GUEST_TEXT, OK_LOGIN_UNTESTED_TEXT, VERDICT_TEXT } from './verdictText';
import { healthArgs } from './healthText';
import { readinessArgs } from './readinessChecks';
import { localVerdictArgs, verdictKey } from './local';
import { clientPath, guestReachesOwnPort, returnPathBlocked } from './clientNet';
import { RETURN_PATH_TEXT } from './clientNetText';
import { remediationFor, returnPathRemediation } from './remediation';

/** The placeholders the templates of `code` may use, derived from the evidence. */
export function verdictArgs(code: VerdictCode, e: ClassifyInput, lang: Lang): TemplateArgs {
  const t = e.target;
  const address = e.tcp?.address ?? e.dns?.addresses[0]?.address ?? t.host;
  const proto = t.protocol.toUpperCase();
  const user = t.user ?? DEFAULT_SSH_USER;
  const moved = movedService(e);
  const ssh = e.ssh;
  const cloud = e.cloud;
  const rule = cloud?.securityGroups?.decidingRule;
  const callerIp = cloud?.callerIp;
  // The rule is for the family of the address probed (the inspector keeps only a caller of
  // that family); an IPv6 source belongs in Ipv6CidrBlock, never in CidrBlock.
  const v6 = callerIp ? callerIp.includes(':') : address.includes(':');
  const callerCidr = callerIp ? `${callerIp}/${v6 ? 128 : 32}` : v6 ? '<your-public-ipv6>/128' : '<your-public-ip>/32';
  const answeringPort = e.altPorts?.find((a) => a.tcp.outcome === 'connected' || a.tcp.outcome === 'refused')?.port;
  const hostAnswer = e.icmp?.outcome === 'reply' ? msg(lang, 'word.hostAnswersPing')
    : answeringPort !== undefined ? msg(lang, 'word.hostAnswersPort', { port: answeringPort })
      : icmpFromTarget(e, e.icmp?.from) ? msg(lang, 'word.hostAnswersIcmp', { address, kind: msg(lang, e.icmp!.outcome === 'prohibited' ? 'icmpName.admin-prohibited' : 'icmpName.destination-unreachable') })
        : hostSentIcmpError(e) ? msg(lang, 'word.hostSentReject', { address })
          : msg(lang, 'word.hostAnswersPort', { port: '?' });
  const tcpIcmp = e.tcp?.icmp;
  const icmpName = e.tcp ? tcpIcmpName(e.tcp, lang) : undefined;
  let rejectNote = '';
  if (code === 'PORT_REJECTED') {
    if (hostAnswers(e)) rejectNote = msg(lang, 'word.rejectHostUp', { hostAnswer });
    else if (tcpIcmp) rejectNote = msg(lang, 'word.rejectOnTheWay', { from: tcpIcmp.from, address });
  }

  let loginNote = '';
  if (ssh?.login.outcome === 'ok' || e.secondOpinion?.outcome === 'authenticated') loginNote = msg(lang, 'word.login.ok', { user });
  else if (ssh?.login.notTested) loginNote = msg(lang, 'word.login.notTested', { detail: untestedText(ssh.login, lang) });
  else if (t.protocol === 'ssh' && (!e.credentialsGiven || (ssh?.login.outcome === 'not-attempted' && !ssh.login.passwordWithheld))) {
    loginNote = msg(lang, 'word.login.untested');
  }

  // OK, but the login asked for was not tested: what was not, why, and how to test it yourself.
  const untestedLogin = code === 'OK' && loginUntested(e);
  const untested = untestedLogin ? ssh!.login.untested ?? [] : [];
  const sshTo = `-p ${t.port} ${shellQuote(user)}@${t.host}`;
  const keyUntested = untested.find((u) => u.kind === 'encrypted-key-openssh');
  const untestedArgs: TemplateArgs = !untestedLogin ? { loginUntested: '' } : {
    loginUntested: 'yes',
    untested: untestedText(ssh!.login, lang),
    testPasswordCommand: untested.some((u) => u.kind === 'password-openssh' || u.kind === 'extra-prompt')
      ? `ssh -o PreferredAuthentications=keyboard-interactive,password ${sshTo}` : '',
    testKeyCommand: keyUntested ? `ssh -o IdentitiesOnly=yes -i ${shellQuote(keyUntested.path ?? e.identityFile ?? '<private-key-file>')} ${sshTo}` : '',
    askpassWindows: untested.some((u) => u.cause === 'windows') ? 'yes' : '',
    askpassOld: untested.find((u) => u.cause === 'openssh-old')?.version ?? '',
    askpassFailed: untested.some((u) => u.cause === 'askpass-failed') ? 'yes' : '',
    extraPrompt: untested.some((u) => u.kind === 'extra-prompt') ? 'yes' : '',
  };

  let confirmNote = '';
  const gfp = cloud?.guest?.hostKeyFingerprints;
  if (code === 'HOST_KEY_MISMATCH' && ssh?.hostKey && gfp?.length) {
    confirmNote = gfp.some((k) => k.fingerprint === ssh.hostKey!.fingerprint) ? msg(lang, 'word.hostKeyConfirmed') : msg(lang, 'word.hostKeyNotInstance');
  } else if (code === 'HOST_KEY_UNKNOWN' && ssh?.hostKey && gfp?.length) {
    confirmNote = gfp.some((k) => k.fingerprint === ssh.hostKey!.fingerprint) ? msg(lang, 'word.hostKeyConfirmedFirst') : msg(lang, 'word.hostKeyNotInstance');
  }

  let when = '';
  if (code === 'CONNECTION_CLOSED') when = ssh?.handshake === 'closed' ? msg(lang, 'word.duringKex') : msg(lang, 'word.beforeBanner');

  const detailFor: Partial<Record<VerdictCode, string | undefined>> = {
    DNS_FAILURE: e.dns?.errorCode,
    PORT_REJECTED: `${e.tcp ? tcpOutcomeText(e.tcp, lang) : '?'}${icmpName ? `, ${icmpName}` : ''}`,
    CONNECTION_CLOSED: (ssh?.error ? quoted(ssh.error.message) : undefined) ?? closedAfterLine(e, lang)
      ?? e.banner?.errorCode ?? e.rdp?.errorCode ?? e.rdp?.outcome ?? 'EOF',
    KEX_FAILED: kexDetail(ssh, lang) ?? (ssh?.error ? quoted(ssh.error.message) : undefined) ?? ssh?.handshake,
    KEY_FORMAT_UNSUPPORTED: ssh?.login.keyErrorKind ? keyDetailSuffix(ssh.login, lang) : ssh?.login.keyError ? msg(lang, 'word.keyError', { detail: ssh.login.keyError }) : '',
    AUTH_FAILED: ssh?.login.outcome === 'error' && (ssh.login.reason || ssh.login.reasonKind) ? msg(lang, 'word.keyError', { detail: loginReasonText(ssh, lang) }) : '',
    GUEST_FIREWALL_BLOCKS: msg(lang, 'word.guestFirewall', { port: t.port, detail: guestFirewallDetail(cloud?.guest, t.port, lang) }),
  };

  const acl = cloud?.networkAcl?.decidingRule;
  const ruleNote = code === 'NETWORK_ACL_BLOCKS'
    ? (acl ? `${acl.direction} #${acl.index} ${acl.action} ${acl.protocol}:${acl.port} ${acl.cidr}` : '')
    : rule ? msg(lang, 'word.sgRule', {
      policyIndex: rule.policyIndex, securityGroupId: rule.securityGroupId, action: rule.action,
      protocol: rule.protocol, rulePort: rule.port, ruleSource: rule.source,
    }) : msg(lang, 'word.sgNoRule', { port: t.port });

  const deadline = e.tcp?.outcome === 'timeout' ? e.tcp.deadlineMs : t.timeoutMs;
  const altPort = moved?.port ?? cloud?.guest?.listeningPorts?.find((p) => p !== t.port);
  return {
    // The same command line as the tree's "Copy SSH Command" (core/sshCommand.ts): the key and
    // known_hosts file this diagnosis used, the user it tested.
    connectCommand: connectCommand(t, user, t.port, e.identityFile),
    altConnectCommand: altPort !== undefined ? connectCommand(t, user, altPort, e.identityFile) : '',
    host: t.host,
    port: t.port,
    address,
    proto,
    user,
    altPort: altPort ?? '?',
    altPorts: t.altPorts.join(', ') || msg(lang, 'word.none'),
    portOutcome: e.tcp ? tcpOutcomeText(e.tcp, lang) : undefined,
    deadline: formatMs(deadline),
    hostAnswer,
    rejectNote,
    attempts: e.tcp?.attempts ?? 1,
    pingNote: pingNote(e, lang),
    portNote: e.tcp ? portNote(e.tcp, lang) : '',
    loginNote,
    confirmNote,
    when,
    detail: detailFor[code] ?? '',
    software: visible(e.banner?.softwareVersion ?? e.banner?.line ?? '?'),
    keyType: ssh?.hostKey?.type,
    fingerprint: ssh?.hostKey?.fingerprint,
    knownFingerprint: ssh?.hostKey?.knownEntries.map((k) => k.fingerprint).join(', ') || msg(lang, 'word.unknown'),
    knownHostsPath: ssh?.hostKey?.knownHostsPath ?? '~/.ssh/known_hosts',
    knownHostsName: shellQuote(hostKeyName(t.host, t.port)),
    forgetCommand: forgetCommand(t, address),
    acceptCommand: acceptCommand(t, user),
    hostKeyState: ssh?.hostKey?.status === 'unreadable'
      ? msg(lang, 'word.hostKeyState.unreadable', { path: ssh.hostKey.knownHostsPath, code: ssh.hostKey.readError ?? '?' })
      : msg(lang, ssh?.hostKey?.addError ? 'word.hostKeyState.addFailed' : 'word.hostKeyState.unknown', {
        path: ssh?.hostKey?.knownHostsPath ?? '~/.ssh/known_hosts', code: ssh?.hostKey?.addError,
      }),
    instanceRef: t.cloud?.instanceId ?? cloud?.instanceId ?? '<instance-id>',
    regionRef: t.cloud?.region ?? cloud?.region ?? '<region>',
    identity: e.identityFile ? shellQuote(e.identityFile) : '<private-key-file>',
    keyProblem: ssh ? keyProblemText(ssh.login, lang) : '',
    keyEncrypted: ssh?.login.keyErrorKind === 'encrypted' || ssh?.login.keyErrorKind === 'bad-passphrase' ? 'yes' : '',
    enablePassword: ssh?.login.outcome === 'method-unavailable' && ssh.login.planned?.includes('password')
      && !ssh.authMethods?.some((m) => m === 'password' || m === 'keyboard-interactive') ? 'yes' : '',
    ...stallArgs(e, lang),
    ...kexAdvice(ssh),
    tried: (code === 'AUTH_METHOD_UNAVAILABLE' ? ssh?.login.planned?.join(', ') : undefined) || ssh?.login.tried.join(', ') || msg(lang, 'word.none'),
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
    // Behind a bastion (core/jump.ts): who answered for the hop, and `-J` for its commands.
    via: e.tcp?.forward?.via ?? t.jump?.[t.jump.length - 1]?.host ?? '?',
    forwardMessage: e.tcp?.forward?.message !== undefined ? quoted(e.tcp.forward.message) : msg(lang, 'word.unknown'),
    jumpOption: t.jump?.length ? `-J ${shellQuote(formatJumpChain(t.jump))} ` : '',
    ...untestedArgs,
    ...readinessArgs(ssh?.readiness, lang),
    ...healthArgs(code, e, lang),
    ...localArgs(code, e, lang, user),
    ...clientNetArgs(e, lang, user),
    // Last: an overdue traffic package names itself in place of the (NORMAL) restriction.
    ...lighthouseArgs(e, lang),
  };
}

/** "Is it my network?" (clientNet.ts): the capture, where the guest reached its own port, and
 *  the connect command for port 443. */
function clientNetArgs(e: ClassifyInput, lang: Lang, user: string): TemplateArgs {
  const p = clientPath(e);
  const r = e.cloud?.guest?.reach;
  const own = r && guestReachesOwnPort(r) ? r.self.filter((c) => c.outcome === 'ssh' && c.scope !== 'public').map((c) => c.address).join(', ') : '';
  return {
    connect443Command: e.target.protocol === 'ssh' ? connectCommand(e.target, user, 443, e.identityFile) : '',
    reachedOn: own || msg(lang, 'word.unknown'),
    captureWindow: p?.kind === 'blocked' ? p.windowSec : '?',
    returnSyns: p?.kind === 'return-path' ? p.synsIn : 0,
    returnReplies: p?.kind === 'return-path' ? msg(lang, p.repliesOut > 0 ? 'word.returnPathReplied' : 'word.returnPathSilent', { replies: p.repliesOut }) : '',
  };
}

/** The Local layer's placeholders; a key problem it named stands in for the SSH probe's. */
function localArgs(code: VerdictCode, e: ClassifyInput, lang: Lang, user: string): TemplateArgs {
  const a: TemplateArgs = { ppkCommand: 'puttygen <key.ppk> -O private-openssh -o <key>', serverAcceptsKey: '', ...localVerdictArgs(e, lang) };
  const local = verdictKey(e);
  if (code === 'KEY_FORMAT_UNSUPPORTED' && local) {
    // "{identity}: {keyProblem}{detail}": the line already names the file.
    a.identity = a.localIdentity;
    a.keyProblem = (a.localKeyProblem as string).slice(local.key.path.length + 2);
    a.detail = '';
    a.keyEncrypted = local.problem.kind === 'encrypted' ? 'yes' : '';
  }
  const login = e.ssh?.login;
  if (code === 'LOCAL_KEY_REFUSED' && login?.outcome === 'ok' && login.method === 'publickey') a.serverAcceptsKey = msg(lang, 'word.serverAcceptsKey', { user });
  return a;
}

/** A Lighthouse instance's placeholders: its product (tccli service), firewall rule, the
 *  restriction or unpaid traffic that cut its network, and its state (remediation explains some). */
function lighthouseArgs(e: ClassifyInput, lang: Lang): TemplateArgs {
  const cloud = e.cloud;
  const id = e.target.cloud?.instanceId ?? cloud?.instanceId;
  const inst = cloud?.instance;
  const fw = cloud?.firewall?.decidingRule;
  const fwRuleNote = fw
    ? msg(lang, 'word.fwRule', { index: fw.index, action: fw.action, protocol: fw.protocol, rulePort: fw.port, ruleSource: fw.source })
    : msg(lang, 'word.fwNoRule', { port: e.target.port });
  if (inst?.product !== 'lighthouse' && !isLighthouseId(id)) return { cloudProduct: 'cvm', fwRuleNote };
  const tp = inst?.trafficPackage?.status === 'OVERDUE_NETWORK_DISABLED' ? inst.trafficPackage : undefined;
  const restricted = !!inst?.restrictState && inst.restrictState !== 'NORMAL';
  return {
    cloudProduct: 'lighthouse',
    fwRuleNote,
    // The restriction the API names wins; else the unpaid traffic package is the cause.
    ...(tp && !restricted ? { restrictState: msg(lang, 'word.trafficOverdue', { id: tp.id ?? '?', status: tp.status }), trafficOverdue: tp.id ?? tp.status } : {}),
    networkRestrict: inst?.restrictState === 'NETWORK_RESTRICT' ? 'yes' : '',
    lhState: inst?.state,
  };
}

/** What makes the guest firewall block, as ": …" (or ""): the blocking decisions by kind, else
 *  the English detail of evidence that has no decisions. */
function guestFirewallDetail(g: NonNullable<ClassifyInput['cloud']>['guest'], port: number, lang: Lang): string {
  if (!g?.firewallDecisions) return g?.firewallDetail ? `: ${g.firewallDetail}` : '';
  const none = msg(lang, 'word.none');
  const text = g.firewallDecisions.filter((d) => d.blocks || d.callerOutside).map((d) => {
    const why = d.kind === 'rule' || d.kind === 'jump' ? quoted((d.rule ?? '').replace(/\s+/g, ' '))
      : d.kind === 'policy' ? msg(lang, 'firewall.policy', { policy: d.policy, port })
        : d.kind === 'ufw-default' ? msg(lang, 'firewall.ufw-default', { port })
          : msg(lang, 'firewall.firewalld', { ports: d.ports?.join(' ') || none, services: d.services?.join(' ') || none, port });
    return d.onlyFrom?.length
      ? msg(lang, 'firewall.onlyFrom', { firewall: d.firewall, port, sources: d.onlyFrom.join(', '), why })
        + (d.callerOutside ? msg(lang, 'firewall.callerOutside', { caller: d.callerOutside }) : '')
      : msg(lang, 'firewall.decision', { firewall: d.firewall, why });
  }).join(msg(lang, 'word.listSep'));
  return text ? `: ${text}` : '';
}

/** `ssh-keygen -R` for every name the old key may sit under: the name typed and the address
 *  (a recycled cloud IP leaves a line of its own), in the known_hosts file that was read. */
function forgetCommand(t: Target, address: string): string {
  const file = t.knownHostsPath ? ` -f ${shellQuote(t.knownHostsPath)}` : '';
  const names = [...new Set([hostKeyName(t.host, t.port), hostKeyName(address, t.port)])];
  return names.map((n) => `ssh-keygen${file} -R ${shellQuote(n)}`).join('; ');
}

/** OpenSSH's accept-new for the same known_hosts file the diagnosis read. */
function acceptCommand(t: Target, user: string): string {
  const file = t.knownHostsPath ? ` -o ${shellQuote(`UserKnownHostsFile=${t.knownHostsPath}`)}` : '';
  const jump = t.jump?.length ? ` -J ${shellQuote(formatJumpChain(t.jump))}` : '';
  return `ssh -o StrictHostKeyChecking=accept-new${file}${jump} -p ${t.port} ${shellQuote(user)}@${t.host}`;
}

/** Where the server went silent: before its banner, in the key exchange or in authentication. */
function stallArgs(e: ClassifyInput, lang: Lang): TemplateArgs {
  const ssh = e.ssh;
  const proto = e.target.protocol.toUpperCase();
  const software = visible(e.banner?.softwareVersion ?? e.banner?.line ?? '?');
  if (ssh?.handshake === 'timeout') {
    return {
      silence: msg(lang, 'word.silence.kex'),
      stallDetail: msg(lang, ssh.stall === 'kexinit' ? 'word.stall.kexinit' : 'word.stall.kex', { software }),
      kexStall: 'yes',
    };
  }
  if (ssh?.handshake === 'ok' && ssh.login.outcome === 'timeout') {
    const sent = ssh.login.tried.some((m) => m === 'password' || m === 'keyboard-interactive');
    return {
      silence: msg(lang, 'word.silence.auth'),
      stallDetail: msg(lang, 'word.stall.auth', { passwordNote: sent ? msg(lang, 'word.stall.passwordSent') : '' }),
      kexStall: '',
    };
  }
  return { silence: msg(lang, 'word.silence.banner'), stallDetail: msg(lang, 'word.stall.banner', { proto }), kexStall: '' };
}

/** The categories no client here agrees on (OpenSSH's, when it is installed). */
function failingCategories(ssh: SshResult): NonNullable<SshResult['negotiation']>['ssh2']['missing'] {
  const n = ssh.negotiation!;
  return n.openssh ? n.openssh.missing : n.ssh2.missing;
}

/** `ssh …` for this target on `port`, or '' when the host or user cannot be passed safely. */
function connectCommand(t: Target, user: string, port: number, identityFile: string | undefined): string {
  if (t.protocol !== 'ssh') return '';
  try {
    return sshCommandLine({ host: t.host, port, user, identityFile, ...(t.jump?.length ? { jump: t.jump } : {}) }, t.knownHostsPath);
  } catch {
    return '';
  }
}

/** What the server sent before it closed (sshd's MaxStartups line, a hostile or odd banner):
 *  the summary says it, not only the evidence. Control characters made visible, kept short. */
function closedAfterLine(e: ClassifyInput, lang: Lang): string | undefined {
  const b = e.banner;
  const line = b?.line?.trim();
  if (!b || !line || !(isSshdRefusal(line) || b.outcome === 'closed' || b.outcome === 'error')) return undefined;
  const shown = line.length > 120 ? `${line.slice(0, 120)}…` : line;
  const sent = msg(lang, 'word.closedAfterLine', { line: quoted(shown) });
  return b.errorCode ? `${sent}, ${b.errorCode}` : sent;
}

/** What the server offers where nobody agrees, and who was asked. Undefined without a KEXINIT. */
export function kexDetail(ssh: SshResult | undefined, lang: Lang): string | undefined {
  const n = ssh?.negotiation;
  const sa = ssh?.serverAlgorithms;
  if (!ssh || !n || !sa) return undefined;
  const failing = failingCategories(ssh);
  if (failing.length === 0) return undefined;
  const offers = failing.map((c) => `${msg(lang, `word.category.${c}` as MessageKey)} ${visible(sa[c].join(', ') || msg(lang, 'word.none'))}`).join('; ');
  return n.openssh
    ? msg(lang, 'word.kex.lists', { offers, openssh: n.openssh.version })
    : msg(lang, 'word.kex.noOpenssh', { offers, reason: opensshProblemText(n, lang) });
}

/** Which KEX_FAILED advice applies: the legacy options only for a server that offers nothing
 *  else; otherwise the client is what lacks support, and nothing should be weakened. */
function kexAdvice(ssh: SshResult | undefined): TemplateArgs {
  const n = ssh?.negotiation;
  if (!ssh || !n || !ssh.serverAlgorithms) return { legacyOptions: '', legacyOnly: '', clientUpgrade: '' };
  const sa = ssh.serverAlgorithms;
  const failing = failingCategories(ssh);
  const modern = [...new Set(failing.flatMap((c) => sa[c]).filter((a) => !isLegacyAlgorithm(a)))];
  return {
    legacyOptions: n.legacyOnly && n.openssh?.enableSuffices ? opensshEnableOptions(n.openssh.enable) : '',
    legacyOnly: n.legacyOnly ? 'yes' : '',
    clientUpgrade: !n.legacyOnly && modern.length ? visible(modern.join(', ')) : '',
  };
}

/** What the ping got, in words that claim no more than was seen (it may not have been sent). */
function pingNote(e: ClassifyInput, lang: Lang): string {
  const i = e.icmp;
  if (e.tcp?.forward) return msg(lang, 'word.ping.beyondFirstHop');
  if (!e.target.icmp) return msg(lang, 'word.ping.off');
  if (!i) return msg(lang, 'word.unknown');
  const from = i.from ? msg(lang, 'word.icmpFrom', { from: i.from }) : '';
  switch (i.outcome) {
    case 'reply': return msg(lang, 'word.ping.reply', { rtt: formatMs(i.rttMs ?? i.durationMs) });
    case 'timeout': return msg(lang, 'word.ping.timeout');
    case 'unreachable': return msg(lang, 'word.ping.unreachable', { from });
    case 'prohibited': return msg(lang, 'word.ping.prohibited', { from });
    case 'unavailable': return msg(lang, 'word.ping.unavailable');
    default: return msg(lang, 'word.ping.error', { detail: icmpDetailText(i, lang) || msg(lang, 'word.unknownError') });
  }
}

/** What the port got: the error and, when a raw socket saw it, the ICMP message and its sender. */
function portNote(t: TcpResult, lang: Lang): string {
  if (t.outcome === 'timeout') return msg(lang, 'word.port.silent', { deadline: formatMs(t.deadlineMs) });
  return `${tcpOutcomeText(t, lang)}${tcpIcmpText(t, lang)}`;
}

export function buildVerdict(code: VerdictCode, e: ClassifyInput, lang: Lang): Verdict {
  const args = verdictArgs(code, e, lang);
  const untested = args.loginUntested === 'yes';
  // The port did not answer although the guest saw the SYNs: the port verdict, told as a lost reply (clientNet.ts).
  const returnPath = (code === 'PORT_FILTERED' || code === 'NO_RESPONSE') && returnPathBlocked(e);
  const text = untested ? OK_LOGIN_UNTESTED_TEXT : returnPath ? RETURN_PATH_TEXT : args.guestDiskFull === 'yes' ? DISK_FULL_GUEST_TEXT : VERDICT_TEXT[code];
  return {
    code,
    title: format(text.title[lang], args),
    summary: format(text.summary[lang], args),
    remediation: returnPath ? returnPathRemediation(lang, args, guestOs(e)) : remediationFor(code, e.target.protocol, lang, args, guestOs(e)),
    ...(untested ? { loginTested: false as const } : {}),
  };
}
