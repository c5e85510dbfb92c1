/** Builders of evidence for the classifier table tests: each says what a probe observed. */
import type {
  AltPortResult, BannerResult, CloudEvidence, DnsResult, IcmpResult, SshResult, Target, TcpResult,
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
