/**
 * (unit) Korean reads as Korean: every verdict (title, summary, remediation text), finding and
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
import {
  VERDICT_CODES, type CloudEvidence, type FirewallDecision, type KeyErrorKind, type Lang, type LoginReasonKind, type OpenSshProblemKind, type SshResult,
  type UntestedKind,
} from '../../../src/core/model';
import { loginReasonText } from '../../../src/core/sshText';
import { buildVerdict } from '../../../src/core/verdict';
import { describeError, type Translate } from '../../../src/vscode/errorText';
import { englishSentences } from '../../support/englishText';
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
  'password-openssh': { notTested: 'the password, because only OpenSSH can negotiate with this server and it takes no password unattended', untested: [{ kind: 'password-openssh' }] },
  'encrypted-key-openssh': { notTested: `the key ${KEY_FILE}, because it is encrypted and OpenSSH takes no passphrase unattended`, untested: [{ kind: 'encrypted-key-openssh', path: KEY_FILE }] },
};

/** Each reason as the probe records it (English `reason`, its kind), in the result it comes with. */
const REASONS: Record<LoginReasonKind, SshResult[]> = {
  'no-credentials': [ssh({ login: { outcome: 'not-attempted', tried: [], reason: 'no credentials given', reasonKind: 'no-credentials', ...UNTESTED['agent-error'] } })],
  'none-accepted': [ssh({ authMethods: [], login: { outcome: 'not-attempted', tried: [], reason: "the server accepts the 'none' method: no credentials needed", reasonKind: 'none-accepted' } })],
  'password-withheld': [ssh({
    hostKey: { type: 'ssh-ed25519', fingerprint: 'SHA256:new', status: 'unknown', knownHostsPath: '/k', knownEntries: [] },
    login: { outcome: 'not-attempted', tried: [], planned: ['password'], passwordWithheld: true, reason: 'password not sent: the host key is not confirmed by known_hosts', reasonKind: 'password-withheld' },
  })],
  'not-tested': (Object.keys(UNTESTED) as UntestedKind[]).map((k) => ssh({
    client: 'openssh', login: { outcome: 'not-attempted', tried: [], reason: `not tested: ${UNTESTED[k].notTested}`, reasonKind: 'not-tested', ...UNTESTED[k] },
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

describe('(unit) Korean text has no English sentence of ours', () => {
  it('the detector finds English runs and leaves commands, quotes and names alone', () => {
    assert.deepStrictEqual(englishSentences('포트가 열려 있습니다 but the login failed'), ['but the login failed']);
    assert.deepStrictEqual(englishSentences('`sudo systemctl restart ssh` 를 실행하세요. "Exceeded MaxStartups" Tencent Automation Tools 로'), []);
    assert.deepStrictEqual(englishSentences('KexAlgorithms, HostKeyAlgorithms, Ciphers, MACs 설정에 추가하세요'), []);
  });

  it('every Korean verdict, remediation, finding and check summary', () => {
    // The same texts in English are full of English sentences: the scan sees real text.
    const en = koreanTexts('en');
    assert.ok(en.length > 150 && en.filter((t) => englishSentences(t).length > 0).length > en.length / 2, `${en.length} texts`);
    const bad = koreanTexts('ko').flatMap((t) => englishSentences(t).map((s) => `${s}   ⟵   ${t}`));
    assert.deepStrictEqual(bad, []);
  });

  it('every login, key and OpenSSH reason the SSH probe records, told from its kind', () => {
    // In English the same evidence names what happened: the texts are really built from it.
    const en = sshResults.flatMap((r) => sshTexts(r, 'en')).join('\n');
    for (const s of ['connection closed during authentication', '"Bad packet length 1234567"', 'the file is too large to be a key', 'ssh not found',
      'the ssh-agent keys (ssh-agent did not answer within 1.00 s)', '"Unsupported key format"', 'OpenSSH reported "Connection closed by 203.0.113.10 port 22"']) {
      assert.ok(en.includes(s), s);
    }
    const bad = sshResults.flatMap((r) => sshTexts(r, 'ko')).flatMap((t) => englishSentences(t).map((s) => `${s}   ⟵   ${t}`));
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
    const bad = texts('ko').flatMap((t) => englishSentences(t).map((x) => `${x}   ⟵   ${t}`));
    assert.deepStrictEqual(bad, []);
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
    const bad = errors.map((e) => describeError(e, t, 'ko')).flatMap((m) => englishSentences(m).map((s) => `${s}   ⟵   ${m}`));
    assert.deepStrictEqual(bad, []);
  });
});
