/** Builders of evidence for the classifier table tests: each says what a probe observed. */
import type {
  AltPortResult, BannerResult, CloudEvidence, DnsResult, IcmpResult, ReadinessEvidence, ReadinessOutput, SshResult, Target, TcpResult,
} from '../../../src/core/model';
import type { ClassifyInput } from '../../../src/core/classify';

export const target = (over: Partial<Target> = {}): Target => ({
  host: 'cvm.example.com', port: 22, protocol: 'ssh', user: 'root', altPorts: [2222], timeoutMs: 2000, icmp: true, ...over,
});
export const dnsOk: DnsResult = { ok: true, literal: false, addresses: [{ address: '203.0.113.10', family: 4 }], durationMs: 3 };
export const dnsFail: DnsResult = { ok: false, literal: false, addresses: [], errorCode: 'ENOTFOUND', durationMs: 3 };
export const ping = (outcome: IcmpResult['outcome'], rttMs?: number): IcmpResult => ({ outcome, method: 'raw-socket', address: '203.0.113.10', rttMs, durationMs: rttMs ?? 2000 });
export const tcp = (outcome: TcpResult['outcome'], errorCode?: string, port = 22): TcpResult => ({ outcome, address: '203.0.113.10', port, errorCode, deadlineMs: 2000, durationMs: 5 });
export const banner = (outcome: BannerResult['outcome'], line?: string): BannerResult => ({ outcome, line, softwareVersion: 'OpenSSH_9.2', durationMs: 2 });
export const alt = (port: number, tcpOutcome: TcpResult['outcome'], protocol?: AltPortResult['protocol']): AltPortResult => ({ port, tcp: tcp(tcpOutcome, undefined, port), protocol });
export const ssh = (over: Partial<SshResult> = {}): SshResult => ({
  handshake: 'ok',
  algorithms: { kex: 'curve25519-sha256', serverHostKey: 'ssh-ed25519', cipher: 'chacha20-poly1305@openssh.com', mac: '', compress: 'none' },
  hostKey: { type: 'ssh-ed25519', fingerprint: 'SHA256:new', status: 'match', knownHostsPath: '/k', knownEntries: [] },
  authMethods: ['publickey', 'password'],
  login: { outcome: 'not-attempted', tried: [] },
  durationMs: 40,
  ...over,
});
export const cloud = (over: Partial<CloudEvidence> = {}, inst: Partial<NonNullable<CloudEvidence['instance']>> = {}): CloudEvidence => ({
  instanceId: 'ins-abc12345', region: 'ap-seoul',
  instance: { state: 'RUNNING', restrictState: 'NORMAL', publicIps: ['203.0.113.10'], privateIps: ['10.0.0.5'], securityGroupIds: ['sg-1'], ...inst },
  errors: [], durationMs: 50, ...over,
});

/** A healthy SSH evidence set, to be broken one layer at a time. */
export function healthy(over: Partial<ClassifyInput> = {}): ClassifyInput {
  return { target: target(), dns: dnsOk, icmp: ping('reply', 1), tcp: tcp('connected'), banner: banner('ssh', 'SSH-2.0-OpenSSH_9.2'), ssh: ssh(), ...over };
}

const out = (stdout: string): ReadinessOutput => ({ code: 0, stdout, stderr: '', durationMs: 5 });
/** A logged-in session whose VS Code readiness checks ran on a healthy Debian 12 (the real
 *  outputs of probes/readiness.ts's commands), with some outputs replaced. */
export function loggedInWithReadiness(over: Partial<ReadinessEvidence['outputs']> = {}, forwarding?: ReadinessEvidence['forwarding']): SshResult {
  const v = ['GLIBCXX_3.4', ...Array.from({ length: 30 }, (_, i) => `GLIBCXX_3.4.${i + 1}`)].sort().join('\n');
  const df = 'Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/vda1 51473868 8012340 41248236 17% /\n/dev/vda1 51473868 8012340 41248236 17% /\n';
  const di = 'Filesystem Inodes IUsed IFree IUse% Mounted on\n/dev/vda1 3276800 182044 3094756 6% /\n/dev/vda1 3276800 182044 3094756 6% /\n';
  return ssh({
    login: { outcome: 'ok', tried: ['publickey'], method: 'publickey' },
    readiness: {
      outputs: {
        system: out('Linux\n6.1.0-26-amd64\nx86_64\nSSH_CONNECTION=203.0.113.9 50022 10.0.0.4 22\n'),
        libc: out('ldd (Debian GLIBC 2.36-9+deb12u14) 2.36\nCopyright (C) 2022 Free Software Foundation, Inc.\nglibc 2.36\n'),
        libstdcxx: out(`path /lib/x86_64-linux-gnu/libstdc++.so.6\n${v}\n`),
        tools: out('tar=/usr/bin/tar\ncurl=/usr/bin/curl\nwget=/usr/bin/wget\n'),
        disk: out(`HOME=/home/debian\n${df}---\n${di}---\nhome-writable\ntmp-writable\n`),
        mounts: out('/dev/vda1 / ext4 rw,relatime 0 0\n'),
        download: out('curl 200\nexit=0\n'),
        ...over,
      },
      forwarding: forwarding ?? { outcome: 'open', host: '127.0.0.1', port: 22, durationMs: 2 },
      downloadUrl: 'https://update.code.visualstudio.com/latest/server-linux-x64/stable',
      durationMs: 30,
    },
  });
}
