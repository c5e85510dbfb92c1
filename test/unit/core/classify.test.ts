import * as assert from 'assert';
import { classifyCode, findings, loginUntested, RULES } from '../../../src/core/classify';
import { VERDICT_CODES, type TcpIcmpError, type VerdictCode } from '../../../src/core/model';
import type { ClassifyInput } from '../../../src/core/classify';
import { alt, banner, cloud, dnsFail, healthy, loggedInWithReadiness, ping, ssh, target, tcp } from './evidence';
import type { HostKeyInfo, NegotiationEvidence } from '../../../src/core/model';
import type { LocalEvidence } from '../../../src/core/localModel';
import { clientNetEvidence } from './clientNetEvidence';

const UNKNOWN_KEY: HostKeyInfo = { type: 'ssh-ed25519', fingerprint: 'SHA256:x', status: 'unknown', knownHostsPath: '/k', knownEntries: [] };
const PQ_NEGOTIATION: NegotiationEvidence = { ssh2: { missing: ['kex'] }, openssh: { version: 'OpenSSH_9.2p1', missing: [], enable: {}, enableSuffices: false }, legacyOnly: false };
const LEGACY_NEGOTIATION: NegotiationEvidence = {
  ssh2: { missing: ['kex'] }, openssh: { version: 'OpenSSH_9.2p1', missing: ['kex'], enable: { kex: 'diffie-hellman-group1-sha1' }, enableSuffices: true }, legacyOnly: true,
};

const refused = { tcp: tcp('refused', 'ECONNREFUSED'), banner: undefined, ssh: undefined };
const silent = { tcp: tcp('timeout'), banner: undefined, ssh: undefined };
const unreachable = { tcp: tcp('unreachable', 'EHOSTUNREACH'), banner: undefined, ssh: undefined };
const TARGET_IP = '203.0.113.10'; // the address the evidence builders probe
const ROUTER_IP = '198.51.100.1';
/** The port's SYN answered by an ICMP error that a raw socket read, with its sender. */
const icmpUnreachable = (from: string, code: number, kind: TcpIcmpError['kind']) => ({
  tcp: { ...tcp('unreachable', code === 9 ? 'ENETUNREACH' : 'EHOSTUNREACH'), icmp: { from, type: 3, code, kind } }, banner: undefined, ssh: undefined,
});
const pingFrom = (outcome: 'unreachable' | 'prohibited', from: string) => ({ ...ping(outcome), from });

// One row per situation: what was observed → the one verdict a person should read.
const TABLE: Array<[string, ClassifyInput, VerdictCode]> = [
  ['everything answers', healthy(), 'OK'],
  ['login works', healthy({ ssh: ssh({ login: { outcome: 'ok', tried: ['publickey'], method: 'publickey' } }) }), 'OK'],
  ['ping dropped, SSH fine', healthy({ icmp: ping('timeout') }), 'OK'],
  ['name does not resolve', { target: target(), dns: dnsFail }, 'DNS_FAILURE'],
  ['ping and port unreachable', healthy({ icmp: ping('unreachable'), ...unreachable, altPorts: [alt(2222, 'unreachable')] }), 'HOST_UNREACHABLE'],
  ['ping unreachable, port silent', healthy({ icmp: ping('unreachable'), ...silent, altPorts: [alt(2222, 'timeout')] }), 'HOST_UNREACHABLE'],
  ['nothing answers at all', healthy({ icmp: ping('timeout'), ...silent, altPorts: [alt(2222, 'timeout')] }), 'NO_RESPONSE'],
  ['ping replies, port silent', healthy({ ...silent, altPorts: [alt(2222, 'timeout')] }), 'PORT_FILTERED'],
  ['ping dropped, port silent, another port resets', healthy({ icmp: ping('timeout'), ...silent, altPorts: [alt(2222, 'refused')] }), 'PORT_FILTERED'],
  ['ping replies, port prohibited', healthy({ ...unreachable, altPorts: [alt(2222, 'refused')] }), 'PORT_REJECTED'],
  // Issue 7, defect 1: one lost SYN. The engine's second attempt answered; its evidence says so.
  ['first SYN lost, the second attempt connected', healthy({ tcp: { ...tcp('connected'), attempts: 2, answeredAttempt: 2, connectMs: 0.2 } }), 'OK'],
  ['ping replies, three attempts all silent', healthy({ ...silent, tcp: { ...tcp('timeout'), attempts: 3, planRttMs: 1 }, altPorts: [alt(2222, 'timeout')] }), 'PORT_FILTERED'],
  // Defect 2: port 22 refused; the slow SSH server on 2222 was read with the banner timeout.
  ['port resets, SSH on 2222 identified after 500 ms', healthy({ ...refused, altPorts: [{ ...alt(2222, 'connected', 'ssh'), banner: 'SSH-2.0-OpenSSH_9.2' }] }), 'SERVICE_ON_OTHER_PORT'],
  // Defect 5: whether the host itself or a router sent the ICMP error.
  ['ping admin-prohibited by the target itself, every port silent', healthy({ icmp: pingFrom('prohibited', TARGET_IP), ...silent, altPorts: [alt(2222, 'timeout')] }), 'PORT_FILTERED'],
  ['ping host-unreachable from the target itself (a reject rule), every port silent', healthy({ icmp: pingFrom('unreachable', TARGET_IP), ...silent, altPorts: [alt(2222, 'timeout')] }), 'PORT_FILTERED'],
  ['ping host-unreachable from a router, every port silent', healthy({ icmp: pingFrom('unreachable', ROUTER_IP), ...silent, altPorts: [alt(2222, 'timeout')] }), 'HOST_UNREACHABLE'],
  ['port host-prohibited by the target itself, ping dropped', healthy({ icmp: ping('timeout'), ...icmpUnreachable(TARGET_IP, 10, 'prohibited'), altPorts: [] }), 'PORT_REJECTED'],
  ['port host-unreachable from the target itself, ping dropped', healthy({ icmp: ping('timeout'), ...icmpUnreachable(TARGET_IP, 1, 'unreachable'), altPorts: [] }), 'PORT_REJECTED'],
  ['port admin-prohibited by a firewall on the way, ping dropped', healthy({ icmp: ping('timeout'), ...icmpUnreachable(ROUTER_IP, 13, 'prohibited'), altPorts: [] }), 'PORT_REJECTED'],
  ['port host-unreachable from a router, ping dropped', healthy({ icmp: ping('timeout'), ...icmpUnreachable(ROUTER_IP, 1, 'unreachable'), altPorts: [] }), 'HOST_UNREACHABLE'],
  ['port and ping host-unreachable from a router', healthy({ icmp: pingFrom('unreachable', ROUTER_IP), ...icmpUnreachable(ROUTER_IP, 1, 'unreachable'), altPorts: [] }), 'HOST_UNREACHABLE'],
  ['ping not sent, port unreachable, sender unknown', healthy({ target: target({ icmp: false }), icmp: undefined, ...unreachable, altPorts: [] }), 'HOST_UNREACHABLE'],
  ['other port rejected by the target itself, ping dropped, main port silent', healthy({ icmp: ping('timeout'), ...silent, altPorts: [{ ...alt(2222, 'unreachable'), tcp: { ...tcp('unreachable', 'EHOSTUNREACH', 2222), icmp: { from: TARGET_IP, type: 3, code: 10, kind: 'prohibited' } } }] }), 'PORT_FILTERED'],
  // Defect 10: the first address was silent, the next one answered (as ssh falls back).
  ['first address silent, the next connected', healthy({ earlierAddresses: [{ ...tcp('timeout'), address: '2001:db8::10' }] }), 'OK'],
  ['port resets, no alternative', healthy({ ...refused, altPorts: [alt(2222, 'refused')] }), 'PORT_CLOSED'],
  ['port resets, SSH on 2222', healthy({ ...refused, altPorts: [alt(2222, 'connected', 'ssh')] }), 'SERVICE_ON_OTHER_PORT'],
  ['port silent, SSH on 2222', healthy({ ...silent, altPorts: [alt(2222, 'connected', 'ssh')] }), 'SERVICE_ON_OTHER_PORT'],
  ['port resets, another protocol on 2222', healthy({ ...refused, altPorts: [alt(2222, 'connected', 'other')] }), 'PORT_CLOSED'],
  ['SMTP on 22', healthy({ banner: banner('other', '220 smtp'), ssh: undefined }), 'NOT_SSH'],
  ['silent after connect', healthy({ banner: banner('timeout'), ssh: undefined }), 'BANNER_TIMEOUT'],
  ['sshd over MaxStartups says so and hangs up', healthy({ banner: banner('other', 'Exceeded MaxStartups'), ssh: undefined }), 'CONNECTION_CLOSED'],
  ['sshd penalty (OpenSSH 9.8+)', healthy({ banner: banner('other', 'Not allowed at this time'), ssh: undefined }), 'CONNECTION_CLOSED'],
  ['closed before banner', healthy({ banner: banner('closed'), ssh: undefined }), 'CONNECTION_CLOSED'],
  ['reset while reading banner', healthy({ banner: banner('error'), ssh: undefined }), 'CONNECTION_CLOSED'],
  ['closed during kex', healthy({ ssh: ssh({ handshake: 'closed' }) }), 'CONNECTION_CLOSED'],
  ['no common kex', healthy({ ssh: ssh({ handshake: 'kex-failed', algorithms: undefined }) }), 'KEX_FAILED'],
  // issue 7: a key exchange that never completes is a stall (tarpit, MTU black hole), not an
  // algorithm mismatch: no "enable legacy algorithms" advice for it.
  ['kex never completes (no KEXINIT)', healthy({ ssh: ssh({ handshake: 'timeout', stall: 'kexinit', algorithms: undefined }) }), 'BANNER_TIMEOUT'],
  ['kex stalls after the KEXINIT', healthy({ ssh: ssh({ handshake: 'timeout', stall: 'kex', algorithms: undefined }) }), 'BANNER_TIMEOUT'],
  ['ssh2 cannot, OpenSSH completed (post-quantum only)', healthy({ ssh: ssh({ client: 'openssh', negotiation: PQ_NEGOTIATION }) }), 'OK'],
  ['no client here agrees (legacy only)', healthy({ ssh: ssh({ handshake: 'kex-failed', algorithms: undefined, negotiation: LEGACY_NEGOTIATION }) }), 'KEX_FAILED'],
  ['unknown ssh2 handshake error', healthy({ ssh: ssh({ handshake: 'error', algorithms: undefined }) }), 'KEX_FAILED'],
  ['host key changed', healthy({ ssh: ssh({ handshake: 'hostkey-mismatch' }) }), 'HOST_KEY_MISMATCH'],
  ['bad credentials', healthy({ ssh: ssh({ login: { outcome: 'rejected', tried: ['password'] } }) }), 'AUTH_FAILED'],
  ['login errors out after an attempt', healthy({ ssh: ssh({ login: { outcome: 'error', tried: ['publickey'], reason: 'connection closed during authentication' } }) }), 'AUTH_FAILED'],
  // issue 7: a key file that is not a key is not "credentials rejected": the server never saw it.
  ['encrypted key without passphrase', healthy({ ssh: ssh({ login: { outcome: 'key-unusable', tried: [], keyError: 'k is encrypted', keyErrorKind: 'encrypted' } }) }), 'KEY_FORMAT_UNSUPPORTED'],
  ['random bytes as the identity', healthy({ ssh: ssh({ login: { outcome: 'key-unusable', tried: [], keyError: 'not a key', keyErrorKind: 'not-a-key' } }) }), 'KEY_FORMAT_UNSUPPORTED'],
  ['unusable key, then the password rejected', healthy({ ssh: ssh({ login: { outcome: 'rejected', tried: ['password'], keyError: 'not a key', keyErrorKind: 'not-a-key' } }) }), 'KEY_FORMAT_UNSUPPORTED'],
  ['unusable key, but the password works', healthy({ ssh: ssh({ login: { outcome: 'ok', tried: ['password'], method: 'password', keyError: 'not a key', keyErrorKind: 'not-a-key' } }) }), 'OK'],
  // issue 7: an authentication the server never answers is a stall, not rejected credentials.
  ['server stalls during authentication', healthy({ ssh: ssh({ stall: 'auth', login: { outcome: 'timeout', tried: ['password'] } }) }), 'BANNER_TIMEOUT'],
  // issue 7: the password asked for was withheld from an unknown host: not OK.
  ['password withheld from an unknown host', healthy({ credentialsGiven: true, ssh: ssh({ hostKey: UNKNOWN_KEY, login: { outcome: 'not-attempted', tried: [], passwordWithheld: true } }) }), 'HOST_KEY_UNKNOWN'],
  ['key rejected, password withheld from an unknown host', healthy({ credentialsGiven: true, ssh: ssh({ hostKey: UNKNOWN_KEY, login: { outcome: 'rejected', tried: ['publickey'], passwordWithheld: true } }) }), 'HOST_KEY_UNKNOWN'],
  ['key login works on an unknown host (password then not needed)', healthy({ credentialsGiven: true, ssh: ssh({ hostKey: UNKNOWN_KEY, login: { outcome: 'ok', tried: ['publickey'], method: 'publickey', passwordWithheld: true } }) }), 'OK'],
  ['key rejected on an unknown host', healthy({ credentialsGiven: true, ssh: ssh({ hostKey: UNKNOWN_KEY, login: { outcome: 'rejected', tried: ['publickey'] } }) }), 'AUTH_FAILED'],
  ['accept-new recorded the key, the password works', healthy({ credentialsGiven: true, ssh: ssh({ hostKey: { ...UNKNOWN_KEY, added: true }, login: { outcome: 'ok', tried: ['password'], method: 'password' } }) }), 'OK'],
  ['keyboard-interactive only, answered with the password', healthy({ credentialsGiven: true, ssh: ssh({ authMethods: ['keyboard-interactive'], login: { outcome: 'ok', tried: ['keyboard-interactive'], method: 'keyboard-interactive' } }) }), 'OK'],
  ['password disabled', healthy({ ssh: ssh({ authMethods: ['publickey'], login: { outcome: 'method-unavailable', tried: ['password'] } }) }), 'AUTH_METHOD_UNAVAILABLE'],
  ['RDP answers', { target: target({ protocol: 'rdp', port: 3389 }), dns: undefined, tcp: tcp('connected'), rdp: { outcome: 'rdp', selectedProtocol: 'hybrid', durationMs: 3 } }, 'OK'],
  ['RDP port speaks SSH', { target: target({ protocol: 'rdp', port: 3389 }), tcp: tcp('connected'), rdp: { outcome: 'not-rdp', firstBytes: '5353482d', durationMs: 3 } }, 'NOT_RDP'],
  ['RDP silent', { target: target({ protocol: 'rdp', port: 3389 }), tcp: tcp('connected'), rdp: { outcome: 'timeout', durationMs: 2000 } }, 'BANNER_TIMEOUT'],
  ['RDP closes after the request', { target: target({ protocol: 'rdp', port: 3389 }), tcp: tcp('connected'), rdp: { outcome: 'closed', durationMs: 3 } }, 'CONNECTION_CLOSED'],
  ['RDP moved', { target: target({ protocol: 'rdp', port: 3389, altPorts: [3390] }), tcp: tcp('refused'), altPorts: [alt(3390, 'connected', 'rdp')] }, 'SERVICE_ON_OTHER_PORT'],
  ['cloud: stopped', healthy({ icmp: ping('timeout'), ...silent, cloud: cloud({}, { state: 'STOPPED' }) }), 'INSTANCE_NOT_RUNNING'],
  ['cloud: isolated and shut down', healthy({ ...silent, cloud: cloud({}, { state: 'SHUTDOWN', restrictState: 'PROTECTIVELY_ISOLATED' }) }), 'INSTANCE_ISOLATED'],
  ['cloud: group denies', healthy({ ...silent, cloud: cloud({ securityGroups: { verdict: 'deny', evaluatedFor: '198.51.100.7' } }) }), 'SECURITY_GROUP_BLOCKS'],
  ['cloud: group allows, ACL denies', healthy({ ...silent, cloud: cloud({ securityGroups: { verdict: 'allow', evaluatedFor: 'x' }, networkAcl: { verdict: 'deny', aclId: 'acl-1' } }) }), 'NETWORK_ACL_BLOCKS'],
  // Issue 12: every record allows the caller, sshd answers inside, the guest saw none of its SYNs (core/clientNet.ts; the full table is in clientNet.test.ts).
  ['cloud + guest allow, no SYN from the caller reached the guest', clientNetEvidence(), 'CLIENT_NETWORK_BLOCKS'],
  ['cloud: guest firewall drops', healthy({ ...silent, cloud: cloud({ securityGroups: { verdict: 'allow', evaluatedFor: 'x' }, guest: { agentOnline: true, serviceActive: true, firewallBlocks: true } }) }), 'GUEST_FIREWALL_BLOCKS'],
  ['cloud: port resets, sshd listens on it, guest firewall rejects', healthy({ ...refused, cloud: cloud({ guest: { agentOnline: true, serviceActive: true, listeningPorts: [22], firewallBlocks: true } }) }), 'GUEST_FIREWALL_BLOCKS'],
  ['cloud: port resets, guest firewall "blocks" but sshd does not listen on the port', healthy({ ...refused, cloud: cloud({ guest: { agentOnline: true, serviceActive: true, listeningPorts: [], firewallBlocks: true } }) }), 'PORT_CLOSED'],
  ['cloud: sshd inactive', healthy({ ...refused, cloud: cloud({ guest: { agentOnline: true, serviceActive: false } }) }), 'SSHD_NOT_RUNNING'],
  ['cloud: sshd listens elsewhere', healthy({ ...refused, cloud: cloud({ guest: { agentOnline: true, serviceActive: true, listeningPorts: [2200] } }) }), 'SERVICE_ON_OTHER_PORT'],
  ['cloud: agent offline gives no guest verdict', healthy({ ...refused, cloud: cloud({ guest: { agentOnline: false, serviceActive: false } }) }), 'PORT_CLOSED'],
  ['cloud: stopped, yet SSH answers on the address (another machine)', healthy({ cloud: cloud({}, { state: 'STOPPED', publicIps: ['198.51.100.99'] }) }), 'OK'],
  ['cloud: group denies but the port answers', healthy({ cloud: cloud({ securityGroups: { verdict: 'deny', evaluatedFor: 'x' } }) }), 'OK'],
  // Issue 7 item 9: SSH answering on another port is seen and works now; a group deny for 22 does not outrank it.
  ['cloud: group denies 22, SSH answers on 2222', healthy({ ...silent, altPorts: [alt(2222, 'connected', 'ssh')], cloud: cloud({ securityGroups: { verdict: 'deny', evaluatedFor: '198.51.100.7' } }) }), 'SERVICE_ON_OTHER_PORT'],
  ['cloud: ACL denies 22, SSH answers on 2222', healthy({ ...silent, altPorts: [alt(2222, 'connected', 'ssh')], cloud: cloud({ securityGroups: { verdict: 'allow', evaluatedFor: 'x' }, networkAcl: { verdict: 'deny', aclId: 'acl-1' } }) }), 'SERVICE_ON_OTHER_PORT'],
  // Groups and ACLs drop silently: they do not explain an ICMP error or another failure.
  ['cloud: group denies, but the port got ICMP prohibited', healthy({ ...unreachable, altPorts: [alt(2222, 'refused')], cloud: cloud({ securityGroups: { verdict: 'deny', evaluatedFor: '198.51.100.7' } }) }), 'PORT_REJECTED'],
  ['cloud: group denies, port and ping unreachable', healthy({ icmp: ping('unreachable'), ...unreachable, altPorts: [alt(2222, 'unreachable')], cloud: cloud({ securityGroups: { verdict: 'deny', evaluatedFor: '198.51.100.7' } }) }), 'HOST_UNREACHABLE'],
  ['cloud: ACL denies, but the port got ICMP prohibited', healthy({ ...unreachable, altPorts: [alt(2222, 'refused')], cloud: cloud({ securityGroups: { verdict: 'allow', evaluatedFor: 'x' }, networkAcl: { verdict: 'deny', aclId: 'acl-1' } }) }), 'PORT_REJECTED'],
  // Issue 7 item 8: with the caller unknown, "denied unless your address is in …" is a finding.
  ['cloud: caller unknown, group accepts an office /24 only', healthy({ ...silent, altPorts: [alt(2222, 'timeout')], cloud: cloud({ securityGroups: { verdict: 'deny', evaluatedFor: 'any source', exceptFor: ['198.51.100.0/24'] } }) }), 'PORT_FILTERED'],
  ['cloud: caller unknown, no group rule accepts anyone', healthy({ ...silent, altPorts: [alt(2222, 'timeout')], cloud: cloud({ securityGroups: { verdict: 'deny', evaluatedFor: 'any source' } }) }), 'SECURITY_GROUP_BLOCKS'],
  ['cloud: caller unknown, ACL accepts an office /24 only', healthy({ ...silent, altPorts: [alt(2222, 'timeout')], cloud: cloud({ securityGroups: { verdict: 'allow', evaluatedFor: 'any source' }, networkAcl: { verdict: 'deny', aclId: 'acl-1', exceptFor: ['198.51.100.0/24'] } }) }), 'PORT_FILTERED'],
  // Issue 11: a Lighthouse instance's own firewall, its network restriction and unpaid traffic.
  ['lighthouse: the firewall drops the caller', healthy({ ...silent, cloud: cloud({ firewall: { verdict: 'deny', evaluatedFor: '198.51.100.7', decidingRule: { index: 0, action: 'DROP', protocol: 'TCP', port: '22', source: '0.0.0.0/0' } } }, { product: 'lighthouse', securityGroupIds: [] }) }), 'INSTANCE_FIREWALL_BLOCKS'],
  ['lighthouse: the firewall drops, but the port answers', healthy({ cloud: cloud({ firewall: { verdict: 'deny', evaluatedFor: '198.51.100.7' } }, { product: 'lighthouse' }) }), 'OK'],
  ['lighthouse: caller unknown, the firewall accepts an office /24 only', healthy({ ...silent, altPorts: [alt(2222, 'timeout')], cloud: cloud({ firewall: { verdict: 'deny', evaluatedFor: 'any source', exceptFor: ['198.51.100.0/24'] } }, { product: 'lighthouse' }) }), 'PORT_FILTERED'],
  ['lighthouse: NETWORK_RESTRICT', healthy({ ...silent, cloud: cloud({ firewall: { verdict: 'allow', evaluatedFor: 'x' } }, { product: 'lighthouse', restrictState: 'NETWORK_RESTRICT' }) }), 'INSTANCE_ISOLATED'],
  ['lighthouse: traffic package overdue, network cut', healthy({ ...silent, cloud: cloud({ firewall: { verdict: 'allow', evaluatedFor: 'x' } }, { product: 'lighthouse', restrictState: 'NORMAL', trafficPackage: { id: 'lhtp-1', status: 'OVERDUE_NETWORK_DISABLED' } }) }), 'INSTANCE_ISOLATED'],
  ['lighthouse: rescue mode is not running', healthy({ ...silent, cloud: cloud({}, { product: 'lighthouse', state: 'RESCUE_MODE' }) }), 'INSTANCE_NOT_RUNNING'],
  // Issue 7 item 6: a reject rule with sshd running reads as a closed port from outside.
  ['guest reject rule, no cloud view', healthy({ ...refused, altPorts: [alt(2222, 'refused')] }), 'PORT_CLOSED'],
  // Issue 9: after the login, what stops VS Code's server.
  ['logged in, every readiness item passes', healthy({ ssh: loggedInWithReadiness() }), 'OK'],
  ['logged in, glibc 2.17 (CentOS 7)', healthy({ ssh: loggedInWithReadiness({ libc: { code: 0, stdout: 'ldd (GNU libc) 2.17\nglibc 2.17\n', stderr: '', durationMs: 3 } }) }), 'REMOTE_SERVER_UNSUPPORTED'],
  // Issue 12: the instance's own view explains a failed banner or login (core/health.ts; more rows in health.test.ts).
  ['no banner, the guest shows 60% CPU steal', healthy({ banner: banner('timeout'), ssh: undefined, cloud: cloud({ guest: { agentOnline: true, health: { stealPct: 60 } } }) }), 'INSTANCE_OVERLOADED'],
  ['connection closed, the guest\'s root has 0 KB free', healthy({ banner: banner('closed'), ssh: undefined, cloud: cloud({ guest: { agentOnline: true, health: { disks: [{ path: '/', mount: '/', filesystem: '/dev/vda1', sizeKb: 1000, usedKb: 1000, availableKb: 0 }] } } }) }), 'DISK_FULL'],
  ['logged in, home full', healthy({ ssh: loggedInWithReadiness({ disk: { code: 0, stdout: 'HOME=/h\nFilesystem 1024-blocks Used Available Capacity Mounted on\ntmpfs 1024 1024 0 100% /h\n/dev/vda1 5 1 999999 1% /\n---\n---\nhome-writable\n', stderr: '', durationMs: 3 } }) }), 'DISK_FULL'],
  ['logged in, sshd refuses forwarding', healthy({ ssh: loggedInWithReadiness({}, { outcome: 'prohibited', host: '127.0.0.1', port: 22, reason: 1, durationMs: 1 }) }), 'PORT_FORWARDING_DISABLED'],
  ['logged in, the download host is blocked (a finding only)', healthy({ ssh: loggedInWithReadiness({ download: { code: 0, stdout: 'curl 000\nexit=28\n', stderr: '', durationMs: 5000 } }) }), 'OK'],
  // Issue 14: the user's own side comes first; a healthy server does not change it.
  ['ssh -G fails on the user\'s config', healthy({ local: localSide({ config: { outcome: 'error', executable: 'ssh', error: { kind: 'permissions', file: '/h/.ssh/config', message: 'Bad owner or permissions on /h/.ssh/config' }, durationMs: 1 } }) }), 'LOCAL_CONFIG_ERROR'],
  ['the given key is readable by others', healthy({ local: localSide({ keys: [{ path: '/k', source: 'given', exists: true, readable: true, format: 'openssh', mode: 0o644, ownedBySelf: true, refused: true }] }) }), 'LOCAL_KEY_REFUSED'],
  ['the given key is a PuTTY v3 key', healthy({ ...refused, local: localSide({ keys: [{ path: '/k.ppk', source: 'given', exists: true, readable: true, format: 'ppk3' }] }) }), 'KEY_FORMAT_UNSUPPORTED'],
  // Behind a bastion (jump chains): the bastion's answer to the channel request is the port's.
  ['behind a bastion: forwarding refused by the bastion', { target: target(), tcp: { ...tcp('error', 'EPROHIBITED'), forward: { kind: 'prohibited', via: '203.0.113.5', reason: 1, message: 'open failed' } } }, 'JUMP_FORWARDING_DENIED'],
  ['behind a bastion: connection refused, seen from it', { target: target(), tcp: { ...tcp('refused', 'ECONNREFUSED'), forward: { kind: 'refused', via: '203.0.113.5', reason: 2, message: 'Connection refused' } }, altPorts: [alt(2222, 'refused')] }, 'PORT_CLOSED'],
  ['behind a bastion: no answer in time, another port resets through it', { target: target(), tcp: { ...tcp('timeout'), forward: { kind: 'timeout', via: '203.0.113.5' } }, altPorts: [alt(2222, 'refused')] }, 'PORT_FILTERED'],
  ['behind a bastion: the name does not resolve there', { target: target(), dns: { ...dnsFail }, tcp: { ...tcp('error', 'ENOTFOUND'), forward: { kind: 'name', via: '203.0.113.5', reason: 2, message: 'Name or service not known' } } }, 'DNS_FAILURE'],
];

function localSide(over: Partial<LocalEvidence>): LocalEvidence {
  return { host: 'cvm.example.com', platform: 'linux', config: { outcome: 'unavailable', executable: 'ssh', reason: 'not-found', durationMs: 0 }, keys: [], durationMs: 1, ...over };
}

describe('(unit) classify', () => {
  for (const [name, evidence, expected] of TABLE) {
    it(`${name} → ${expected}`, () => assert.strictEqual(classifyCode(evidence), expected));
  }

  it('every verdict code is produced by at least one row of the table', () => {
    const produced = new Set(TABLE.map((r) => r[2]));
    const missing = VERDICT_CODES.filter((c) => !produced.has(c));
    assert.deepStrictEqual(missing, []);
  });

  it('every rule of the classifier is reachable from the table', () => {
    const used = new Set<number>();
    for (const [, e] of TABLE) {
      const i = RULES.findIndex((r) => r.when(e));
      if (i >= 0) used.add(i);
    }
    const unused = RULES.map((r, i) => (used.has(i) ? undefined : `${i}:${r.code}`)).filter(Boolean);
    assert.deepStrictEqual(unused, []);
  });

  describe('findings', () => {
    const codes = (e: ClassifyInput) => findings(e, classifyCode(e), 'en').map((f) => f.code);
    it('ICMP blocked while the port answers', () => assert.ok(codes(healthy({ icmp: ping('timeout') })).includes('ICMP_BLOCKED')));
    it('no ICMP_BLOCKED when ping replies', () => assert.ok(!codes(healthy()).includes('ICMP_BLOCKED')));
    it('unknown host key is a finding, not a failure', () => {
      const e = healthy({ ssh: ssh({ hostKey: { type: 'ssh-ed25519', fingerprint: 'SHA256:x', status: 'unknown', knownHostsPath: '/k', knownEntries: [] } }) });
      assert.strictEqual(classifyCode(e), 'OK');
      assert.ok(codes(e).includes('HOST_KEY_UNKNOWN'));
    });
    it('password withheld from an unknown host: the verdict says it, not a finding', () => {
      const e = healthy({ credentialsGiven: true, ssh: ssh({ hostKey: UNKNOWN_KEY, login: { outcome: 'not-attempted', tried: [], passwordWithheld: true } }) });
      assert.strictEqual(classifyCode(e), 'HOST_KEY_UNKNOWN');
      assert.ok(!codes(e).includes('PASSWORD_NOT_SENT_UNKNOWN_HOST'));
      assert.ok(!codes(e).includes('HOST_KEY_UNKNOWN'), 'the verdict is not repeated as a finding');
      assert.ok(!codes(e).includes('LOGIN_NOT_ATTEMPTED'));
    });
    it('a key login on an unknown host stands, with the unknown key and the withheld password as findings', () => {
      const e = healthy({ credentialsGiven: true, ssh: ssh({ hostKey: UNKNOWN_KEY, login: { outcome: 'ok', tried: ['publickey'], method: 'publickey', passwordWithheld: true } }) });
      assert.strictEqual(classifyCode(e), 'OK');
      assert.ok(codes(e).includes('HOST_KEY_UNKNOWN'));
      assert.ok(codes(e).includes('PASSWORD_NOT_SENT_UNKNOWN_HOST'));
    });
    it('accept-new: the key added is a finding, not "unknown"', () => {
      const e = healthy({ credentialsGiven: true, ssh: ssh({ hostKey: { ...UNKNOWN_KEY, added: true }, login: { outcome: 'ok', tried: ['password'], method: 'password' } }) });
      assert.ok(codes(e).includes('HOST_KEY_ADDED'));
      assert.ok(!codes(e).includes('HOST_KEY_UNKNOWN'));
    });
    it('OpenSSH finished the diagnosis: said so; a password it could not test makes the login untested', () => {
      const e = healthy({ credentialsGiven: true, ssh: ssh({ client: 'openssh', negotiation: PQ_NEGOTIATION, login: { outcome: 'not-attempted', tried: [], notTested: 'the password' } }) });
      assert.strictEqual(classifyCode(e), 'OK');
      assert.ok(loginUntested(e));
      const f = findings(e, 'OK', 'en');
      assert.match(f.find((x) => x.code === 'DIAGNOSED_WITH_OPENSSH')?.message ?? '', /OpenSSH_9\.2p1/);
      // The verdict itself says the login was not tested (loginTested false): no finding repeats it.
      assert.ok(!f.some((x) => x.code === 'LOGIN_NOT_TESTED'));
      assert.ok(!f.some((x) => x.code === 'LOGIN_NOT_ATTEMPTED'));
    });
    it('part of the login untested beside one that works: OK stands, the rest is a finding', () => {
      const e = healthy({ credentialsGiven: true, ssh: ssh({ login: { outcome: 'ok', tried: ['publickey'], method: 'publickey', notTested: 'the ssh-agent keys (x)', untested: [{ kind: 'agent-error', message: 'x' }] } }) });
      assert.ok(!loginUntested(e));
      assert.ok(findings(e, 'OK', 'en').some((x) => x.code === 'LOGIN_NOT_TESTED'));
    });
    it('an agent that could not be asked, and nothing else given, is no login asked for', () => {
      const e = healthy({ ssh: ssh({ login: { outcome: 'not-attempted', tried: [], reasonKind: 'no-credentials', notTested: 'the ssh-agent keys (x)', untested: [{ kind: 'agent-error', message: 'x' }] } }) });
      assert.ok(!loginUntested(e));
    });
    it('an unusable key beside a working password is a finding', () => {
      const e = healthy({ ssh: ssh({ login: { outcome: 'ok', tried: ['password'], method: 'password', keyError: 'k is not a key', keyErrorKind: 'not-a-key' } }) });
      assert.ok(codes(e).includes('KEY_NOT_USABLE'));
    });
    it('agent keys beyond the bound are named', () => {
      const e = healthy({ ssh: ssh({ login: { outcome: 'rejected', tried: ['agent'], agentKeys: { offered: 3, available: 7 } } }) });
      const f = findings(e, classifyCode(e), 'en').find((x) => x.code === 'AGENT_KEYS_LIMITED');
      assert.ok(f && /7/.test(f.message) && /3/.test(f.message), f?.message);
    });
    it('an unknown key the instance confirms as its own (in-guest check)', () => {
      const e = healthy({ credentialsGiven: true, ssh: ssh({ hostKey: { ...UNKNOWN_KEY, fingerprint: 'SHA256:new' }, login: { outcome: 'not-attempted', tried: [], passwordWithheld: true } }), cloud: cloud({ guest: { agentOnline: true, hostKeyFingerprints: [{ type: 'ED25519', fingerprint: 'SHA256:new' }] } }) });
      assert.ok(codes(e).includes('HOST_KEY_CONFIRMED'));
      const other = healthy({ ssh: ssh({ hostKey: UNKNOWN_KEY }), cloud: cloud({ guest: { agentOnline: true, hostKeyFingerprints: [{ type: 'ED25519', fingerprint: 'SHA256:other' }] } }) });
      assert.ok(codes(other).includes('HOST_KEY_NOT_INSTANCE'));
    });
    it('a legacy algorithm ssh2 accepted but the local OpenSSH refuses by default: the finding gives the option', () => {
      const e = healthy({ ssh: ssh({
        algorithms: { kex: 'curve25519-sha256', serverHostKey: 'ssh-rsa', cipher: 'aes128-ctr', mac: 'hmac-sha2-256', compress: 'none' },
        negotiation: { ssh2: { missing: [] }, openssh: { version: 'OpenSSH_9.2p1', missing: ['serverHostKey'], enable: { serverHostKey: 'ssh-rsa' }, enableSuffices: true }, legacyOnly: true },
      }) });
      const f = findings(e, 'OK', 'en').find((x) => x.code === 'LEGACY_ALGORITHMS');
      assert.match(f?.message ?? '', /OpenSSH_9\.2p1.*-o HostKeyAlgorithms=\+ssh-rsa/);
    });
    it('legacy algorithms are named', () => {
      const e = healthy({ ssh: ssh({ algorithms: { kex: 'diffie-hellman-group14-sha1', serverHostKey: 'ssh-rsa', cipher: 'aes128-ctr', mac: 'hmac-sha2-256', compress: 'none' } }) });
      const f = findings(e, 'OK', 'en').find((x) => x.code === 'LEGACY_ALGORITHMS');
      assert.ok(f && f.message.includes('diffie-hellman-group14-sha1') && f.message.includes('ssh-rsa'));
    });
    it('modern algorithms are not called legacy', () => assert.ok(!codes(healthy()).includes('LEGACY_ALGORITHMS')));
    it('host key mismatch confirmed or refuted by the instance itself', () => {
      const mismatch = ssh({ handshake: 'hostkey-mismatch' });
      const own = healthy({ ssh: mismatch, cloud: cloud({ guest: { agentOnline: true, hostKeyFingerprints: [{ type: 'ED25519', fingerprint: 'SHA256:new' }] } }) });
      const foreign = healthy({ ssh: mismatch, cloud: cloud({ guest: { agentOnline: true, hostKeyFingerprints: [{ type: 'ED25519', fingerprint: 'SHA256:other' }] } }) });
      assert.ok(codes(own).includes('HOST_KEY_CONFIRMED_CHANGED'));
      assert.ok(codes(foreign).includes('HOST_KEY_NOT_INSTANCE'));
    });
    it('cloud findings: no public IP, API errors, unknown caller, agent offline', () => {
      const e = healthy({ cloud: cloud({ securityGroups: { verdict: 'allow', evaluatedFor: 'any' }, guest: { agentOnline: false }, errors: [{ kind: 'throttled', code: 'RequestLimitExceeded', message: 'slow down', action: 'DescribeNetworkAcls' }] }, { publicIps: [] }) });
      const c = codes(e);
      for (const want of ['NO_PUBLIC_IP', 'CLOUD_API_ERROR', 'CALLER_IP_UNKNOWN', 'TAT_AGENT_OFFLINE'] as const) assert.ok(c.includes(want), want);
    });
    it('an address that is not the instance\'s is named', () => {
      const e = healthy({ cloud: cloud({}, { publicIps: ['198.51.100.99'], privateIps: [] }) });
      assert.ok(codes(e).includes('ADDRESS_NOT_INSTANCE'));
      assert.ok(!codes(healthy({ cloud: cloud() })).includes('ADDRESS_NOT_INSTANCE'));
    });
    it('the instance\'s IPv6 addresses are its own, in any spelling', () => {
      const v6 = (address: string, ipv6Ips?: string[]) => codes(healthy({ tcp: { ...tcp('connected'), address }, cloud: cloud({}, { ipv6Ips }) }));
      assert.ok(!v6('2001:db8::10', ['2001:DB8:0:0::10']).includes('ADDRESS_NOT_INSTANCE'));
      assert.ok(v6('2001:db8::11', ['2001:db8::10']).includes('ADDRESS_NOT_INSTANCE'));
      assert.ok(v6('2001:db8::10').includes('ADDRESS_NOT_INSTANCE'));
    });
    it('RDP_NLA_REQUIRED only when the server refuses without CredSSP, not when it selects it', () => {
      const rdp = (r: NonNullable<ClassifyInput['rdp']>) => codes({ target: target({ protocol: 'rdp', port: 3389 }), tcp: tcp('connected'), rdp: r });
      assert.ok(rdp({ outcome: 'rdp', failure: 'HYBRID_REQUIRED_BY_SERVER', durationMs: 3 }).includes('RDP_NLA_REQUIRED'));
      for (const p of ['hybrid', 'hybrid-ex', 'tls'] as const) assert.ok(!rdp({ outcome: 'rdp', selectedProtocol: p, durationMs: 3 }).includes('RDP_NLA_REQUIRED'), p);
      assert.ok(!rdp({ outcome: 'rdp', failure: 'SSL_NOT_ALLOWED_BY_SERVER', durationMs: 3 }).includes('RDP_NLA_REQUIRED'));
    });
    it('caller unknown: "the groups drop TCP 22 unless your address is in …" as a finding, only when the port failed', () => {
      const sg = { verdict: 'deny' as const, evaluatedFor: 'any source', exceptFor: ['198.51.100.0/24', '203.0.113.7'] };
      const e = healthy({ ...silent, altPorts: [alt(2222, 'timeout')], cloud: cloud({ securityGroups: sg }) });
      const f = findings(e, classifyCode(e), 'en').find((x) => x.code === 'SECURITY_GROUP_MAY_BLOCK');
      assert.strictEqual(f?.message, 'Your address is unknown: the security groups drop TCP 22 unless your address is in 198.51.100.0/24, 203.0.113.7.');
      assert.match(findings(e, classifyCode(e), 'ko').find((x) => x.code === 'SECURITY_GROUP_MAY_BLOCK')!.message, /198\.51\.100\.0\/24, 203\.0\.113\.7에 속하지 않으면 TCP 포트 22를/);
      assert.ok(!codes(healthy({ cloud: cloud({ securityGroups: sg }) })).includes('SECURITY_GROUP_MAY_BLOCK'), 'the port answered: the caller got through');
      const allowSome = healthy({ ...silent, altPorts: [alt(2222, 'timeout')], cloud: cloud({ securityGroups: { verdict: 'allow', evaluatedFor: 'any source', exceptFor: ['203.0.113.7'] } }) });
      assert.match(findings(allowSome, classifyCode(allowSome), 'en').find((x) => x.code === 'SECURITY_GROUP_MAY_BLOCK')!.message, /accept TCP 22, except from 203\.0\.113\.7/);
      const acl = healthy({ ...silent, altPorts: [alt(2222, 'timeout')], cloud: cloud({ networkAcl: { verdict: 'deny', aclId: 'acl-1', exceptFor: ['198.51.100.0/24'] } }) });
      assert.ok(codes(acl).includes('NETWORK_ACL_MAY_BLOCK'));
    });
    it('a caller address of the other family is named, not used', () => {
      const e = healthy({ ...silent, altPorts: [alt(2222, 'timeout')], cloud: cloud({ callerIpOtherFamily: '2001:db8::5', securityGroups: { verdict: 'deny', evaluatedFor: 'any source' } }) });
      const f = findings(e, classifyCode(e), 'en').find((x) => x.code === 'CALLER_IP_UNKNOWN');
      assert.match(f?.message ?? '', /2001:db8::5 is not of the family the probe used \(IPv4 to 203\.0\.113\.10\)/);
    });
    it('an address fallback is named with what the earlier address got (instead of MULTIPLE_ADDRESSES)', () => {
      const e = healthy({
        dns: { ok: true, literal: false, addresses: [{ address: '2001:db8::10', family: 6 }, { address: TARGET_IP, family: 4 }], durationMs: 1 },
        earlierAddresses: [{ ...tcp('timeout'), address: '2001:db8::10' }],
      });
      const f = findings(e, classifyCode(e), 'en');
      const fb = f.find((x) => x.code === 'ADDRESS_FALLBACK');
      assert.ok(fb && fb.message.includes('2001:db8::10 (timeout)') && fb.message.includes(TARGET_IP), JSON.stringify(f));
      assert.ok(!f.some((x) => x.code === 'MULTIPLE_ADDRESSES'));
    });
    it('several addresses are mentioned', () => {
      const e = healthy({ dns: { ok: true, literal: false, addresses: [{ address: '203.0.113.10', family: 4 }, { address: '2001:db8::1', family: 6 }], durationMs: 1 } });
      assert.ok(codes(e).includes('MULTIPLE_ADDRESSES'));
    });
  });
});
