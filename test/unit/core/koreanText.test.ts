/**
 * (unit) Korean reads as Korean: no particle pair ("이(가)") nor a particle standing apart
 * from its word in any Korean string of ours — source literals, bundles, rendered tables, the
 * demo's reports — and every verdict (title, summary, remediation text), finding and
 * check summary the engine writes in Korean — for evidence rich enough to fill every
 * placeholder — and every failure message the extension shows, carry no English sentence of
 * our own. English that belongs there stays: commands, identifiers, product names and what a
 * remote server or API said (quoted, or shown as evidence).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { altPortsCheck, bannerCheck, cloudChecks, dnsCheck, icmpCheck, rdpCheck, sshChecks, tcpCheck } from '../../../src/core/checks';
import { classifyCode, findings, type ClassifyInput } from '../../../src/core/classify';
import { icmpErrorKind, type IcmpNameKind } from '../../../src/core/icmp';
import { diagnose } from '../../../src/core/diagnose';
import { format } from '../../../src/core/format';
import { josa, withJosa, type JosaPair } from '../../../src/core/josa';
import { MESSAGE_KEYS, msg } from '../../../src/core/messages';
import { renderHtml } from '../../../src/core/render/html';
import { plain, renderMarkdown } from '../../../src/core/render/markdown';
import { renderText } from '../../../src/core/render/text';
import { OK_LOGIN_UNTESTED_TEXT, VERDICT_TEXT } from '../../../src/core/verdictText';
import { startDemoLab } from '../../../src/cli/demoTargets';
import { createProbes } from '../../../src/probes';
import {
  VERDICT_CODES, type CloudEvidence, type FirewallDecision, type IcmpProblemKind, type IcmpResult, type KeyErrorKind, type Lang, type LoginReasonKind,
  type OpenSshProblemKind, type SshResult, type TcpOutcome, type TcpResult, type UntestedKind,
} from '../../../src/core/model';
import { icmpDetailText } from '../../../src/core/netText';
import { loginReasonText } from '../../../src/core/sshText';
import { buildVerdict } from '../../../src/core/verdict';
import { describeError, type Translate } from '../../../src/vscode/errorText';
import { englishSentences, koreanRuns, particleProblems, particleRuns } from '../../support/englishText';
import { alt, banner, cloud, dnsFail, dnsOk, healthy, ping, ssh, tcp, target } from './evidence';

const richCloud: CloudEvidence = cloud({
  callerIp: '198.51.100.7',
  securityGroups: { verdict: 'deny', evaluatedFor: '198.51.100.7', decidingRule: { securityGroupId: 'sg-1', policyIndex: 0, action: 'DROP', protocol: 'TCP', port: '22', source: '0.0.0.0/0' } },
  networkAcl: { verdict: 'deny', aclId: 'acl-1' },
  errors: [{ kind: 'auth', code: 'AuthFailure.SignatureFailure', action: 'DescribeInstances', message: 'The provided credentials could not be validated.' }],
  guest: { agentOnline: true, errorKind: 'no-result', error: 'no result from the in-guest check after 30 polls', serviceActive: false },
});

function koreanTexts(lang: Lang): string[] {
  const out: string[] = [];
  for (const code of VERDICT_CODES) {
    const e = healthy({ cloud: richCloud });
    const v = buildVerdict(code, e, lang);
    out.push(v.title, v.summary, ...v.remediation.map((s) => s.text));
    out.push(...findings(e, code, lang).map((f) => f.message));
  }
  const rdpTarget = healthy().target;
  out.push(
    dnsCheck(dnsOk, 'cvm.example.com', lang).summary, dnsCheck(dnsFail, 'cvm.example.com', lang).summary,
    ...(['reply', 'timeout', 'unreachable', 'prohibited'] as const).map((o) => icmpCheck(ping(o, 5), 2000, lang).summary),
    ...(['connected', 'refused', 'timeout', 'unreachable'] as const).map((o) => tcpCheck(tcp(o, o === 'refused' ? 'ECONNREFUSED' : undefined), lang).summary),
    ...(['ssh', 'other', 'timeout', 'closed'] as const).map((o) => bannerCheck(banner(o, o === 'other' ? '220 smtp' : undefined), 2000, lang).summary),
    ...sshChecks(ssh(), 'root', 2000, false, lang).map((c) => c.summary),
    altPortsCheck([alt(2222, 'connected', 'ssh'), alt(2200, 'timeout')], 'ssh', 300, lang).summary,
    rdpCheck({ outcome: 'rdp', selectedProtocol: 'ssl', durationMs: 3 } as never, 2000, lang).summary,
    ...[{ errorCode: 'EHOSTUNREACH' }, {}].map((x) => rdpCheck({ outcome: 'error', ...x, durationMs: 3 }, 2000, lang).summary),
    ...cloudChecks(richCloud, 22, rdpTarget.protocol, lang).map((c) => c.summary),
  );
  return out;
}

type Login = SshResult['login'];
const KEY_FILE = '/home/me/.ssh/id_ed25519';

/** Each key error as the probe records it: its English sentence, its kind and particulars. */
const KEY_ERRORS: Record<KeyErrorKind, Array<Partial<Login>>> = {
  'unreadable': [
    { keyError: `cannot read ${KEY_FILE}: ENOENT`, keyErrorCode: 'ENOENT' },
    { keyError: `cannot read ${KEY_FILE}: it is too large to be a key`, keyErrorCode: 'EFBIG' },
    { keyError: `cannot read ${KEY_FILE}: reading it timed out after 1000 ms`, keyErrorCode: 'ETIMEDOUT' },
  ],
  'not-a-key': [{ keyError: `${KEY_FILE} is not a private key SSH can read (OpenSSH, PEM or PuTTY format): Unsupported key format`, keyErrorMessage: 'Unsupported key format' }],
  'public-key': [{ keyError: `${KEY_FILE} is a public key, not a private key` }],
  'encrypted': [{ keyError: `${KEY_FILE} is encrypted and no passphrase was given` }],
  'bad-passphrase': [{ keyError: `${KEY_FILE} could not be decrypted with the given passphrase` }],
};
const keyErrors = (Object.keys(KEY_ERRORS) as KeyErrorKind[]).flatMap((kind) => KEY_ERRORS[kind].map((k) => ({ keyErrorKind: kind, keyFile: KEY_FILE, ...k })));

/** Each credential no client could test, with the probe's English `notTested`. */
const UNTESTED: Record<UntestedKind, Partial<Login>> = {
  'agent-timeout': { notTested: 'the ssh-agent keys (ssh-agent did not answer within 1000 ms)', untested: [{ kind: 'agent-timeout', timeoutMs: 1000 }] },
  'agent-stopped': { notTested: 'the ssh-agent keys (cancelled)', untested: [{ kind: 'agent-stopped' }] },
  'agent-error': { notTested: 'the ssh-agent keys (ssh-agent: connect ENOENT /tmp/agent.sock)', untested: [{ kind: 'agent-error', message: 'connect ENOENT /tmp/agent.sock' }] },
  'password-openssh': { notTested: 'the password, because only OpenSSH can negotiate with this server and CVM Doctor cannot hand the password to OpenSSH unattended on Windows', untested: [{ kind: 'password-openssh', cause: 'windows' }] },
  'encrypted-key-openssh': { notTested: `the key ${KEY_FILE}, because it is encrypted, only OpenSSH can negotiate with this server and this machine's OpenSSH_8.2p1 is older than 8.4 and cannot be given the passphrase unattended`, untested: [{ kind: 'encrypted-key-openssh', path: KEY_FILE, cause: 'openssh-old', version: 'OpenSSH_8.2p1' }] },
  'extra-prompt': { notTested: 'the password, because the server asked for something CVM Doctor never answers (a prompt that looks like a one-time code, a token or a confirmation)', untested: [{ kind: 'extra-prompt' }] },
};
/** The other causes of a secret OpenSSH could not be given (model.ts UntestedCause), and a report from before causes. */
const UNTESTED_CAUSES: Array<Partial<Login>> = [
  { notTested: 'the password, because only OpenSSH can negotiate with this server and this machine\'s OpenSSH_8.2p1 is older than 8.4 and cannot be given the password unattended', untested: [{ kind: 'password-openssh', cause: 'openssh-old', version: 'OpenSSH_8.2p1' }] },
  { notTested: `the key ${KEY_FILE}, because it is encrypted, only OpenSSH can negotiate with this server and CVM Doctor cannot hand the passphrase to OpenSSH unattended on Windows`, untested: [{ kind: 'encrypted-key-openssh', path: KEY_FILE, cause: 'windows' }] },
  {
    notTested: 'the password, because only OpenSSH can negotiate with this server and OpenSSH could not run CVM Doctor\'s helper that hands it over (ssh_askpass: exec(/tmp/cvmd-ssh-x/askpass): Permission denied)',
    untested: [{ kind: 'password-openssh', cause: 'askpass-failed', detail: 'ssh_askpass: exec(/tmp/cvmd-ssh-x/askpass): Permission denied' }],
  },
  { notTested: 'the password, because only OpenSSH can negotiate with this server and it takes no password unattended', untested: [{ kind: 'password-openssh' }] },
];

/** Each reason as the probe records it (English `reason`, its kind), in the result it comes with. */
const REASONS: Record<LoginReasonKind, SshResult[]> = {
  'no-credentials': [ssh({ login: { outcome: 'not-attempted', tried: [], reason: 'no credentials given', reasonKind: 'no-credentials', ...UNTESTED['agent-error'] } })],
  'none-accepted': [ssh({ authMethods: [], login: { outcome: 'not-attempted', tried: [], reason: "the server accepts the 'none' method: no credentials needed", reasonKind: 'none-accepted' } })],
  'password-withheld': [ssh({
    hostKey: { type: 'ssh-ed25519', fingerprint: 'SHA256:new', status: 'unknown', knownHostsPath: '/k', knownEntries: [] },
    login: { outcome: 'not-attempted', tried: [], planned: ['password'], passwordWithheld: true, reason: 'password not sent: the host key is not confirmed by known_hosts', reasonKind: 'password-withheld' },
  })],
  'not-tested': [...(Object.keys(UNTESTED) as UntestedKind[]).map((k) => UNTESTED[k]), ...UNTESTED_CAUSES].map((u) => ssh({
    client: 'openssh', login: { outcome: 'not-attempted', tried: [], reason: `not tested: ${u.notTested}`, reasonKind: 'not-tested', ...u },
  })),
  'key-unusable': keyErrors.flatMap((k) => [
    ssh({ login: { outcome: 'key-unusable', tried: [], planned: [], reason: k.keyError, reasonKind: 'key-unusable', ...k } }),
    // Beside a password that works, the key error is a finding.
    ssh({ login: { outcome: 'ok', tried: ['password'], method: 'password', planned: ['password'], ...k } }),
  ]),
  'unused-credentials': [ssh({
    client: 'openssh',
    login: {
      outcome: 'rejected', tried: ['agent'], planned: ['agent', 'password'], ...keyErrors[3], ...UNTESTED['password-openssh'],
      reason: `${keyErrors[3].keyError}; not tested: ${UNTESTED['password-openssh'].notTested}`, reasonKind: 'unused-credentials',
    },
  })],
  'method-unavailable': [ssh({ authMethods: ['publickey'], login: { outcome: 'method-unavailable', tried: [], planned: ['password'], reason: 'server offers publickey; credentials given: password', reasonKind: 'method-unavailable' } })],
  'handshake-failed': [ssh({
    handshake: 'timeout', stall: 'kex', algorithms: undefined, authMethods: undefined, error: { level: 'client-timeout', message: 'Timed out while waiting for handshake' },
    login: { outcome: 'not-attempted', tried: [], reason: 'handshake did not complete', reasonKind: 'handshake-failed' },
  })],
  'closed-before-handshake': [ssh({
    handshake: 'closed', algorithms: undefined, authMethods: undefined,
    login: { outcome: 'not-attempted', tried: [], reason: 'connection closed before the handshake completed', reasonKind: 'closed-before-handshake' },
  })],
  'host-key-mismatch': [ssh({
    handshake: 'hostkey-mismatch', authMethods: undefined, error: { level: 'handshake', message: 'Host denied (verification failed)' },
    hostKey: { type: 'ssh-ed25519', fingerprint: 'SHA256:new', status: 'mismatch', knownHostsPath: '/k', knownEntries: [{ line: 1, type: 'ssh-ed25519', fingerprint: 'SHA256:old' }] },
    login: { outcome: 'not-attempted', tried: [], reason: 'host key does not match known_hosts: nothing sent', reasonKind: 'host-key-mismatch' },
  })],
  'host-key-revoked': [ssh({
    handshake: 'hostkey-mismatch', authMethods: undefined, error: { level: 'handshake', message: 'Host denied (verification failed)' },
    hostKey: { type: 'ssh-ed25519', fingerprint: 'SHA256:new', status: 'revoked', knownHostsPath: '/k', knownEntries: [] },
    login: { outcome: 'not-attempted', tried: [], reason: 'host key revoked: nothing sent', reasonKind: 'host-key-revoked' },
  })],
  'auth-timeout': [ssh({
    stall: 'auth',
    login: { outcome: 'timeout', tried: ['password'], reason: 'the server stopped answering during authentication (the password was sent: whether it is right is unknown)', reasonKind: 'auth-timeout' },
  })],
  'deadline': [ssh({ stall: 'auth', login: { outcome: 'timeout', tried: ['publickey'], reason: 'stopped at deadline 300 ms (ICMP RTT 0.2 ms)', reasonKind: 'deadline' } })],
  'closed-during-auth': [ssh({ login: { outcome: 'error', tried: [], reason: 'connection closed during authentication', reasonKind: 'closed-during-auth' } })],
  'ssh2-error': [ssh({
    error: { message: 'Bad packet length 1234567' },
    login: { outcome: 'error', tried: [], reason: 'Bad packet length 1234567', reasonKind: 'ssh2-error', reasonDetail: 'Bad packet length 1234567' },
  })],
  'openssh-error': [
    ssh({ client: 'openssh', login: { outcome: 'error', tried: ['publickey'], reason: 'OpenSSH: Connection closed by 203.0.113.10 port 22', reasonKind: 'openssh-error', reasonDetail: 'Connection closed by 203.0.113.10 port 22' } }),
    ssh({ client: 'openssh', login: { outcome: 'error', tried: ['publickey'], reason: 'OpenSSH: closed', reasonKind: 'openssh-error' } }),
  ],
};

/** Each reason the system OpenSSH could not be asked, as the probe records it. */
const OPENSSH_PROBLEMS: Record<OpenSshProblemKind, string> = {
  'disabled': 'disabled (CVM_DOCTOR_OPENSSH=off)',
  'not-found': 'ssh not found',
  'timeout': 'ssh timed out',
  'not-openssh': 'ssh -V does not name OpenSSH',
  'no-lists': 'ssh -G -F none gave no algorithm lists (OpenSSH_9.2p1)',
};
const kexFailures = (Object.keys(OPENSSH_PROBLEMS) as OpenSshProblemKind[]).map((kind) => ssh({
  handshake: 'kex-failed', algorithms: undefined, authMethods: undefined,
  error: { level: 'handshake', message: 'Handshake failed: no matching key exchange algorithm' },
  serverAlgorithms: { kex: ['sntrup761x25519-sha512@openssh.com'], serverHostKey: ['ssh-ed25519'], cipher: ['aes128-ctr'], mac: ['hmac-sha2-256'] },
  negotiation: { ssh2: { missing: ['kex'] }, opensshUnavailable: OPENSSH_PROBLEMS[kind], opensshProblem: { kind, executable: 'ssh' }, legacyOnly: false },
  login: { outcome: 'not-attempted', tried: [], reason: 'handshake did not complete', reasonKind: 'handshake-failed' },
}));
/** An error without a negotiation to explain it: the library's message, quoted. */
const handshakeError = ssh({ handshake: 'error', algorithms: undefined, authMethods: undefined, error: { message: 'Connection lost before handshake' }, login: { outcome: 'not-attempted', tried: [], reason: 'handshake did not complete', reasonKind: 'handshake-failed' } });
const closedWithError = ssh({ handshake: 'closed', algorithms: undefined, authMethods: undefined, error: { code: 'ECONNRESET', message: 'read ECONNRESET' }, login: { outcome: 'not-attempted', tried: [], reason: 'connection closed before the handshake', reasonKind: 'closed-before-handshake' } });

/** Every verdict, finding and SSH check text a probe result gives, as the engine would classify it. */
function sshTexts(r: SshResult, lang: Lang): string[] {
  const e: ClassifyInput = healthy({ ssh: r, credentialsGiven: r.login.reasonKind !== 'no-credentials' && r.login.reasonKind !== 'none-accepted', identityFile: KEY_FILE });
  const code = classifyCode(e);
  const v = buildVerdict(code, e, lang);
  return [v.title, v.summary, ...v.remediation.map((s) => s.text), ...findings(e, code, lang).map((f) => f.message),
    ...sshChecks(r, 'root', 2000, true, lang).map((c) => c.summary)];
}
const sshResults = [...Object.values(REASONS).flat(), ...kexFailures, handshakeError, closedWithError];

/** Each guest firewall decision as the guest parser records it (English detail, its kind). */
const FIREWALLS: Record<FirewallDecision['kind'], Array<{ detail: string; decision: FirewallDecision }>> = {
  'rule': [
    { detail: 'iptables: -A INPUT -p tcp -m tcp --dport 22 -j DROP', decision: { firewall: 'iptables', kind: 'rule', rule: '-A INPUT -p tcp -m tcp --dport 22 -j DROP', blocks: true } },
    { detail: 'nft: tcp dport 22 reject with tcp reset', decision: { firewall: 'nft', kind: 'rule', rule: 'tcp dport 22 reject with tcp reset', blocks: true } },
    { detail: 'ufw: 22/tcp                     DENY        Anywhere', decision: { firewall: 'ufw', kind: 'rule', rule: '22/tcp                     DENY        Anywhere', blocks: true } },
  ],
  // Never blocks on its own: reported only as evidence.
  'jump': [{ detail: 'iptables: INPUT jumps to f2b-sshd (not followed): -A INPUT -p tcp -j f2b-sshd', decision: { firewall: 'iptables', kind: 'jump', rule: '-A INPUT -p tcp -j f2b-sshd', blocks: false } }],
  'policy': [
    { detail: 'iptables: INPUT policy DROP and no rule accepts tcp/22', decision: { firewall: 'iptables', kind: 'policy', policy: 'DROP', blocks: true } },
    { detail: 'nft: input chain policy drop and no rule accepts tcp/22', decision: { firewall: 'nft', kind: 'policy', policy: 'drop', blocks: true } },
  ],
  'ufw-default': [{
    detail: 'ufw: tcp/22 is accepted only from 203.0.113.0/24 (ufw is active and no rule allows 22/tcp from everyone (default deny incoming) for the rest); 198.51.100.7 is not among them',
    decision: { firewall: 'ufw', kind: 'ufw-default', blocks: false, onlyFrom: ['203.0.113.0/24'], callerOutside: '198.51.100.7' },
  }],
  'firewalld': [{ detail: 'firewalld is running and neither its ports (8080/tcp) nor services (dhcpv6-client) allow tcp/22', decision: { firewall: 'firewalld', kind: 'firewalld', ports: ['8080/tcp'], services: ['dhcpv6-client'], blocks: true } }],
};
const firewallEvidence = Object.values(FIREWALLS).flat().map(({ detail, decision }) => healthy({
  tcp: tcp('timeout'), banner: undefined, ssh: undefined,
  cloud: cloud({ guest: { agentOnline: true, serviceActive: true, listeningPorts: [22], firewallBlocks: decision.blocks || !!decision.callerOutside, firewallDetail: detail, firewallDecisions: [decision] } }),
}));

const V4 = '203.0.113.10';
const V6 = '2001:db8::10';
const ROUTER = { 4: '198.51.100.1', 6: '2001:db8::1' } as const;
/** A diagnosis of `address` with the given ping and port results (no SSH session). */
const atAddress = (address: string, icmp: IcmpResult | undefined, t: TcpResult, over: Partial<ClassifyInput> = {}): ClassifyInput => healthy({
  target: target({ host: address }), dns: { ok: true, literal: true, addresses: [{ address, family: address.includes(':') ? 6 : 4 }], durationMs: 0 },
  icmp, tcp: t, banner: undefined, ssh: undefined, altPorts: [alt(2222, 'timeout')], ...over,
});
const silentTcp = (address: string): TcpResult => ({ ...tcp('timeout'), address, attempts: 3 });
const icmpBase = (address: string, over: Partial<IcmpResult>): IcmpResult => ({ outcome: 'unavailable', method: 'none', address, durationMs: 1, ...over });

/** Each reason the ping could not be sent, as the probe records it: its English detail and kind,
 *  alone (CVM_DOCTOR_ICMP=raw|system) or behind the system ping that stood in for raw sockets. */
const ICMP_PROBLEMS: Record<IcmpProblemKind, IcmpResult[]> = {
  'not-an-ip': [icmpBase('cvm.example.com', { outcome: 'error', detail: 'not an IP address', problem: { kind: 'not-an-ip' } })],
  'disabled': [icmpBase(V4, { detail: 'disabled by CVM_DOCTOR_ICMP=off', problem: { kind: 'disabled' } })],
  'addon-unloadable': [
    icmpBase(V4, { detail: "net-ping not loadable: Cannot find module 'net-ping'", problem: { kind: 'addon-unloadable', message: "Cannot find module 'net-ping'" } }),
    icmpBase(V4, {
      outcome: 'unreachable', method: 'system-ping', from: ROUTER[4],
      detail: `From ${ROUTER[4]} icmp_seq=1 Destination Host Unreachable; net-ping not loadable: Cannot find module 'net-ping'`,
      pingOutput: `From ${ROUTER[4]} icmp_seq=1 Destination Host Unreachable`, rawProblem: { kind: 'addon-unloadable', message: "Cannot find module 'net-ping'" },
    }),
  ],
  'no-session-id': [icmpBase(V4, { detail: 'too many concurrent ICMP sessions', problem: { kind: 'no-session-id' } })],
  'raw-socket-denied': [
    icmpBase(V4, { detail: 'raw socket unavailable: Operation not permitted', problem: { kind: 'raw-socket-denied', message: 'Operation not permitted' } }),
    icmpBase(V4, {
      detail: 'system ping: ENOENT; raw socket unavailable: Operation not permitted', problem: { kind: 'ping-not-run', code: 'ENOENT' },
      rawProblem: { kind: 'raw-socket-denied', message: 'Operation not permitted' },
    }),
  ],
  'socket-error': [icmpBase(V4, { outcome: 'error', method: 'raw-socket', detail: 'Socket closed', problem: { kind: 'socket-error', message: 'Socket closed' } })],
  'ping-not-run': [icmpBase(V4, { detail: 'system ping: EACCES', problem: { kind: 'ping-not-run', code: 'EACCES' } })],
  'ping-exit': [icmpBase(V4, { outcome: 'error', method: 'system-ping', problem: { kind: 'ping-exit', code: '2' } })],
};
/** The system ping's own lines, as it printed them: quoted, never translated. */
const PING_OUTPUTS: IcmpResult[] = [
  icmpBase(V4, { outcome: 'prohibited', method: 'system-ping', from: V4, detail: `From ${V4} icmp_seq=1 Packet filtered`, pingOutput: `From ${V4} icmp_seq=1 Packet filtered` }),
  icmpBase(V4, { outcome: 'error', method: 'system-ping', detail: 'ping: sendmsg: Operation not permitted', pingOutput: 'ping: sendmsg: Operation not permitted' }),
];

/** An ICMP error of each name (family, type, code), as a raw socket reads it. */
const ICMP_NAMES: Record<IcmpNameKind, Array<[4 | 6, number, number | undefined]>> = {
  'net-unreachable': [[4, 3, 0]], 'host-unreachable': [[4, 3, 1]], 'protocol-unreachable': [[4, 3, 2]], 'port-unreachable': [[4, 3, 3], [6, 1, 4]],
  'net-prohibited': [[4, 3, 9]], 'host-prohibited': [[4, 3, 10]], 'communication-prohibited': [[4, 3, 13]],
  'no-route': [[6, 1, 0]], 'admin-prohibited': [[6, 1, 1]], 'address-unreachable': [[6, 1, 3]], 'source-policy': [[6, 1, 5]], 'reject-route': [[6, 1, 6]],
  'destination-unreachable': [[4, 3, undefined]],
  'source-quench': [[4, 4, 0]], 'redirect': [[4, 5, 1]], 'time-exceeded': [[4, 11, 0], [6, 3, 0]], 'parameter-problem': [[4, 12, 0], [6, 4, 0]], 'packet-too-big': [[6, 2, 0]],
};
/** Codes and types without a name: told by number. */
const UNNAMED: Array<[4 | 6, number, number | undefined, string]> = [[4, 3, 5, 'ICMP 유형 3 코드 5'], [6, 1, 2, 'ICMPv6 유형 1 코드 2'], [4, 40, undefined, 'ICMP 유형 40']];

/** The ping's evidence and, for a destination unreachable, the port's, for one ICMP error. */
function icmpErrorEvidence([family, type, code]: [4 | 6, number, number | undefined], fromTarget = false): ClassifyInput[] {
  const address = family === 6 ? V6 : V4;
  const from = fromTarget ? address : ROUTER[family];
  const unreach = type === (family === 6 ? 1 : 3);
  const kind = code === undefined ? (unreach ? 'unreachable' : 'other') : icmpErrorKind(family, type, code);
  const outcome = !unreach ? 'error' : kind === 'prohibited' ? 'prohibited' : 'unreachable';
  const ping: IcmpResult = {
    outcome, method: 'raw-socket', address, durationMs: 1, ...(unreach ? { from } : {}),
    detail: family === 6 ? `ICMPv6 type ${type} code ${code} (source=${from})` : `Destination unreachable (source=${from})${code !== undefined ? ` code ${code}` : ''}`,
    icmpError: { type, ...(code !== undefined ? { code } : {}), from },
  };
  const out = [atAddress(address, ping, silentTcp(address))];
  if (unreach && code !== undefined) {
    const rejected: TcpResult = { ...tcp('unreachable', 'EHOSTUNREACH'), address, icmp: { from, type, code, kind } };
    out.push(atAddress(address, { ...ping, outcome: 'timeout', from: undefined, icmpError: undefined, detail: undefined }, rejected));
  }
  return out;
}

/** Each TCP outcome without an error code, where the code would be named. */
const TCP_OUTCOMES: Record<TcpOutcome, TcpResult> = {
  connected: tcp('connected'), refused: tcp('refused'), timeout: silentTcp(V4), unreachable: tcp('unreachable'), error: tcp('error'),
};
const tcpOutcomeEvidence = (Object.keys(TCP_OUTCOMES) as TcpOutcome[]).flatMap((o) => {
  const t = { ...TCP_OUTCOMES[o], address: '203.0.113.11' };
  return [
    // Tried first, before the address diagnosed.
    healthy({ earlierAddresses: [t] }),
    // The port itself, next to an SSH server that moved (SERVICE_ON_OTHER_PORT names the outcome).
    healthy({ tcp: TCP_OUTCOMES[o], banner: undefined, ssh: undefined, altPorts: [alt(2222, 'connected', 'ssh')] }),
    atAddress(V4, ping('reply', 1), TCP_OUTCOMES[o]),
  ];
});

/** Every verdict (each code, so each placeholder sees the evidence), finding and ping/port check. */
function netTexts(e: ClassifyInput, lang: Lang): string[] {
  const code = classifyCode(e);
  const verdicts = VERDICT_CODES.map((c) => buildVerdict(c, e, lang)).flatMap((v) => [v.title, v.summary, ...v.remediation.map((s) => s.text)]);
  return [...verdicts, ...findings(e, code, lang).map((f) => f.message),
    ...(e.icmp ? [icmpCheck(e.icmp, 2000, lang).summary] : []), ...(e.tcp ? [tcpCheck(e.tcp, lang, e.earlierAddresses).summary] : [])];
}
const wholeWord = (s: string) => new RegExp(`(^|[^A-Za-z])${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z])`, 'i');

describe('(unit) Korean text has no English sentence of ours', () => {
  it('the detector finds English runs and leaves commands, quotes and names alone', () => {
    assert.deepStrictEqual(englishSentences('포트가 열려 있습니다 but the login failed'), ['but the login failed']);
    assert.deepStrictEqual(englishSentences('`sudo systemctl restart ssh` 를 실행하세요. "Exceeded MaxStartups" Tencent Automation Tools 로'), []);
    assert.deepStrictEqual(englishSentences('KexAlgorithms, HostKeyAlgorithms, Ciphers, MACs 설정에 추가하세요'), []);
    // Two lower-case English words are a phrase of ours; names, lists and identifiers are not.
    assert.deepStrictEqual(englishSentences('ICMP 관리상 금지(administratively prohibited), 보낸 곳 198.51.100.1'), ['administratively prohibited']);
    assert.deepStrictEqual(englishSentences('방식: publickey, password. 상태 RUNNING, NORMAL. 규칙 DROP TCP:22. X.224 Connection Confirm'), []);
  });

  it('every Korean verdict, remediation, finding and check summary', () => {
    // The same texts in English are full of English sentences: the scan sees real text.
    const en = koreanTexts('en');
    assert.ok(en.length > 150 && en.filter((t) => englishSentences(t).length > 0).length > en.length / 2, `${en.length} texts`);
    const bad = koreanRuns(koreanTexts('ko'));
    assert.deepStrictEqual(bad, []);
  });

  it('every login, key and OpenSSH reason the SSH probe records, told from its kind', () => {
    // In English the same evidence names what happened: the texts are really built from it.
    const en = sshResults.flatMap((r) => sshTexts(r, 'en')).join('\n');
    for (const s of ['connection closed during authentication', '"Bad packet length 1234567"', 'the file is too large to be a key', 'ssh not found',
      'the ssh-agent keys (ssh-agent did not answer within 1.00 s)', '"Unsupported key format"', 'OpenSSH reported "Connection closed by 203.0.113.10 port 22"']) {
      assert.ok(en.includes(s), s);
    }
    const bad = koreanRuns(sshResults.flatMap((r) => sshTexts(r, 'ko')));
    assert.deepStrictEqual(bad, []);
    // The reason itself, for every kind (some appear in no summary: JSON and logs only).
    for (const r of Object.values(REASONS).flat().filter((x) => x.login.reasonKind)) {
      const ko = loginReasonText(r, 'ko');
      assert.ok(ko.length > 0 && englishSentences(ko).length === 0, `${r.login.reasonKind}: ${ko}`);
      assert.notStrictEqual(ko, loginReasonText(r, 'en'), `${r.login.reasonKind} has Korean text`);
    }
  });

  it('every guest firewall decision, told from its kind', () => {
    const texts = (lang: Lang) => firewallEvidence.flatMap((e) => {
      const code = classifyCode(e);
      const v = buildVerdict(code, e, lang);
      return [v.summary, ...findings(e, code, lang).map((f) => f.message), ...cloudChecks(e.cloud!, 22, target().protocol, lang).map((c) => c.summary)];
    });
    const en = texts('en').join('\n');
    for (const s of ['iptables: "-A INPUT -p tcp -m tcp --dport 22 -j DROP"', 'nft: the input policy is drop', 'ufw: tcp/22 is accepted only from 203.0.113.0/24', '198.51.100.7 is not among them', 'neither its ports (8080/tcp)']) {
      assert.ok(en.includes(s), s);
    }
    const bad = koreanRuns(texts('ko'));
    assert.deepStrictEqual(bad, []);
  });

  it('every reason the ping could not be sent, told from its kind; the system ping quoted', () => {
    const all = [...Object.values(ICMP_PROBLEMS).flat(), ...PING_OUTPUTS];
    const evidence = all.map((i) => atAddress(V4, { ...i, address: i.address === V4 ? V4 : i.address }, silentTcp(V4)));
    const en = evidence.flatMap((e) => netTexts(e, 'en')).join('\n');
    for (const s of ['cvm.example.com is not an IP address', 'turned off with CVM_DOCTOR_ICMP=off', 'the raw-socket addon (net-ping) could not be loaded: "Cannot find module \'net-ping\'"',
      'too many concurrent ICMP sessions', 'it needs root or CAP_NET_RAW): "Operation not permitted"', 'the raw socket failed: "Socket closed"',
      'the system ping could not be started (EACCES)', 'the system ping could not be started (ENOENT); no raw socket could be opened', 'ping ended with status 2', `ping said "From ${V4} icmp_seq=1 Packet filtered"`,
      `ping said "From ${ROUTER[4]} icmp_seq=1 Destination Host Unreachable"; the system ping was used instead of raw sockets`]) {
      assert.ok(en.includes(s), s);
    }
    const ko = evidence.flatMap((e) => netTexts(e, 'ko'));
    assert.deepStrictEqual(koreanRuns(ko), []);
    // The probe's English detail never reaches the Korean text; its Korean telling does.
    for (const i of all) {
      const text = icmpDetailText(i, 'ko');
      assert.ok(text.length > 0 && text !== icmpDetailText(i, 'en'), `${JSON.stringify(i)}: ${text}`);
      const texts = netTexts(atAddress(V4, i, silentTcp(V4)), 'ko').join('\n');
      if (i.problem) assert.ok(texts.includes(msg('ko', `icmpProblem.${i.problem.kind}`).split('{')[0]!), `${i.problem.kind}: ${texts}`);
      for (const english of ['not an IP address', 'disabled by', 'not loadable', 'raw socket unavailable', 'concurrent ICMP', 'system ping:']) {
        assert.ok(!texts.includes(english), `${english} in ${text}`);
      }
    }
    // Evidence without kinds (an older JSON report) still says what it knows.
    assert.strictEqual(icmpDetailText(icmpBase(V4, { detail: 'raw socket unavailable: EPERM' }), 'ko'), 'raw socket unavailable: EPERM');
  });

  it('every ICMP error, by its name in Korean: the ping, the port and the verdicts', () => {
    for (const kind of Object.keys(ICMP_NAMES) as IcmpNameKind[]) {
      for (const tcc of ICMP_NAMES[kind]) {
        for (const e of [...icmpErrorEvidence(tcc), ...icmpErrorEvidence(tcc, true)]) {
          const en = netTexts(e, 'en').join('\n');
          const ko = netTexts(e, 'ko');
          const name = { en: msg('en', `icmpName.${kind}`), ko: msg('ko', `icmpName.${kind}`) };
          assert.ok(en.includes(name.en), `${kind} ${JSON.stringify(tcc)}: ${en}`);
          assert.ok(ko.join('\n').includes(name.ko), `${kind} ${JSON.stringify(tcc)}`);
          // Two-word names ("host prohibited") are shorter than the three-word runs the scan flags.
          assert.deepStrictEqual(ko.filter((t) => wholeWord(name.en).test(t)), [], kind);
          assert.deepStrictEqual(koreanRuns(ko), []);
        }
      }
    }
    for (const [family, type, code, ko] of UNNAMED) {
      const texts = icmpErrorEvidence([family, type, code]).flatMap((e) => netTexts(e, 'ko'));
      assert.ok(texts.some((t) => t.includes(ko)), ko);
      assert.deepStrictEqual(texts.filter((t) => /type \d+|code \d+/.test(t)), []);
    }
    // The host's own ICMP error as its sign of life.
    const own = netTexts(icmpErrorEvidence([4, 3, 10], true)[0]!, 'ko').join('\n');
    assert.ok(own.includes(`호스트(${V4})가 직접 ping에 ICMP 오류(관리상 금지)로 응답함`), own);
  });

  it('every TCP outcome without an error code, in Korean words', () => {
    for (const e of tcpOutcomeEvidence) {
      const ko = netTexts(e, 'ko');
      assert.deepStrictEqual(koreanRuns(ko), []);
      for (const o of Object.keys(TCP_OUTCOMES) as TcpOutcome[]) {
        assert.deepStrictEqual(ko.filter((t) => new RegExp(`(^|[ (,])${o}($|[ ),;])`).test(t)), [], o);
      }
    }
    const fallback = netTexts(tcpOutcomeEvidence[0]!, 'ko').join('\n');
    assert.ok(fallback.includes('203.0.113.11 연결됨'), fallback);
    const moved = buildVerdict('SERVICE_ON_OTHER_PORT', tcpOutcomeEvidence[7]!, 'ko').summary;
    assert.ok(moved.includes('실패(응답 없음)'), moved);
    assert.ok(buildVerdict('SERVICE_ON_OTHER_PORT', tcpOutcomeEvidence[7]!, 'en').summary.includes('fails (timeout)'));
  });

  it('every failure message the extension shows, in Korean', () => {
    const ko = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../../l10n/bundle.l10n.ko.json'), 'utf8')) as Record<string, string>;
    const t: Translate = (m, ...args) => (ko[m] ?? m).replace(/\{(\d+)\}/g, (_x, i: string) => String(args[Number(i)]));
    const errors: unknown[] = [
      ...(['auth', 'unauthorized', 'throttled', 'not-found', 'network', 'other'] as const).map((kind) => Object.assign(new Error('DescribeInstances failed with X: english text'), { name: 'CloudApiError', kind, code: 'AuthFailure', action: 'DescribeInstances' })),
      Object.assign(new Error('tencent.endpoint: plain http:// is allowed only to a loopback address; use https://'), { name: 'InputError', field: 'tencent.endpoint' }),
      ...['ENOENT', 'EACCES', 'ETIMEDOUT', 'ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH'].map((code) => Object.assign(new Error(`${code}: something failed somewhere`), { code })),
      new TypeError('Cannot read properties of undefined'),
    ];
    const bad = koreanRuns(errors.map((e) => describeError(e, t, 'ko')));
    assert.deepStrictEqual(bad, []);
  });
});

/** Every string literal with Hangul in a source file: the message tables and anything else. */
function koreanLiterals(file: string): string[] {
  const src = fs.readFileSync(file, 'utf8');
  return [...src.matchAll(/'((?:[^'\\\n]|\\.)*)'|`((?:[^`\\]|\\.)*)`|"((?:[^"\\\n]|\\.)*)"/g)]
    .map((m) => m[1] ?? m[2] ?? m[3] ?? '')
    .filter((l) => /[가-힣]/.test(l))
    // A placeholder with its particle chosen by josa.ts ("{port|이/가}") is a value: what the
    // format makes of it is checked in the rendered texts.
    .map((l) => l.replace(/\{(\w+)\|[^{}]+\}/g, '{$1}'));
}
function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : /\.ts$/.test(e.name) ? [p] : [];
  });
}
const ROOT = path.resolve(__dirname, '../../../..');

describe('(unit) Korean particles are attached and chosen, never left as pairs', () => {
  it('josa picks the form a word takes by its final sound: Hangul, digits, Latin letters', () => {
    const cases: Array<[string, JosaPair, string]> = [
      ['포트', '이/가', '가'], ['호스트 키', '을/를', '를'], ['서버', '은/는', '는'], ['규칙', '이/가', '이'], ['주소', '와/과', '와'], ['연결', '와/과', '과'],
      ['길', '으로/로', '로'], ['집', '으로/로', '으로'], ['파일', '으로/로', '로'],
      ['22', '이/가', '가'], ['2222', '을/를', '를'], ['3389', '은/는', '는'], ['36831', '이/가', '이'], ['443', '와/과', '과'], ['10', '이/가', '이'], ['100', '은/는', '은'],
      ['6', '으로/로', '으로'], ['7', '으로/로', '로'], ['8', '으로/로', '로'], ['3', '으로/로', '으로'], ['4', '으로/로', '로'], ['0', '으로/로', '으로'],
      ['ACL', '이/가', '이'], ['OpenSSH', '은/는', '는'], ['tcp', '을/를', '를'], ['1.50 s', '이/가', '가'], ['(22)', '이/가', '가'],
    ];
    for (const [word, pair, want] of cases) assert.strictEqual(josa(word, pair), want, `${word} + ${pair}`);
    assert.strictEqual(withJosa('22', '이/가'), '22가');
  });

  it('templates ask for a particle by its pair: {port|이/가}', () => {
    assert.strictEqual(format('포트 {port|이/가} 열려 있습니다', { port: 22 }), '포트 22가 열려 있습니다');
    assert.strictEqual(format('포트 {port|을/를} 차단합니다', { port: 36831 }), '포트 36831을 차단합니다');
    assert.strictEqual(format('{port|으로/로} 되돌리세요', { port: 3389 }), '3389로 되돌리세요');
    // A missing value or an unknown pair stays visible, as every gap in a template does.
    assert.strictEqual(format('포트 {port|이/가}', {}), '포트 {port|이/가}');
    assert.strictEqual(format('{x|a/b}', { x: 1 }), '{x|a/b}');
  });

  it('the particle check finds pairs and detached particles, and leaves words and bound nouns alone', () => {
    for (const bad of ['127.0.0.1 은(는) IP 주소입니다', '포트 36831 이(가) 연결을 거부합니다', '"demo" (으)로 로그인', '키를 와(과) 함께', '포트 22 에서 응답합니다',
      '{host} 에 주소가 있습니다', '/tmp/known_hosts 와 일치합니다', '"root" 입니다', 'CVM_DOCTOR_ICMP=off 로 꺼져 있음', 'SHA256:abc 가 다릅니다', '포트 22 이 열려 있습니다',
      '포트 이/가 열려 있습니다', '{port} 을 허용합니다']) {
      assert.ok(particleProblems(bad).length > 0, bad);
    }
    for (const good of ['호스트 키(SHA256:abc)가 다릅니다', '포트 번호 22가 올바른지 확인하세요', '127.0.0.1: IP 주소이므로 조회가 필요 없습니다', '14 ms 만에 에코 응답', '5 s 안에 응답 없음',
      '이 키 페어가 인스턴스에 연결되어 있는지 확인하세요', '할 일이 없습니다', 'ping을 보내지 않음', 'sshd가 포트 22에서 수신 대기 중', '설정에서 Port와 ListenAddress 값을 확인하세요',
      '응답했지만(OpenSSH), 이 컴퓨터의 클라이언트']) {
      assert.deepStrictEqual(particleProblems(good), [], good);
    }
    // A printed line joins texts: a time, then a summary that starts with the determiner "이".
    assert.ok(particleProblems('0.3 ms  이 환경에서 ping을 실행할 수 없습니다').length > 0);
    assert.deepStrictEqual(particleProblems('0.3 ms  이 환경에서 ping을 실행할 수 없습니다', { joined: true }), []);
    assert.ok(particleProblems('포트 22 은(는) 열림  이 환경', { joined: true }).length > 0, 'pairs count in joined text too');
  });

  it('every Korean string of ours: source literals, the l10n bundle and the manifest', () => {
    // josa.ts is the table of the pairs themselves ("이/가" → 이, 가).
    const literals = sourceFiles(path.join(ROOT, 'src')).filter((f) => !f.endsWith(path.join('core', 'josa.ts'))).flatMap(koreanLiterals);
    assert.ok(literals.length > 400, `${literals.length} Korean literals`);
    const json = ['l10n/bundle.l10n.ko.json', 'package.nls.ko.json'].flatMap((f) => Object.values(JSON.parse(fs.readFileSync(path.join(ROOT, f), 'utf8')) as Record<string, string>));
    assert.ok(json.length > 150, `${json.length} bundle and manifest strings`);
    assert.deepStrictEqual(particleRuns([...literals, ...json]), []);
  });

  it('every message table, rendered with values of each kind (numbers, addresses, names)', () => {
    const args = { port: 22, altPort: 2222, ports: '2222, 2200', time: '1.50 s', deadline: '5.00 s', rtt: '12 ms', host: 'cvm.example.com', address: '203.0.113.10', from: '198.51.100.1',
      user: 'root', proto: 'SSH', count: 2, source: '0.0.0.0/0', sources: '198.51.100.0/24', aclId: 'acl-1', instanceId: 'ins-1', fingerprint: 'SHA256:abc', path: '/home/me/.ssh/known_hosts' };
    const texts = [
      ...MESSAGE_KEYS.map((k) => msg('ko', k, args)),
      ...Object.values(VERDICT_TEXT).flatMap((v) => [format(v.title.ko, args), format(v.summary.ko, args)]),
      format(OK_LOGIN_UNTESTED_TEXT.title.ko, args), format(OK_LOGIN_UNTESTED_TEXT.summary.ko, args),
    ];
    assert.deepStrictEqual(particleRuns(texts), []);
    assert.ok(texts.some((t) => t.includes('포트 22가')) && texts.some((t) => t.includes('포트 22를')), 'particles chosen by the number');
  });

  it('the Korean demo: every target\'s report as text, Markdown and HTML', async function () {
    this.timeout(30_000);
    const lab = await startDemoLab(1500);
    try {
      const probes = createProbes();
      const reports = await Promise.all(lab.cases.map((c) => diagnose(c.target, { probes, credentials: c.credentials, lang: 'ko' })));
      assert.strictEqual(reports.length, lab.cases.length);
      assert.ok(reports.length >= 8, 'every demo target');
      for (const r of reports) {
        const texts = [r.verdict.title, r.verdict.summary, ...r.verdict.remediation.map((x) => x.text), ...r.findings.map((f) => f.message), ...r.checks.map((c) => c.summary)];
        assert.deepStrictEqual(koreanRuns(texts), [], r.verdict.code);
        const text = renderText(r, { color: false });
        const md = renderMarkdown(r);
        const html = renderHtml(r).replace(/<style[\s\S]*?<\/style>|<script[\s\S]*?<\/script>/g, ' ').replace(/<[^>]+>/g, ' ').replace(/&#(\d+);/g, (_x, n: string) => String.fromCharCode(Number(n)));
        assert.deepStrictEqual(particleRuns([text, md, html].flatMap((t) => t.split('\n')), { joined: true }), [], r.verdict.code);
        // The Markdown copy escapes only what Markdown acts on: no "\(" beside Korean text.
        assert.deepStrictEqual(md.split('\n').filter((l) => /\\[(){}]/.test(l)), [], r.verdict.code);
      }
      for (const c of lab.cases) assert.ok(/[가-힣]/.test(c.label.ko) && c.label.ko !== c.label.en, c.label.en);
    } finally {
      await lab.close();
    }
  });
});

describe('(unit) the Markdown copy escapes only what Markdown acts on', () => {
  it('Korean particles, parentheses and words with underscores stay as written', () => {
    const text = '호스트 키(SHA256:abc)가 /home/me/.ssh/known_hosts의 기록과 일치합니다 {x}';
    assert.strictEqual(plain(text), text);
    assert.strictEqual(plain('포트 22는 응답하지만 SSH가 아닙니다 (a+b) #1 ! ='), '포트 22는 응답하지만 SSH가 아닙니다 (a+b) #1 ! =');
  });

  it('what would become a link, code, emphasis, HTML, a table cell or a list is escaped', () => {
    assert.strictEqual(plain('[a](javascript:b)'), '\\[a\\](javascript:b)');
    assert.strictEqual(plain('`x` *y* _z_ <b> a|b ~~s~~ &amp; \\'), '\\`x\\` \\*y\\* \\_z\\_ \\<b\\> a\\|b \\~\\~s\\~\\~ \\&amp; \\\\');
    assert.strictEqual(plain('# title'), '\\# title');
    assert.strictEqual(plain('- item'), '\\- item');
    assert.strictEqual(plain('1. item'), '1\\. item');
  });
});
