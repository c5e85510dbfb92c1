/**
 * The lab's broken hosts: one scenario per way a login can fail, each with the host to build
 * (real sshd / misbehaving server / nftables rules), the target to diagnose and the expected
 * verdict plus the evidence that must back it. Shared by test/lab (assertions) and bench/
 * (timings), so both always exercise the same hosts.
 */
import * as assert from 'assert/strict';
import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import type { Check, Credentials, FindingCode, Report, Target, VerdictCode } from '../../src/core/model';
import type { HostSpec, Lab, LabHost } from './lab';
import { labTarget } from './labEngine';

export interface ScenarioRun {
  target: Target;
  credentials?: Credentials;
  /** Undo what run() set up (held connections); called after the diagnosis. */
  cleanup?: () => void;
}

export interface Scenario {
  id: string;
  title: string;
  host: HostSpec;
  /** The target and credentials to diagnose against the built host. */
  run(h: LabHost, lab: Lab): Promise<ScenarioRun> | ScenarioRun;
  verdict: VerdictCode;
  findings?: FindingCode[];
  /** Evidence assertions beyond the verdict (throw on failure). */
  verify?(r: Report, h: LabHost, lab: Lab): void;
  /** Needs xrdp. */
  rdp?: boolean;
  /** Port the "manual flow" in the benchmark should try (default the target's). */
  benchManual?: boolean;
}

// --- evidence helpers ------------------------------------------------------------------------

export function check(r: Report, id: Check['id']): Check {
  const c = r.checks.find((x) => x.id === id);
  assert.ok(c, `no "${id}" check in report; checks: ${r.checks.map((x) => `${x.id}:${x.status}`).join(', ')}`);
  return c;
}

/** A field of a check's evidence, looked up by name at any depth (the engine may nest). */
export function evidenceField(c: Check, key: string): unknown {
  const seen = new Set<unknown>();
  const walk = (o: unknown, depth: number): unknown => {
    if (!o || typeof o !== 'object' || seen.has(o) || depth > 6) return undefined;
    seen.add(o);
    if (Object.prototype.hasOwnProperty.call(o, key)) return (o as Record<string, unknown>)[key];
    for (const v of Object.values(o as Record<string, unknown>)) {
      const hit = walk(v, depth + 1);
      if (hit !== undefined) return hit;
    }
    return undefined;
  };
  return walk(c.evidence, 0);
}

function expectOutcome(r: Report, id: Check['id'], outcome: string): void {
  const c = check(r, id);
  assert.equal(evidenceField(c, 'outcome'), outcome, `${id} outcome; check: ${JSON.stringify(c)}`);
}

/** The named fields of an evidence object (undefined when it is not one). */
function pick(o: unknown, keys: string[]): Record<string, unknown> | undefined {
  if (!o || typeof o !== 'object') return undefined;
  return Object.fromEntries(keys.map((k) => [k, (o as Record<string, unknown>)[k]]));
}

function evidenceText(r: Report, id: Check['id']): string {
  return JSON.stringify(check(r, id).evidence);
}

/** OpenSSH-style SHA256 fingerprint of a "type base64" public key. */
export function fingerprint(pub: string): string {
  const blob = Buffer.from(pub.split(' ')[1] ?? '', 'base64');
  return `SHA256:${crypto.createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** Open a TCP connection to a lab sshd and wait for its banner: it then counts as one
 *  unauthenticated connection until LoginGraceTime. Bounded by a 3 s timeout. */
export function holdSshConnection(address: string, port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: address, port });
    const timer = setTimeout(() => { s.destroy(); reject(new Error('no banner from sshd within 3 s')); }, 3000);
    s.once('data', () => {
      clearTimeout(timer);
      s.on('error', () => undefined); // a later reset must not crash the run
      resolve(s);
    });
    s.once('error', (e) => { clearTimeout(timer); reject(e); });
  });
}

// --- nftables fragments (inet input chain, policy accept) ----------------------------------

const DROP_PING = 'icmp type echo-request drop\nicmpv6 type echo-request drop';

export const PQ_ONLY = 'KexAlgorithms sntrup761x25519-sha512@openssh.com';

/** The lab's client key, encrypted with the passphrase "lab-pp" (made once per lab). */
function encryptedLabKey(lab: Lab): string {
  const file = `${lab.dir}/encrypted_ed25519`;
  if (!fs.existsSync(file)) {
    fs.copyFileSync(lab.clientKeyPath, file);
    fs.chmodSync(file, 0o600);
    execFileSync('ssh-keygen', ['-q', '-p', '-P', '', '-N', 'lab-pp', '-f', file], { stdio: 'ignore', timeout: 10_000 });
  }
  return file;
}

/** A stand-in for an OpenSSH before 8.4: the system ssh (exec'd: the probe's kill reaches it)
 *  that names itself OpenSSH_8.2p1. A fixed text written once per lab. */
export function oldOpenSsh(lab: Lab): string {
  const file = `${lab.dir}/ssh-8.2`;
  if (!fs.existsSync(file)) {
    fs.writeFileSync(file, '#!/bin/sh\nif [ "$1" = "-V" ]; then echo "OpenSSH_8.2p1 (lab stand-in), OpenSSL 3.0" >&2; exit 0; fi\nexec /usr/bin/ssh "$@"\n', { mode: 0o755 });
  }
  return file;
}

// --- scenarios -------------------------------------------------------------------------------

export const SCENARIOS: Scenario[] = [
  {
    id: 'healthy',
    title: 'healthy sshd',
    host: { sshd: {} },
    run: (h, lab) => ({ target: labTarget(h.ipv4, { knownHostsPath: lab.writeKnownHosts([h.knownHostsLine]) }) }),
    verdict: 'OK',
    benchManual: true,
    verify(r, h) {
      assert.match(String(evidenceField(check(r, 'banner'), 'line')), /^SSH-2\.0-OpenSSH_/);
      assert.equal(evidenceField(check(r, 'hostkey'), 'fingerprint'), fingerprint(h.hostKeys[0]!));
      assert.equal(evidenceField(check(r, 'hostkey'), 'status'), 'match');
      expectOutcome(r, 'icmp', 'reply');
      expectOutcome(r, 'tcp', 'connected');
    },
  },
  {
    id: 'icmp-blocked',
    title: 'ICMP dropped, SSH fine',
    host: { sshd: {}, nft: DROP_PING },
    run: (h, lab) => ({ target: labTarget(h.ipv4, { knownHostsPath: lab.writeKnownHosts([h.knownHostsLine]) }) }),
    verdict: 'OK',
    findings: ['ICMP_BLOCKED'],
    verify(r) {
      expectOutcome(r, 'icmp', 'timeout');
      expectOutcome(r, 'tcp', 'connected');
    },
  },
  {
    id: 'port-filtered',
    title: 'port 22 dropped, ping works',
    host: { sshd: {}, nft: 'tcp dport 22 drop' },
    run: (h) => ({ target: labTarget(h.ipv4) }),
    verdict: 'PORT_FILTERED',
    benchManual: true,
    verify(r) {
      expectOutcome(r, 'icmp', 'reply');
      expectOutcome(r, 'tcp', 'timeout');
    },
  },
  {
    id: 'port-closed',
    title: 'nothing listening on 22 or alternative ports',
    host: {},
    run: (h) => ({ target: labTarget(h.ipv4) }),
    verdict: 'PORT_CLOSED',
    benchManual: true,
    verify(r) {
      expectOutcome(r, 'tcp', 'refused');
      assert.doesNotMatch(evidenceText(r, 'altports'), /"protocol":"ssh"/);
    },
  },
  {
    id: 'port-rejected',
    title: 'reject admin-prohibited on 22, ping works',
    host: { sshd: {}, nft: 'tcp dport 22 reject with icmpx type admin-prohibited' },
    run: (h) => ({ target: labTarget(h.ipv4) }),
    verdict: 'PORT_REJECTED',
    verify(r) {
      expectOutcome(r, 'icmp', 'reply');
      expectOutcome(r, 'tcp', 'unreachable');
    },
  },
  {
    id: 'other-port',
    title: 'sshd on 2222 only',
    host: { sshd: { ports: [2222] } },
    run: (h) => ({ target: labTarget(h.ipv4) }),
    verdict: 'SERVICE_ON_OTHER_PORT',
    verify(r) {
      expectOutcome(r, 'tcp', 'refused');
      const alt = check(r, 'altports');
      assert.match(JSON.stringify(alt.evidence), /2222/, `altports evidence: ${JSON.stringify(alt)}`);
      assert.match(JSON.stringify(alt.evidence), /SSH-2\.0-OpenSSH/, `altports evidence: ${JSON.stringify(alt)}`);
      assert.match(`${r.verdict.summary} ${JSON.stringify(r.verdict.remediation)}`, /2222/);
    },
  },
  {
    id: 'not-ssh',
    title: 'SMTP-like greeting on 22',
    host: { servers: [{ kind: 'greeting', port: 22 }] },
    run: (h) => ({ target: labTarget(h.ipv4) }),
    verdict: 'NOT_SSH',
    verify(r) {
      assert.match(evidenceText(r, 'banner'), /220 cvmd-lab\.invalid ESMTP/);
    },
  },
  {
    id: 'banner-timeout',
    title: 'accepts and never speaks',
    host: { servers: [{ kind: 'silent', port: 22 }] },
    run: (h) => ({ target: labTarget(h.ipv4) }),
    verdict: 'BANNER_TIMEOUT',
    verify(r) {
      expectOutcome(r, 'tcp', 'connected');
      expectOutcome(r, 'banner', 'timeout');
    },
  },
  {
    id: 'connection-closed',
    title: 'closes at once',
    host: { servers: [{ kind: 'close', port: 22 }] },
    run: (h) => ({ target: labTarget(h.ipv4) }),
    verdict: 'CONNECTION_CLOSED',
    verify(r) {
      expectOutcome(r, 'tcp', 'connected');
      expectOutcome(r, 'banner', 'closed');
    },
  },
  {
    id: 'maxstartups',
    // A real sshd at its MaxStartups limit: one unauthenticated connection is held open, so
    // sshd drops the probe's connection (OpenSSH 9.2 writes "Exceeded MaxStartups" first).
    title: 'real sshd over MaxStartups',
    host: { sshd: { extraConfig: ['MaxStartups 1', 'LoginGraceTime 30'] } },
    async run(h, lab) {
      const holder = await holdSshConnection(h.ipv4, 22);
      return {
        target: labTarget(h.ipv4, { knownHostsPath: lab.writeKnownHosts([h.knownHostsLine]) }),
        cleanup: () => holder.destroy(),
      };
    },
    verdict: 'CONNECTION_CLOSED',
    verify(r) {
      expectOutcome(r, 'tcp', 'connected');
    },
  },
  {
    id: 'no-response',
    title: 'everything dropped incl. ping',
    host: { sshd: {}, nft: 'meta nfproto ipv4 drop' },
    run: (h) => ({ target: labTarget(h.ipv4) }),
    verdict: 'NO_RESPONSE',
    benchManual: true,
    verify(r) {
      expectOutcome(r, 'icmp', 'timeout');
      expectOutcome(r, 'tcp', 'timeout');
    },
  },
  {
    // Issue 7, defect 5: this host was diagnosed HOST_UNREACHABLE, but it is the host itself
    // that answers everything with host-unreachable (a reject rule): it is up.
    id: 'host-rejects-all',
    title: 'the host itself rejects everything with host-unreachable',
    host: { sshd: {}, nft: 'meta nfproto ipv4 reject with icmp type host-unreachable' },
    run: (h) => ({ target: labTarget(h.ipv4) }),
    verdict: 'PORT_REJECTED',
    verify(r, h) {
      expectOutcome(r, 'icmp', 'unreachable');
      expectOutcome(r, 'tcp', 'unreachable');
      assert.equal(evidenceField(check(r, 'icmp'), 'from'), h.ipv4);
      assert.deepEqual(evidenceField(check(r, 'icmp'), 'icmpError'), { type: 3, code: 1, from: h.ipv4 });
      assert.deepEqual(pick(evidenceField(check(r, 'tcp'), 'icmp'), ['from', 'type', 'code']), { from: h.ipv4, type: 3, code: 1 });
      assert.match(r.verdict.summary, /The host itself is up/);
    },
  },
  {
    // A router that cannot reach the address: the real HOST_UNREACHABLE (stopped or released
    // instance, wrong IP). The ICMP errors come from the router, not from the target.
    id: 'host-unreachable',
    title: 'a router answers host-unreachable for an address behind it',
    host: { routedAddress: true },
    run: (h) => ({ target: labTarget(h.routedIpv4!) }),
    verdict: 'HOST_UNREACHABLE',
    verify(r, h) {
      expectOutcome(r, 'icmp', 'unreachable');
      expectOutcome(r, 'tcp', 'unreachable');
      assert.equal(evidenceField(check(r, 'icmp'), 'from'), h.ipv4);
      assert.equal((evidenceField(check(r, 'tcp'), 'icmp') as { from?: string } | undefined)?.from, h.ipv4);
      assert.match(r.verdict.summary, new RegExp(`host unreachable from ${h.ipv4.replace(/\./g, '\\.')}`));
    },
  },
  {
    // Issue 7, defect 1: only the very first SYN to port 22 is dropped (numgen inc starts at 0).
    id: 'first-syn-lost',
    title: 'the first SYN to 22 is lost',
    host: { sshd: {}, nft: 'tcp dport 22 tcp flags syn numgen inc mod 1000000 == 0 counter drop' },
    run: (h, lab) => ({ target: labTarget(h.ipv4, { knownHostsPath: lab.writeKnownHosts([h.knownHostsLine]) }) }),
    verdict: 'OK',
    verify(r) {
      expectOutcome(r, 'tcp', 'connected');
      assert.equal(evidenceField(check(r, 'tcp'), 'answeredAttempt'), 2, JSON.stringify(check(r, 'tcp')));
    },
  },
  {
    // Defect 1 again, the other direction: the host's first SYN-ACK from port 22 is lost.
    id: 'first-synack-lost',
    title: 'the first SYN-ACK from 22 is lost',
    host: {
      sshd: {},
      nft: [
        'table inet cvmdlab {',
        '  chain output {',
        '    type filter hook output priority 0; policy accept;',
        '    tcp sport 22 tcp flags & (syn | ack) == syn | ack numgen inc mod 1000000 == 0 counter drop',
        '  }',
        '}',
      ].join('\n'),
    },
    run: (h, lab) => ({ target: labTarget(h.ipv4, { knownHostsPath: lab.writeKnownHosts([h.knownHostsLine]) }) }),
    verdict: 'OK',
    verify(r) {
      expectOutcome(r, 'tcp', 'connected');
      assert.equal(evidenceField(check(r, 'tcp'), 'answeredAttempt'), 2, JSON.stringify(check(r, 'tcp')));
    },
  },
  {
    // Defect 2: 22 refused, and the SSH server on 2222 identifies itself only after 500 ms.
    id: 'slow-banner-other-port',
    title: 'nothing on 22, SSH on 2222 that greets after 500 ms',
    host: { servers: [{ kind: 'slow-banner', port: 2222, delayMs: 500 }] },
    run: (h) => ({ target: labTarget(h.ipv4) }),
    verdict: 'SERVICE_ON_OTHER_PORT',
    verify(r) {
      expectOutcome(r, 'tcp', 'refused');
      assert.match(evidenceText(r, 'altports'), /"port":2222,"tcp":"connected","protocol":"ssh","banner":"SSH-2\.0-OpenSSH_9\.2p1 cvmd-slow"/);
    },
  },
  {
    // Defect 5: firewalld's icmp-block answers ping with admin-prohibited from the host itself,
    // and every TCP port is dropped: the host is up and the port filtered.
    id: 'ping-prohibited-port-dropped',
    title: 'ping admin-prohibited by the host itself, all TCP dropped',
    host: { sshd: {}, nft: 'icmp type echo-request reject with icmp type admin-prohibited\nmeta l4proto tcp drop' },
    run: (h) => ({ target: labTarget(h.ipv4) }),
    verdict: 'PORT_FILTERED',
    verify(r, h) {
      expectOutcome(r, 'icmp', 'prohibited');
      expectOutcome(r, 'tcp', 'timeout');
      assert.equal(evidenceField(check(r, 'icmp'), 'from'), h.ipv4);
      assert.deepEqual(evidenceField(check(r, 'icmp'), 'icmpError'), { type: 3, code: 13, from: h.ipv4 });
      assert.ok(Number(evidenceField(check(r, 'tcp'), 'attempts')) >= 3, JSON.stringify(check(r, 'tcp')));
      assert.doesNotMatch(evidenceText(r, 'altports'), /"tcp":"(connected|refused)"/);
    },
  },
  {
    // The same over IPv6: the host's ICMPv6 admin-prohibited (read from our own raw socket,
    // net-ping never matches ICMPv6 errors) shows it is up.
    id: 'ping6-prohibited-port-dropped',
    title: 'IPv6: ping admin-prohibited by the host itself, all TCP dropped',
    host: { sshd: {}, nft: 'icmpv6 type echo-request reject with icmpv6 type admin-prohibited\nmeta l4proto tcp drop' },
    run: (h) => ({ target: labTarget(h.ipv6) }),
    verdict: 'PORT_FILTERED',
    verify(r, h) {
      expectOutcome(r, 'icmp', 'prohibited');
      expectOutcome(r, 'tcp', 'timeout');
      assert.equal(evidenceField(check(r, 'icmp'), 'from'), h.ipv6);
      assert.deepEqual(evidenceField(check(r, 'icmp'), 'icmpError'), { type: 1, code: 1, from: h.ipv6 });
    },
  },
  {
    // Defect 5: a reject rule with icmp host-prohibited for every TCP port, ping dropped.
    id: 'port-prohibited-ping-dropped',
    title: 'TCP rejected with host-prohibited by the host itself, ping dropped',
    host: { sshd: {}, nft: 'icmp type echo-request drop\nmeta l4proto tcp reject with icmp type host-prohibited' },
    run: (h) => ({ target: labTarget(h.ipv4) }),
    verdict: 'PORT_REJECTED',
    verify(r, h) {
      expectOutcome(r, 'icmp', 'timeout');
      expectOutcome(r, 'tcp', 'unreachable');
      assert.deepEqual(pick(evidenceField(check(r, 'tcp'), 'icmp'), ['from', 'code', 'kind']), { from: h.ipv4, code: 10, kind: 'prohibited' });
      assert.match(r.verdict.summary, /host prohibited/);
    },
  },
  {
    id: 'ipv6',
    title: 'IPv6 target (ULA)',
    host: { sshd: {} },
    run: (h, lab) => ({ target: labTarget(h.ipv6, { knownHostsPath: lab.writeKnownHosts([h.knownHostsLine]) }) }),
    verdict: 'OK',
    verify(r, h) {
      assert.ok(r.target.addresses.includes(h.ipv6), `addresses ${JSON.stringify(r.target.addresses)}`);
      assert.equal(evidenceField(check(r, 'tcp'), 'address'), h.ipv6);
      assert.equal(evidenceField(check(r, 'hostkey'), 'status'), 'match');
    },
  },
  {
    id: 'auth-failed',
    title: 'wrong password',
    host: { sshd: {} },
    run: (h, lab) => ({
      target: labTarget(h.ipv4, { user: lab.user, knownHostsPath: lab.writeKnownHosts([h.knownHostsLine]) }),
      credentials: { password: `${lab.password}-wrong` },
    }),
    verdict: 'AUTH_FAILED',
    verify(r) {
      assert.equal(evidenceField(check(r, 'login'), 'outcome'), 'rejected', JSON.stringify(check(r, 'login')));
      assert.match(evidenceText(r, 'auth'), /password/);
    },
  },
  {
    id: 'password-ok',
    title: 'password login works',
    host: { sshd: {} },
    run: (h, lab) => ({
      target: labTarget(h.ipv4, { user: lab.user, knownHostsPath: lab.writeKnownHosts([h.knownHostsLine]) }),
      credentials: { password: lab.password },
    }),
    verdict: 'OK',
    verify(r) {
      assert.equal(evidenceField(check(r, 'login'), 'outcome'), 'ok', JSON.stringify(check(r, 'login')));
      assert.equal(evidenceField(check(r, 'login'), 'method'), 'password');
    },
  },
  {
    id: 'key-login',
    title: 'key login works',
    host: { sshd: {} },
    run: (h, lab) => ({
      target: labTarget(h.ipv4, { user: lab.user, knownHostsPath: lab.writeKnownHosts([h.knownHostsLine]) }),
      credentials: { identityFile: lab.clientKeyPath },
    }),
    verdict: 'OK',
    verify(r) {
      assert.equal(evidenceField(check(r, 'login'), 'outcome'), 'ok', JSON.stringify(check(r, 'login')));
      assert.equal(evidenceField(check(r, 'login'), 'method'), 'publickey');
    },
  },
  {
    id: 'host-key-mismatch',
    title: 'known_hosts has another key of the same type',
    host: { sshd: {} },
    async run(h, lab) {
      const other = await lab.foreignHostKey('ed25519');
      return { target: labTarget(h.ipv4, { knownHostsPath: lab.writeKnownHosts([`${h.ipv4} ${other}`]) }) };
    },
    verdict: 'HOST_KEY_MISMATCH',
    verify(r, h) {
      const hk = check(r, 'hostkey');
      assert.equal(evidenceField(hk, 'status'), 'mismatch');
      assert.equal(evidenceField(hk, 'fingerprint'), fingerprint(h.hostKeys[0]!));
      assert.ok(Array.isArray(evidenceField(hk, 'knownEntries')), JSON.stringify(hk));
    },
  },
  {
    // issue 7: the password asked for was withheld (right), so the login was never tested:
    // not OK (it was OK before).
    id: 'host-key-unknown',
    title: 'host not in known_hosts, password given',
    host: { sshd: {} },
    run: (h, lab) => ({
      target: labTarget(h.ipv4, { user: lab.user, knownHostsPath: lab.writeKnownHosts([]) }),
      credentials: { password: lab.password },
    }),
    verdict: 'HOST_KEY_UNKNOWN',
    verify(r, h) {
      assert.equal(evidenceField(check(r, 'hostkey'), 'status'), 'unknown');
      assert.equal(evidenceField(check(r, 'login'), 'passwordWithheld'), true);
      assert.ok(r.verdict.summary.includes(fingerprint(h.hostKeys[0]!)), r.verdict.summary);
      assert.match(r.verdict.summary, /ssh-ed25519/);
      assert.ok(r.verdict.remediation.some((s) => s.command?.includes('StrictHostKeyChecking=accept-new')));
    },
  },
  {
    id: 'host-key-unknown-key-login',
    // A key login may be tested on an unknown host (the signature is bound to the session):
    // its result stands, with the unknown key as a finding.
    title: 'host not in known_hosts, key login',
    host: { sshd: {} },
    run: (h, lab) => ({
      target: labTarget(h.ipv4, { user: lab.user, knownHostsPath: lab.writeKnownHosts([]) }),
      credentials: { identityFile: lab.clientKeyPath },
    }),
    verdict: 'OK',
    findings: ['HOST_KEY_UNKNOWN'],
    verify(r) {
      assert.equal(evidenceField(check(r, 'login'), 'method'), 'publickey');
    },
  },
  {
    // issue 7: ssh2 1.17 has no sntrup761, OpenSSH 9.2 has: OpenSSH finishes the diagnosis.
    id: 'pq-only-kex',
    title: 'server offers only sntrup761x25519 kex',
    host: { sshd: { extraConfig: [PQ_ONLY] } },
    run: (h, lab) => ({ target: labTarget(h.ipv4, { user: lab.user, knownHostsPath: lab.writeKnownHosts([h.knownHostsLine]) }) }),
    verdict: 'OK',
    findings: ['DIAGNOSED_WITH_OPENSSH'],
    verify(r, h) {
      const kex = check(r, 'kex');
      assert.equal(evidenceField(kex, 'client'), 'openssh');
      assert.match(evidenceText(r, 'kex'), /"kex":"sntrup761x25519-sha512@openssh\.com"/);
      assert.deepEqual((evidenceField(kex, 'negotiation') as { ssh2: { missing: string[] } }).ssh2.missing, ['kex'], 'ssh2 lacks the kex');
      assert.equal(evidenceField(check(r, 'hostkey'), 'status'), 'match');
      assert.equal(evidenceField(check(r, 'hostkey'), 'fingerprint'), fingerprint(h.hostKeys[0]!));
      assert.deepEqual(evidenceField(check(r, 'auth'), 'methods'), ['publickey', 'password']);
      assert.doesNotMatch(JSON.stringify(r.verdict), /group14-sha1|ssh-rsa/);
    },
  },
  {
    id: 'pq-only-key-login',
    title: 'sntrup761-only server, key login through OpenSSH',
    host: { sshd: { extraConfig: [PQ_ONLY] } },
    run: (h, lab) => ({
      target: labTarget(h.ipv4, { user: lab.user, knownHostsPath: lab.writeKnownHosts([h.knownHostsLine]) }),
      credentials: { identityFile: lab.clientKeyPath },
    }),
    verdict: 'OK',
    findings: ['DIAGNOSED_WITH_OPENSSH'],
    verify(r) {
      assert.equal(evidenceField(check(r, 'login'), 'outcome'), 'ok');
      assert.equal(evidenceField(check(r, 'login'), 'method'), 'publickey');
      assert.match(r.verdict.summary, /login as "cvmdlab" works/);
    },
  },
  {
    id: 'pq-only-password',
    // issue 7 item 4: only OpenSSH can talk to this server; the password is tested through it
    // (SSH_ASKPASS), held to the host key known_hosts confirmed.
    title: 'sntrup761-only server, password given',
    host: { sshd: { extraConfig: [PQ_ONLY] } },
    run: (h, lab) => ({
      target: labTarget(h.ipv4, { user: lab.user, knownHostsPath: lab.writeKnownHosts([h.knownHostsLine]) }),
      credentials: { password: lab.password },
    }),
    verdict: 'OK',
    findings: ['DIAGNOSED_WITH_OPENSSH'],
    verify(r) {
      const login = check(r, 'login');
      assert.equal(evidenceField(login, 'outcome'), 'ok');
      assert.equal(evidenceField(login, 'method'), 'password');
      assert.deepEqual(evidenceField(login, 'tried'), ['password']);
      assert.equal(evidenceField(check(r, 'kex'), 'client'), 'openssh');
      assert.equal(r.verdict.loginTested, undefined);
      assert.match(r.verdict.summary, /login as "cvmdlab" works/);
      assert.ok(!r.findings.some((f) => f.code === 'LOGIN_NOT_TESTED'));
    },
  },
  {
    id: 'pq-only-password-wrong',
    title: 'sntrup761-only server, wrong password',
    host: { sshd: { extraConfig: [PQ_ONLY] } },
    run: (h, lab) => ({
      target: labTarget(h.ipv4, { user: lab.user, knownHostsPath: lab.writeKnownHosts([h.knownHostsLine]) }),
      credentials: { password: `${lab.password}-wrong` },
    }),
    verdict: 'AUTH_FAILED',
    findings: ['DIAGNOSED_WITH_OPENSSH'],
    verify(r, h) {
      const login = check(r, 'login');
      assert.equal(evidenceField(login, 'outcome'), 'rejected');
      assert.deepEqual(evidenceField(login, 'tried'), ['password']);
      // sshd saw exactly one wrong password (NumberOfPasswordPrompts=1, one method).
      assert.equal(h.log().split('\n').filter((l) => /Failed password for cvmdlab/.test(l)).length, 1, h.log());
    },
  },
  {
    id: 'pq-only-password-unknown-host',
    // The password still never goes to an unverified host: OpenSSH is not even asked.
    title: 'sntrup761-only server not in known_hosts, password given',
    host: { sshd: { extraConfig: [PQ_ONLY] } },
    run: (h, lab) => ({
      target: labTarget(h.ipv4, { user: lab.user, knownHostsPath: lab.writeKnownHosts([]) }),
      credentials: { password: lab.password },
    }),
    verdict: 'HOST_KEY_UNKNOWN',
    findings: ['DIAGNOSED_WITH_OPENSSH'],
    verify(r, h) {
      assert.equal(evidenceField(check(r, 'login'), 'passwordWithheld'), true);
      assert.ok(r.verdict.summary.includes(fingerprint(h.hostKeys[0]!)), r.verdict.summary);
      assert.ok(!/Failed password|Accepted password/.test(h.log()), `sshd saw a password:\n${h.log()}`);
    },
  },
  {
    id: 'pq-only-key-then-password',
    // OpenSSH's order: the key first (refused here), then the password in a run of its own.
    title: 'sntrup761-only server, a key it does not know and the right password',
    host: { sshd: { extraConfig: [PQ_ONLY] } },
    run: (h, lab) => {
      const file = `${lab.dir}/unknown_ed25519`;
      if (!fs.existsSync(file)) execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', file], { stdio: 'ignore', timeout: 10_000 });
      return {
        target: labTarget(h.ipv4, { user: lab.user, knownHostsPath: lab.writeKnownHosts([h.knownHostsLine]) }),
        credentials: { identityFile: file, password: lab.password },
      };
    },
    verdict: 'OK',
    findings: ['DIAGNOSED_WITH_OPENSSH'],
    verify(r) {
      const login = check(r, 'login');
      assert.equal(evidenceField(login, 'method'), 'password');
      assert.deepEqual(evidenceField(login, 'tried'), ['publickey', 'password']);
    },
  },
  {
    id: 'pq-only-kbd-interactive',
    // keyboard-interactive only (PAM's "Password:"): the helper answers it with the password.
    title: 'sntrup761-only server, keyboard-interactive only (PAM), password given',
    host: { sshd: { usePam: true, kbdInteractive: true, passwordAuthentication: false, extraConfig: [PQ_ONLY, 'AuthenticationMethods keyboard-interactive'] } },
    run: (h, lab) => ({
      target: labTarget(h.ipv4, { user: lab.user, knownHostsPath: lab.writeKnownHosts([h.knownHostsLine]) }),
      credentials: { password: lab.password },
    }),
    verdict: 'OK',
    findings: ['DIAGNOSED_WITH_OPENSSH'],
    verify(r) {
      assert.deepEqual(evidenceField(check(r, 'auth'), 'methods'), ['keyboard-interactive']);
      assert.equal(evidenceField(check(r, 'login'), 'method'), 'keyboard-interactive');
      assert.doesNotMatch(JSON.stringify(r.verdict.remediation), /PasswordAuthentication yes/);
    },
  },
  {
    id: 'pq-only-encrypted-key',
    // The passphrase reaches OpenSSH through the helper; the key itself is what the server judges.
    title: 'sntrup761-only server, encrypted key with its passphrase',
    host: { sshd: { extraConfig: [PQ_ONLY] } },
    run: (h, lab) => ({
      target: labTarget(h.ipv4, { user: lab.user, knownHostsPath: lab.writeKnownHosts([h.knownHostsLine]) }),
      credentials: { identityFile: encryptedLabKey(lab), passphrase: 'lab-pp' },
    }),
    verdict: 'OK',
    findings: ['DIAGNOSED_WITH_OPENSSH'],
    verify(r) {
      const login = check(r, 'login');
      assert.equal(evidenceField(login, 'outcome'), 'ok');
      assert.equal(evidenceField(login, 'method'), 'publickey');
      assert.equal(evidenceField(login, 'untested'), undefined);
      assert.match(r.verdict.summary, /login as "cvmdlab" works/);
    },
  },
  {
    id: 'pq-only-encrypted-key-wrong',
    // A passphrase that does not decrypt the key: the key cannot be used, the server judged nothing.
    title: 'sntrup761-only server, encrypted key with a wrong passphrase',
    host: { sshd: { extraConfig: [PQ_ONLY] } },
    run: (h, lab) => ({
      target: labTarget(h.ipv4, { user: lab.user, knownHostsPath: lab.writeKnownHosts([h.knownHostsLine]) }),
      credentials: { identityFile: encryptedLabKey(lab), passphrase: 'not-the-passphrase' },
    }),
    verdict: 'KEY_FORMAT_UNSUPPORTED',
    findings: ['DIAGNOSED_WITH_OPENSSH'],
    verify(r, h, lab) {
      const login = check(r, 'login');
      assert.equal(evidenceField(login, 'keyErrorKind'), 'bad-passphrase');
      assert.deepEqual(evidenceField(login, 'tried'), []);
      assert.ok(r.verdict.summary.includes(`${lab.dir}/encrypted_ed25519`), r.verdict.summary);
      assert.ok(!/Accepted publickey|Failed publickey/.test(h.log()), h.log());
    },
  },
  {
    id: 'pq-only-password-old-openssh',
    // issue 7 item 4: an OpenSSH that cannot be given the password (before 8.4, as a stand-in
    // here): never OK with exit 0 — the login is said to be untested, and why.
    title: 'sntrup761-only server, password, and an OpenSSH older than 8.4',
    host: { sshd: { extraConfig: [PQ_ONLY] } },
    run: (h, lab) => {
      const saved = process.env.CVM_DOCTOR_OPENSSH;
      process.env.CVM_DOCTOR_OPENSSH = oldOpenSsh(lab);
      return {
        target: labTarget(h.ipv4, { user: lab.user, knownHostsPath: lab.writeKnownHosts([h.knownHostsLine]) }),
        credentials: { password: lab.password },
        cleanup: () => { if (saved === undefined) delete process.env.CVM_DOCTOR_OPENSSH; else process.env.CVM_DOCTOR_OPENSSH = saved; },
      };
    },
    verdict: 'OK',
    findings: ['DIAGNOSED_WITH_OPENSSH'],
    verify(r, h) {
      const login = check(r, 'login');
      assert.equal(evidenceField(login, 'outcome'), 'not-attempted');
      assert.deepEqual(evidenceField(login, 'untested'), [{ kind: 'password-openssh', cause: 'openssh-old', version: 'OpenSSH_8.2p1' }]);
      assert.equal(r.verdict.loginTested, false);
      assert.match(r.verdict.title, /the login was not tested/);
      assert.match(r.verdict.summary, /could not test the password/);
      assert.match(r.verdict.summary, /OpenSSH_8\.2p1 is older than 8\.4/);
      assert.doesNotMatch(r.verdict.summary, /and the login as "cvmdlab" works/);
      assert.ok(r.verdict.remediation.some((s) => s.command === `ssh -o PreferredAuthentications=keyboard-interactive,password -p 22 cvmdlab@${h.ipv4}`), JSON.stringify(r.verdict.remediation));
      assert.ok(!/Failed password|Accepted password/.test(h.log()), `sshd saw a password:\n${h.log()}`);
    },
  },
  {
    // issue 7: a true legacy-only server (OpenSSH 9.2 still has group1-sha1 and ssh-rsa, off
    // by default on both sides): no client here agrees by default → KEX_FAILED, and the
    // advice enables exactly what this server needs.
    id: 'legacy-only-kex',
    title: 'server offers only diffie-hellman-group1-sha1 and ssh-rsa',
    host: { sshd: { hostKeyTypes: ['rsa'], extraConfig: ['KexAlgorithms diffie-hellman-group1-sha1', 'HostKeyAlgorithms ssh-rsa'] } },
    run: (h, lab) => ({ target: labTarget(h.ipv4, { user: lab.user, knownHostsPath: lab.writeKnownHosts([h.knownHostsLine]) }) }),
    verdict: 'KEX_FAILED',
    verify(r, h) {
      assert.match(evidenceText(r, 'kex'), /diffie-hellman-group1-sha1/);
      const cmd = `ssh -o KexAlgorithms=+diffie-hellman-group1-sha1 -o HostKeyAlgorithms=+ssh-rsa -p 22 cvmdlab@${h.ipv4}`;
      assert.ok(r.verdict.remediation.some((s) => s.command === cmd), JSON.stringify(r.verdict.remediation));
      assert.doesNotMatch(JSON.stringify(r.verdict), /group14-sha1/);
      assert.match(r.verdict.summary, /OpenSSH_/);
    },
  },
  {
    // issue 7: UsePAM is needed — without it OpenSSH 9.2 on Linux lists keyboard-interactive
    // but has no device to run it, so every attempt fails (checked with ssh -v).
    id: 'kbd-interactive-only',
    title: 'keyboard-interactive only (PAM), password given',
    host: { sshd: { usePam: true, kbdInteractive: true, passwordAuthentication: false, extraConfig: ['AuthenticationMethods keyboard-interactive'] } },
    run: (h, lab) => ({
      target: labTarget(h.ipv4, { user: lab.user, knownHostsPath: lab.writeKnownHosts([h.knownHostsLine]) }),
      credentials: { password: lab.password },
    }),
    verdict: 'OK',
    verify(r) {
      assert.deepEqual(evidenceField(check(r, 'auth'), 'methods'), ['keyboard-interactive']);
      assert.equal(evidenceField(check(r, 'login'), 'method'), 'keyboard-interactive');
    },
  },
  {
    id: 'kbd-interactive-only-key',
    title: 'keyboard-interactive only, only a key given',
    host: { sshd: { usePam: true, kbdInteractive: true, passwordAuthentication: false, extraConfig: ['AuthenticationMethods keyboard-interactive'] } },
    run: (h, lab) => ({
      target: labTarget(h.ipv4, { user: lab.user, knownHostsPath: lab.writeKnownHosts([h.knownHostsLine]) }),
      credentials: { identityFile: lab.clientKeyPath },
    }),
    verdict: 'AUTH_METHOD_UNAVAILABLE',
    verify(r) {
      assert.doesNotMatch(JSON.stringify(r.verdict.remediation), /PasswordAuthentication yes/);
      assert.match(r.verdict.summary, /publickey/);
      assert.match(r.verdict.summary, /keyboard-interactive/);
    },
  },
  {
    // issue 7: a path that drops large packets (an MTU black hole, made here by dropping the
    // server's packets over 600 bytes): the banner passes, the KEXINIT never arrives. A stall,
    // not KEX_FAILED.
    id: 'kex-stall-mtu',
    title: 'MTU black hole: server packets over 600 bytes dropped',
    host: { sshd: {}, nft: 'table inet cvmdlab {\n  chain output {\n    type filter hook output priority 0; policy accept;\n    tcp sport 22 meta length > 600 drop\n  }\n}\n' },
    run: (h, lab) => ({ target: labTarget(h.ipv4, { knownHostsPath: lab.writeKnownHosts([h.knownHostsLine]) }) }),
    verdict: 'BANNER_TIMEOUT',
    verify(r, h) {
      expectOutcome(r, 'banner', 'ssh');
      assert.equal(evidenceField(check(r, 'kex'), 'stall'), 'kexinit');
      assert.match(r.verdict.title, /stalls during the key exchange/);
      assert.ok(r.verdict.remediation.some((s) => s.command === `tracepath -n ${h.ipv4}`));
      assert.doesNotMatch(JSON.stringify(r.verdict), /KexAlgorithms=\+/);
    },
  },
  {
    // The same black hole after a short KEXINIT: the key-exchange reply (an RSA host key and
    // signature) is what gets lost.
    id: 'kex-stall-reply',
    title: 'key-exchange reply over 600 bytes dropped',
    host: {
      sshd: { hostKeyTypes: ['rsa'], extraConfig: ['KexAlgorithms curve25519-sha256', 'HostKeyAlgorithms rsa-sha2-512', 'Ciphers aes128-ctr', 'MACs hmac-sha2-256'] },
      nft: 'table inet cvmdlab {\n  chain output {\n    type filter hook output priority 0; policy accept;\n    tcp sport 22 meta length > 600 drop\n  }\n}\n',
    },
    run: (h, lab) => ({ target: labTarget(h.ipv4, { knownHostsPath: lab.writeKnownHosts([h.knownHostsLine]) }) }),
    verdict: 'BANNER_TIMEOUT',
    verify(r) {
      assert.equal(evidenceField(check(r, 'kex'), 'stall'), 'kex');
      assert.match(evidenceText(r, 'kex'), /curve25519-sha256/);
    },
  },
  {
    // issue 7: known_hosts holds only the server's ECDSA key; ssh2 must ask for that type
    // (sshd would otherwise present ed25519 and the key would read as unknown).
    id: 'host-key-known-other-type',
    title: 'known_hosts holds only the ECDSA key of an ed25519+ECDSA server',
    host: { sshd: { hostKeyTypes: ['ed25519', 'ecdsa'] } },
    run: (h, lab) => ({ target: labTarget(h.ipv4, { knownHostsPath: lab.writeKnownHosts([`${h.ipv4} ${h.hostKeys[1]!}`]) }) }),
    verdict: 'OK',
    verify(r, h) {
      assert.equal(evidenceField(check(r, 'hostkey'), 'status'), 'match');
      assert.equal(evidenceField(check(r, 'hostkey'), 'fingerprint'), fingerprint(h.hostKeys[1]!));
      assert.ok(!r.findings.some((f) => f.code === 'HOST_KEY_UNKNOWN'));
    },
  },
  {
    // issue 7: random bytes as --identity are not "credentials rejected".
    id: 'identity-not-a-key',
    title: 'random bytes given as the identity file',
    host: { sshd: {} },
    run: (h, lab) => {
      const file = `${lab.dir}/random-identity`;
      fs.writeFileSync(file, crypto.randomBytes(700), { mode: 0o600 });
      return { target: labTarget(h.ipv4, { user: lab.user, knownHostsPath: lab.writeKnownHosts([h.knownHostsLine]) }), credentials: { identityFile: file } };
    },
    verdict: 'KEY_FORMAT_UNSUPPORTED',
    verify(r) {
      assert.match(r.verdict.summary, /random-identity/);
      assert.match(r.verdict.summary, /not a private key/);
      assert.equal(evidenceField(check(r, 'login'), 'keyErrorKind'), 'not-a-key');
      assert.match(String(evidenceField(check(r, 'login'), 'keyFile')), /random-identity$/);
      assert.ok(r.verdict.remediation.some((s) => s.command?.startsWith('ssh-keygen -y -f ')));
    },
  },
  {
    id: 'auth-method-unavailable',
    title: 'password auth disabled, password given',
    host: { sshd: { passwordAuthentication: false } },
    run: (h, lab) => ({
      target: labTarget(h.ipv4, { user: lab.user, knownHostsPath: lab.writeKnownHosts([h.knownHostsLine]) }),
      credentials: { password: lab.password },
    }),
    verdict: 'AUTH_METHOD_UNAVAILABLE',
    verify(r) {
      const auth = evidenceText(r, 'auth');
      assert.match(auth, /publickey/);
      assert.doesNotMatch(auth, /"password"/);
    },
  },
  {
    id: 'rdp-ok',
    title: 'xrdp on 3389',
    host: { xrdp: { port: 3389 } },
    run: (h) => ({ target: labTarget(h.ipv4, { port: 3389, protocol: 'rdp', altPorts: [] }) }),
    verdict: 'OK',
    rdp: true,
    verify(r) {
      expectOutcome(r, 'rdp', 'rdp');
    },
  },
  {
    id: 'not-rdp',
    title: 'RDP target pointed at sshd',
    host: { sshd: { ports: [3389] } },
    run: (h) => ({ target: labTarget(h.ipv4, { port: 3389, protocol: 'rdp', altPorts: [] }) }),
    verdict: 'NOT_RDP',
    verify(r) {
      expectOutcome(r, 'rdp', 'not-rdp');
    },
  },
];

/** Assert the verdict, the findings and the scenario's evidence; the message carries the report. */
export function verifyScenario(s: Scenario, r: Report, h: LabHost, lab: Lab): void {
  const brief = () => `\nreport: ${JSON.stringify({ verdict: r.verdict.code, findings: r.findings.map((f) => f.code), checks: r.checks }, null, 1)}\nhost log:\n${h.log()}`;
  assert.equal(r.verdict.code, s.verdict, `verdict for ${s.id}${brief()}`);
  for (const f of s.findings ?? []) {
    assert.ok(r.findings.some((x) => x.code === f), `finding ${f} missing for ${s.id}${brief()}`);
  }
  try {
    s.verify?.(r, h, lab);
  } catch (e) {
    (e as Error).message += brief();
    throw e;
  }
}

/** Build one host per scenario, a few at a time (each is a handful of `ip` calls and a server
 *  start). A host that fails to build is kept as its Error so only its own scenario fails. */
export async function buildScenarioHosts(lab: Lab, scenarios: Scenario[], concurrency = 6): Promise<Map<string, LabHost | Error>> {
  const hosts = new Map<string, LabHost | Error>();
  const queue = [...scenarios];
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let s = queue.shift(); s; s = queue.shift()) {
      hosts.set(s.id, await lab.addHost({ label: s.id, ...s.host }).catch((e: Error) => e));
    }
  }));
  return hosts;
}
