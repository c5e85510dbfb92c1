/**
 * The diagnosis data model: what a target is, what each probe observed, and the report the
 * engine returns. Pure types (no I/O, no `vscode`) shared by the CLI, the extension and tests.
 * The JSON shape of `Report` is a public contract (DESIGN.md "CLI contract"): change it only by
 * bumping `SCHEMA_VERSION`.
 */

import type { LocalEvidence, SecondOpinion } from './localModel';
import type { ClientSynRun, GuestReach } from './clientNet';
import type { PathTrace } from './trace';

export const SCHEMA_VERSION = 1;

export type Protocol = 'ssh' | 'rdp';
export type Lang = 'en' | 'ko';

/** Credentials for an optional login. Never serialised into a report or a log. */
export interface Credentials {
  /** Path to a private key file (OpenSSH or PEM). */
  identityFile?: string;
  /** The private key's contents, when already read (the extension reads it once). */
  privateKey?: Buffer | string;
  passphrase?: string;
  password?: string;
  /** Path of an ssh-agent socket (SSH_AUTH_SOCK) to try. */
  agent?: string;
  /** More identity files to offer after `identityFile` (from the ssh config, in its order);
   *  only the OpenSSH second opinion offers them. */
  extraIdentityFiles?: string[];
}

export interface Target {
  /** Host name, IPv4 or IPv6 literal (no brackets). */
  host: string;
  port: number;
  protocol: Protocol;
  user?: string;
  /** known_hosts file checked for the host key; undefined = ~/.ssh/known_hosts. */
  knownHostsPath?: string;
  /** OpenSSH's StrictHostKeyChecking=accept-new: an unknown host key is written to the
   *  known_hosts file and the login goes on; a changed or revoked key never is. */
  acceptNewHostKey?: boolean;
  /** Ports tried when the main port fails, to find a server that moved. */
  altPorts: number[];
  /** Upper bound of each probe, in milliseconds. */
  timeoutMs: number;
  /** Whether to send an ICMP echo at all. */
  icmp: boolean;
  /** Optional label (a saved instance's name). */
  name?: string;
  /** Tencent Cloud instance, when the cloud view is wanted. */
  cloud?: { instanceId: string; region: string };
  /** `--check-vscode-server`: after a successful login, read-only checks that VS Code's
   *  Remote-SSH server can install and run there (core/readiness.ts). */
  vscodeServer?: {
    downloadUrl: string;
    /** The extension runs the checks after every login: without one, the section is left out
     *  instead of saying "not checked" (the CLI's explicit flag always answers). */
    quietWithoutLogin?: boolean;
  };
  /** The Local layer (ssh -G): `file` is `--ssh-config FILE` (ssh -F); `userGiven` /
   *  `portGiven` say the user typed them (else the ssh config's values are used, as `ssh
   *  alias` would). Absent: the target is used as typed. */
  sshConfig?: { file?: string; userGiven: boolean; portGiven: boolean; /** `--jump` was given (also `none`): the config's ProxyJump is not followed. */ jumpGiven?: boolean };
  /** Bastions to go through, in order (OpenSSH ProxyJump / `ssh -J`; core/jump.ts). The
   *  target itself is the last hop; absent or empty = a direct connection. */
  jump?: JumpHop[];
  /** The user's ssh_config reaches this host through a ProxyCommand that is not a plain jump:
   *  never run, so the diagnosis connects directly and says so (a finding). */
  proxyCommand?: string;
}

/** One bastion of a jump chain: reached through the hops before it, authenticated as any
 *  target is (its own identity file and known_hosts when the user's ssh_config says so). */
export interface JumpHop {
  host: string;
  port: number;
  user?: string;
  identityFile?: string;
  knownHostsPath?: string;
  /** The alias or saved instance it came from, for display. */
  name?: string;
  /** Its Tencent Cloud instance, when known (its own cloud view; its private address is the
   *  source the next hop's security groups see). */
  cloud?: { instanceId: string; region: string };
}

/** Where an SSH or RDP server is often moved to: tried when the main port fails. The
 *  manifest's defaults for cvmDoctor.alternativePorts / rdpAlternativePorts repeat these
 *  (a manifest is static JSON); a unit test keeps them equal. */
export const DEFAULT_ALT_PORTS: Readonly<Record<Protocol, readonly number[]>> = {
  ssh: [2222, 22222, 10022, 36000],
  rdp: [3390, 3391, 13389, 33890],
};
export const DEFAULT_TIMEOUT_MS = 5000;
export const DEFAULT_PORT: Record<Protocol, number> = { ssh: 22, rdp: 3389 };
/** The user an SSH login is tried as when the target names none. */
export const DEFAULT_SSH_USER = 'root';

// ---------------------------------------------------------------------------------------------
// Probe results. Every probe resolves with one of these (it never rejects, except with a
// CancelledError when its AbortSignal fired for a reason other than a deadline).

export interface DnsResult {
  ok: boolean;
  /** All addresses, in the resolver's order. */
  addresses: Array<{ address: string; family: 4 | 6 }>;
  /** true when the host was already an IP literal (no lookup was made). */
  literal: boolean;
  /** e.g. ENOTFOUND, EAI_AGAIN, ETIMEOUT. */
  errorCode?: string;
  durationMs: number;
}

export type IcmpOutcome = 'reply' | 'timeout' | 'unreachable' | 'prohibited' | 'unavailable' | 'error';
export interface IcmpResult {
  outcome: IcmpOutcome;
  /** Which implementation ran: the raw-socket addon, the system `ping`, or none. */
  method: 'raw-socket' | 'system-ping' | 'none';
  address: string;
  rttMs?: number;
  /** Who sent the ICMP error (unreachable/prohibited), when known: the target itself (a
   *  firewall rule on the host, so the host is up) or a router on the way. */
  from?: string;
  /** Free text: the ICMP error, why raw sockets were unavailable, ping's stderr. */
  detail?: string;
  /** Why the ping could not be sent or failed, by kind (`detail` keeps the English as evidence). */
  problem?: IcmpProblem;
  /** The system ping ran because raw sockets could not be used: why, by kind. */
  rawProblem?: IcmpProblem;
  /** The ICMP error a raw socket received for the echo: its type, its code and sender when
   *  known (for the report's text; `from` above keeps its meaning for the classifier). */
  icmpError?: { type: number; code?: number; from?: string };
  /** The system ping's own line behind the outcome (the OS's text, maybe localised: quote it). */
  pingOutput?: string;
  durationMs: number;
}

/**
 * Why no echo could be sent, or why raw sockets were not used (model of `IcmpResult.detail`).
 * not-an-ip: the address is not an IP literal. disabled: CVM_DOCTOR_ICMP=off. addon-unloadable:
 * the raw-socket addon (net-ping) could not be loaded. no-session-id: every ICMP identifier is in
 * use by concurrent pings. raw-socket-denied: no raw socket could be opened (root or CAP_NET_RAW
 * needed). socket-error: the raw socket failed while pinging. ping-not-run: the system ping
 * could not be started (`code` ENOENT, EACCES). ping-exit: it ended with an error and said
 * nothing (`code`: its exit status or signal).
 */
export type IcmpProblemKind =
  | 'not-an-ip' | 'disabled' | 'addon-unloadable' | 'no-session-id' | 'raw-socket-denied' | 'socket-error' | 'ping-not-run' | 'ping-exit';
export interface IcmpProblem {
  kind: IcmpProblemKind;
  /** The library's or the system's own message (remote text: quote it). */
  message?: string;
  /** ping-not-run, ping-exit: the error code, exit status or signal. */
  code?: string;
}

/** An ICMP error about one of our SYNs, as a raw socket saw it (kind: see core/icmp.ts). */
export interface TcpIcmpError {
  from: string;
  type: number;
  code: number;
  kind: 'unreachable' | 'prohibited' | 'port-unreachable' | 'other';
}

/**
 * connected: SYN-ACK. refused: RST (or ICMP port-unreachable, which Linux maps to the same).
 * timeout: no answer before the deadline. unreachable: EHOSTUNREACH/ENETUNREACH (ICMP host or
 * network unreachable, or administratively prohibited). error: anything else (errorCode says).
 */
export type TcpOutcome = 'connected' | 'refused' | 'timeout' | 'unreachable' | 'error';
export interface TcpResult {
  outcome: TcpOutcome;
  address: string;
  port: number;
  errorCode?: string;
  /** The deadline that applied (may be shorter than the timeout when adapted to the RTT). */
  deadlineMs: number;
  /** Why the deadline was what it was, e.g. "adapted to ICMP RTT 0.1 ms". */
  deadlineReason?: string;
  /** From the first attempt's start to the answer (or to the deadline). */
  durationMs: number;
  /** Connection attempts the engine started (core/deadline.ts); absent for a single connect. */
  attempts?: number;
  /** Which attempt answered (1 = the first), when one did. */
  answeredAttempt?: number;
  /** The answering attempt's own connect time: one round trip. */
  connectMs?: number;
  /** The round trip the attempts were spaced by, when one was measured. */
  planRttMs?: number;
  /** The ICMP error behind an unreachable/refused outcome, when a raw socket could read it. */
  icmp?: TcpIcmpError;
  /** Set when the connection was asked of a bastion (a `direct-tcpip` channel, ssh2
   *  `forwardOut`) instead of made from here: what the bastion answered. */
  forward?: ForwardAnswer;
}

/**
 * A bastion's answer to a `direct-tcpip` request, by kind: opened; refused, unreachable or
 * timed out as the bastion's own connect saw it (SSH_OPEN_CONNECT_FAILED and its text); no
 * answer from the bastion within our deadline (timeout, `message` absent); the name does not
 * resolve there (name); forwarding refused by the bastion's sshd
 * (SSH_OPEN_ADMINISTRATIVELY_PROHIBITED: AllowTcpForwarding, PermitOpen); anything else.
 */
export type ForwardKind = 'opened' | 'refused' | 'unreachable' | 'timeout' | 'name' | 'prohibited' | 'error';
export interface ForwardAnswer {
  kind: ForwardKind;
  /** The bastion that was asked (host as the user gave it). */
  via: string;
  /** SSH_MSG_CHANNEL_OPEN_FAILURE reason code, when one came. */
  reason?: number;
  /** The bastion's own description (remote text: quote it). */
  message?: string;
}

export type BannerOutcome = 'ssh' | 'other' | 'timeout' | 'closed' | 'error';
export interface BannerResult {
  outcome: BannerOutcome;
  /** The identification line (or the first bytes of another protocol), as received: hostile
   *  input — renderers must escape it. Truncated to 255 characters, control chars kept. */
  line?: string;
  /** Lines the server sent before its SSH- line (RFC 4253 §4.2 allows them). */
  preamble?: string[];
  protoVersion?: string;
  softwareVersion?: string;
  errorCode?: string;
  durationMs: number;
}

export interface NegotiatedAlgorithms {
  kex: string;
  serverHostKey: string;
  cipher: string;
  mac: string;
  compress: string;
}

export type KnownHostsStatus = 'match' | 'mismatch' | 'unknown' | 'revoked' | 'unreadable';
export interface HostKeyInfo {
  type: string;
  /** OpenSSH style, e.g. "SHA256:abc…" (base64 without padding). */
  fingerprint: string;
  /** The public key blob, base64 (what "Trust this key" writes to known_hosts). */
  key?: string;
  status: KnownHostsStatus;
  knownHostsPath: string;
  /** Fingerprints and line numbers of the known_hosts entries for this host (any type). */
  knownEntries: Array<{ line: number; type: string; fingerprint: string }>;
  /** Why the file could not be read (status `unreadable`), e.g. EACCES, ETIMEDOUT. */
  readError?: string;
  /** The unknown key was written to `knownHostsPath` (accept-new); status stays `unknown`. */
  added?: boolean;
  /** Why accept-new could not write it. */
  addError?: string;
}

/** The algorithm categories a key exchange must agree on (RFC 4253 §7.1). */
export type AlgorithmCategory = 'kex' | 'serverHostKey' | 'cipher' | 'mac';

/** What the server's KEXINIT offers (client-to-server lists; markers such as
 *  `ext-info-s` and `kex-strict-s-v00@openssh.com` removed). Hostile input: escape to show. */
export interface ServerAlgorithms { kex: string[]; serverHostKey: string[]; cipher: string[]; mac: string[] }

/** Whether each client on this machine can agree with the server, as it is configured by default. */
export interface NegotiationEvidence {
  /** CVM Doctor's own SSH library: the categories with nothing in common (empty = it agrees). */
  ssh2: { missing: AlgorithmCategory[] };
  /** The system OpenSSH client with its default settings (`ssh -G`), when it is installed. */
  openssh?: {
    version: string;
    missing: AlgorithmCategory[];
    /** Per missing category, an algorithm the server offers that this OpenSSH supports
     *  (`ssh -Q`) but does not enable by default: what `-o X=+alg` would add. */
    enable: Partial<Record<AlgorithmCategory, string>>;
    /** Enabling those makes OpenSSH agree on every category. */
    enableSuffices: boolean;
  };
  /** Why OpenSSH could not be asked (not installed, timed out). */
  opensshUnavailable?: string;
  /** `opensshUnavailable` by kind, for the report's text (the string stays as evidence). */
  opensshProblem?: { kind: OpenSshProblemKind; executable: string };
  /** Every algorithm the server offers in the categories no client agrees on is legacy. */
  legacyOnly: boolean;
}

/** Why the system OpenSSH could not be asked: turned off (CVM_DOCTOR_OPENSSH=off), not
 *  installed, too slow to answer, not OpenSSH, or no algorithm lists from `ssh -G`. */
export type OpenSshProblemKind = 'disabled' | 'not-found' | 'timeout' | 'not-openssh' | 'no-lists';

export type HandshakeOutcome = 'ok' | 'kex-failed' | 'hostkey-mismatch' | 'closed' | 'timeout' | 'error';
export type LoginMethod = 'publickey' | 'agent' | 'password' | 'keyboard-interactive' | 'none';
/** `timeout`: the server stopped answering during authentication. `key-unusable`: the
 *  identity file is not a usable private key and nothing else was tried. */
export type KeyErrorKind = 'unreadable' | 'not-a-key' | 'public-key' | 'encrypted' | 'bad-passphrase';
export type LoginOutcome = 'ok' | 'rejected' | 'method-unavailable' | 'not-attempted' | 'timeout' | 'key-unusable' | 'error';
/**
 * `login.reason` by kind (the English `reason` stays as evidence for logs and JSON).
 * no-credentials, none-accepted ('none' lets the user in), password-withheld (host key not
 * confirmed), not-tested (see `untested`), key-unusable (see `keyErrorKind`),
 * unused-credentials (several of those at once), method-unavailable (`authMethods` vs
 * `planned`), handshake-failed, closed-before-handshake, host-key-mismatch, host-key-revoked,
 * auth-timeout (the server stopped answering), deadline (the engine's deadline came first),
 * closed-during-auth, ssh2-error / openssh-error (the client's own message in `reasonDetail`).
 */
export type LoginReasonKind =
  | 'no-credentials' | 'none-accepted' | 'password-withheld' | 'not-tested' | 'key-unusable' | 'unused-credentials'
  | 'method-unavailable' | 'handshake-failed' | 'closed-before-handshake' | 'host-key-mismatch' | 'host-key-revoked'
  | 'auth-timeout' | 'deadline' | 'closed-during-auth' | 'ssh2-error' | 'openssh-error';
/** A credential no client here could test: the ssh-agent (no answer in time, the diagnosis
 *  ended first, or an error), a password or an encrypted key only OpenSSH could have used
 *  (see `cause`), or a password the server wanted more than (extra-prompt: it also asked for
 *  something CVM Doctor never answers, such as a one-time code). */
export type UntestedKind = 'agent-timeout' | 'agent-stopped' | 'agent-error' | 'password-openssh' | 'encrypted-key-openssh' | 'extra-prompt';
/** Why OpenSSH could not be given the password or passphrase: CVM Doctor's askpass helper is
 *  a POSIX script (windows), this OpenSSH predates SSH_ASKPASS_REQUIRE (openssh-old: before
 *  8.4, see `version`), or ssh could not run the helper (askpass-failed, see `detail`). */
export type UntestedCause = 'windows' | 'openssh-old' | 'askpass-failed';
export interface UntestedCredential {
  kind: UntestedKind;
  /** agent-timeout: how long ssh-agent was waited for. */
  timeoutMs?: number;
  /** agent-error: ssh-agent's or the library's own message (remote text). */
  message?: string;
  /** encrypted-key-openssh: the identity file. */
  path?: string;
  /** password-openssh / encrypted-key-openssh: why OpenSSH could not be given the secret
   *  (absent in reports from before it could be). */
  cause?: UntestedCause;
  /** cause openssh-old: the version, e.g. "OpenSSH_8.2p1". */
  version?: string;
  /** cause askpass-failed: ssh's own message (library text). */
  detail?: string;
}

export interface SshResult {
  handshake: HandshakeOutcome;
  /** Which client completed the handshake: ssh2, or the system OpenSSH when ssh2 cannot
   *  negotiate with this server but OpenSSH can. */
  client?: 'ssh2' | 'openssh';
  algorithms?: NegotiatedAlgorithms;
  /** What the server offered in its KEXINIT, when it was read. */
  serverAlgorithms?: ServerAlgorithms;
  /** Which clients here can agree with the server; set when ssh2 could not. */
  negotiation?: NegotiationEvidence;
  /** Where a `timeout` happened: before the server's KEXINIT, during the key exchange after
   *  it, or (handshake `ok`) during authentication. */
  stall?: 'kexinit' | 'kex' | 'auth';
  hostKey?: HostKeyInfo;
  /** Methods the server offers after `none` (e.g. ["publickey","password"]). */
  authMethods?: string[];
  login: {
    outcome: LoginOutcome;
    /** Methods tried, in order. */
    tried: LoginMethod[];
    /** Methods the credentials allowed, in the order they would be tried. */
    planned?: LoginMethod[];
    /** The method that succeeded, if any. */
    method?: LoginMethod;
    /** Why no login was attempted (no credentials, unknown host key for a password…). */
    reason?: string;
    reasonKind?: LoginReasonKind;
    /** ssh2-error / openssh-error: the client's own message (remote text: quote it). */
    reasonDetail?: string;
    /** A password was given but not sent: the host key is not confirmed by known_hosts. */
    passwordWithheld?: boolean;
    /** Why the identity file could not be used (not a key, encrypted, unreadable). */
    keyError?: string;
    keyErrorKind?: KeyErrorKind;
    /** The identity file `keyError` names (absent for a key given only as contents). */
    keyFile?: string;
    /** keyErrorKind unreadable: the error code (ENOENT, EACCES, EFBIG, ETIMEDOUT…). */
    keyErrorCode?: string;
    /** keyErrorKind not-a-key: the key parser's own message (library text). */
    keyErrorMessage?: string;
    /** Credentials given that no client here could test (e.g. a password when only OpenSSH,
     *  which takes none in batch mode, can negotiate with the server). */
    notTested?: string;
    /** `notTested` item by item, by kind. */
    untested?: UntestedCredential[];
    /** ssh-agent keys offered out of those it holds (offers are bounded: MaxAuthTries). */
    agentKeys?: { offered: number; available: number };
    /** Keyboard-interactive prompts the server sent (hostile text). */
    prompts?: string[];
  };
  /** ssh2 error level and message when something failed. */
  error?: { level?: string; code?: string; message: string };
  /** VS Code readiness, read over the login session when it was asked for. */
  readiness?: ReadinessEvidence;
  durationMs: number;
}

/** The fixed read-only commands of the VS Code readiness checks (probes/readiness.ts). */
export type ReadinessCommand = 'system' | 'libc' | 'libstdcxx' | 'tools' | 'disk' | 'mounts' | 'download' | 'forwardingConfig';
export interface ReadinessOutput {
  /** Exit status; null when it ended by a signal or never reported one. */
  code: number | null;
  /** Remote text (hostile input: escape to show), bounded. */
  stdout: string;
  stderr: string;
  /** Its own timeout came first. */
  timedOut?: boolean;
  /** The channel could not be opened or broke (library text). */
  error?: string;
  durationMs: number;
}
/** A `direct-tcpip` channel through the login session to the sshd's own port. open: sshd
 *  connected it; refused: sshd tried (forwarding allowed) but nothing answered; prohibited:
 *  sshd refused to forward (SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, `AllowTcpForwarding no`). */
export interface ForwardingProbe {
  outcome: 'open' | 'refused' | 'prohibited' | 'timeout' | 'error';
  host: string;
  port: number;
  /** The channel-open failure's reason code (RFC 4254 §5.1). */
  reason?: number;
  message?: string;
  durationMs: number;
}
export interface ReadinessEvidence {
  /** Why nothing was run: no login succeeded, or only the system OpenSSH could log in (its
   *  session is not one CVM Doctor can run commands over). */
  skipped?: 'no-login' | 'openssh';
  outputs: Partial<Record<ReadinessCommand, ReadinessOutput>>;
  forwarding?: ForwardingProbe;
  /** The URL the instance was asked to fetch (HEAD). */
  downloadUrl?: string;
  durationMs: number;
}

export type RdpOutcome = 'rdp' | 'not-rdp' | 'timeout' | 'closed' | 'error';
export interface RdpResult {
  outcome: RdpOutcome;
  /** Negotiated security protocol from RDP_NEG_RSP. */
  selectedProtocol?: 'rdp' | 'tls' | 'hybrid' | 'rdstls' | 'hybrid-ex' | 'unknown';
  /** RDP_NEG_FAILURE code name, e.g. SSL_REQUIRED_BY_SERVER. */
  failure?: string;
  /** Hex of the first bytes when the answer is not RDP (hostile input). */
  firstBytes?: string;
  /** The socket's error code, for outcome `error` (ETIMEDOUT, EHOSTUNREACH…). */
  errorCode?: string;
  durationMs: number;
}

export interface AltPortResult {
  port: number;
  tcp: TcpResult;
  /** What answered, when the port was open. */
  protocol?: 'ssh' | 'rdp' | 'other' | 'silent';
  /** The SSH identification line (hostile input). */
  banner?: string;
}

// ---------------------------------------------------------------------------------------------
// Cloud evidence (Tencent Cloud). Filled by src/cloud when the target names an instance.

/**
 * One guest firewall's answer for the port. rule: one of its rules decides (`rule`, the
 * firewall's own line); jump: a rule jumps to a chain that was not followed (`rule`); policy: no
 * rule decides and the input `policy` does; ufw-default: ufw is active and no rule allows the
 * port from everyone; firewalld: firewalld runs and its `ports` and `services` do (`blocks`
 * false) or do not allow the port. With `onlyFrom` the port is accepted from those sources only
 * and the decision holds for the rest; `callerOutside` is the caller's address outside them.
 */
export interface FirewallDecision {
  firewall: 'iptables' | 'nft' | 'firewalld' | 'ufw';
  kind: 'rule' | 'jump' | 'policy' | 'ufw-default' | 'firewalld';
  blocks: boolean;
  rule?: string;
  policy?: string;
  ports?: string[];
  services?: string[];
  onlyFrom?: string[];
  callerOutside?: string;
}

/** Why in-guest checks could not (fully) run. */
export type GuestErrorKind = 'no-agent' | 'agent-offline' | 'not-delivered' | 'unsupported-os' | 'no-invocation' | 'incomplete' | 'no-result';
export type CloudErrorKind = 'auth' | 'unauthorized' | 'throttled' | 'not-found' | 'network' | 'other';
export interface CloudError { kind: CloudErrorKind; code?: string; message: string; action?: string }

export interface SecurityGroupRuleRef {
  securityGroupId: string;
  policyIndex: number;
  action: 'ACCEPT' | 'DROP';
  protocol: string;
  port: string;
  source: string;
  description?: string;
}

/** One rule of a Lighthouse instance's firewall, as the report names it (`index`: its place in
 *  DescribeFirewallRules' list, 0 = evaluated first). */
export interface FirewallRuleRef {
  index: number;
  action: 'ACCEPT' | 'DROP';
  protocol: string;
  port: string;
  source: string;
  description?: string;
}

export interface CloudEvidence {
  instanceId: string;
  region: string;
  instance?: {
    /** 'lighthouse' for a Tencent Lighthouse instance (lhins-…); absent for CVM. */
    product?: 'lighthouse';
    name?: string;
    state: string;            // RUNNING, STOPPED, …
    restrictState?: string;   // NORMAL, EXPIRED, PROTECTIVELY_ISOLATED
    publicIps: string[];
    privateIps: string[];
    /** The instance's IPv6 addresses (IPv6Addresses). */
    ipv6Ips?: string[];
    osName?: string;
    securityGroupIds: string[];
    vpcId?: string;
    subnetId?: string;
    /** Lighthouse: a traffic package whose unpaid overflow cut the instance's network
     *  (DescribeInstancesTrafficPackages Status OVERDUE_NETWORK_DISABLED). */
    trafficPackage?: { id?: string; status: string };
    /** The public bandwidth cap in Mbps (CVM InternetAccessible.InternetMaxBandwidthOut;
     *  Lighthouse InternetAccessible too). */
    bandwidthOutMbps?: number;
  };
  /** Cloud Monitor over the last minutes (cloud/monitor.ts): read-only, part of the inspection. */
  monitor?: MonitorEvidence;
  /** Caller address used for evaluation; undefined means "any source". */
  callerIp?: string;
  /** The caller's configured or detected address when it was set aside because its family
   *  differs from the probed address's (an IPv6 caller cannot be the source of IPv4 packets). */
  callerIpOtherFamily?: string;
  securityGroups?: {
    verdict: 'allow' | 'deny';
    /** The rule that decided; undefined when no rule matched (implicit deny). */
    decidingRule?: SecurityGroupRuleRef;
    evaluatedFor: string;  // "203.0.113.5" or "any source"
    /** With the caller unknown: the sources for which the outcome is the opposite of
     *  `verdict` ("blocks unless your address is in …"). Absent when it holds for everyone. */
    exceptFor?: string[];
  };
  /** Lighthouse: the instance's own firewall, evaluated as securityGroups are. */
  firewall?: {
    verdict: 'allow' | 'deny';
    /** The rule that decided; undefined when no rule matched (a firewall drops what no rule accepts). */
    decidingRule?: FirewallRuleRef;
    evaluatedFor: string;
    exceptFor?: string[];
  };
  networkAcl?: {
    verdict: 'allow' | 'deny' | 'none';
    aclId?: string;
    decidingRule?: { direction: 'ingress' | 'egress'; index: number; action: string; protocol: string; port: string; cidr: string; description?: string };
    /** As for securityGroups: the sources for which the outcome may differ. */
    exceptFor?: string[];
  };
  guest?: {
    agentOnline: boolean;
    serviceActive?: boolean;
    listeningPorts?: number[];
    configPorts?: number[];
    /** `sshd -t`. `stopped`: its only complaint was the missing privilege-separation
     *  directory (/run/sshd exists only while ssh runs on Debian/Ubuntu): every check before
     *  that one passed, so the configuration is valid and the service is stopped. */
    configTest?: { ok: boolean; output: string; stopped?: boolean };
    /** /etc/os-release of the guest. */
    os?: { id?: string; idLike?: string[]; versionId?: string; prettyName?: string };
    /** systemd's ssh.socket (socket activation): whether it is active and the ports it holds. */
    sshSocket?: { active: boolean; ports: number[] };
    firewallBlocks?: boolean;
    firewallDetail?: string;
    /** `firewallDetail` firewall by firewall, by kind, for the report's text. */
    firewallDecisions?: FirewallDecision[];
    /** The firewall accepts the port only from these sources (and drops or rejects the rest). */
    firewallAllowsOnly?: string[];
    hostKeyFingerprints?: Array<{ type: string; fingerprint: string }>;
    /** Load, memory, OOM kills, filesystems and top processes (cloud/guestScriptHealth.ts). */
    health?: GuestHealth;
    /** The guest's own connects to the port and its watch for the caller's SYNs (clientNet.ts). */
    reach?: GuestReach;
    /** Why the checks did not (fully) run; `error` keeps the details in English for the log. */
    errorKind?: GuestErrorKind;
    /** The automation's own status word for `errorKind` 'incomplete' (e.g. FAILED, TIMEOUT). */
    errorStatus?: string;
    error?: string;
    /** `--trace`: the instance's trace back to the caller (cloud/guestTrace.ts). */
    traceBack?: PathTrace;
    /** `--trace`: the script's whole output (bounded), kept for the ticket pack. */
    output?: string;
  };
  errors: CloudError[];
  durationMs: number;
}

/** One process of the guest's top lists (`ps -eo pid,pcpu,pmem,rss,comm`). */
export interface GuestProcess { pid: number; cpuPct: number; memPct: number; rssKb: number; command: string }

/** A PSI line's averages (percent of wall time some/all tasks stalled). */
export interface PsiAverages { avg10: number; avg60: number; avg300: number }

/** What the in-guest health sections read; every field absent when it could not be read. */
export interface GuestHealth {
  /** /proc/loadavg (machine-wide run queue, including tasks in uninterruptible sleep). */
  load?: { one: number; five: number; fifteen: number };
  cpus?: number;
  /** /proc/pressure/* (kernel 4.20+ with PSI enabled). */
  psi?: Partial<Record<'cpu' | 'memory' | 'io', { some?: PsiAverages; full?: PsiAverages }>>;
  /** CPU steal over a one-second sample of /proc/stat, in percent. */
  stealPct?: number;
  uptimeSec?: number;
  memory?: { totalKb: number; availableKb: number; swapTotalKb: number; swapFreeKb: number };
  /** OOM kills in the kernel log; absent when no kernel log could be read. `atSec`: the
   *  kernel's monotonic timestamp (seconds since boot). */
  oomKills?: Array<{ pid: number; process: string; atSec?: number; cgroup?: boolean; line: string }>;
  /** `df -P` / `df -Pi` of /, /var, /home, /tmp (`path` is the argument). */
  disks?: Array<{ path: string; mount: string; filesystem: string; sizeKb: number; usedKb: number; availableKb: number; inodes?: { total: number; free: number }; readOnly?: boolean }>;
  top?: { byCpu: GuestProcess[]; byMemory: GuestProcess[] };
}

/** One Cloud Monitor metric over the window: its points' summary, or why none came. */
export interface MonitorMetric {
  metric: string;
  /** Number of data points (0: none reported, e.g. a metric that needs the agent). */
  points: number;
  max?: number;
  last?: number;
  /** Highest value of the last few points (core/health.ts RECENT_POINTS): what a failure now
   *  can be blamed on; a peak ten minutes ago explains nothing about this login. */
  recentMax?: number;
  /** Unit of the values as the metric defines it ('%', 'Mbps', 'count'). */
  unit: string;
}

export interface MonitorEvidence {
  namespace: 'QCE/CVM' | 'QCE/LIGHTHOUSE';
  /** Window, ISO 8601 (what the API answered, else what was asked). */
  startTime: string;
  endTime: string;
  periodSec: number;
  metrics: MonitorMetric[];
}

// ---------------------------------------------------------------------------------------------
// Everything observed in one run: the classifier's only input.

export interface Evidence {
  target: Target;
  dns?: DnsResult;
  icmp?: IcmpResult;
  tcp?: TcpResult;
  banner?: BannerResult;
  ssh?: SshResult;
  rdp?: RdpResult;
  altPorts?: AltPortResult[];
  /** Addresses of the name tried before `tcp.address` that did not connect (ssh falls back
   *  the same way), in the order tried. */
  earlierAddresses?: TcpResult[];
  cloud?: CloudEvidence;
  /** The user's own side (ssh config, keys, agent), observed before DNS. */
  local?: LocalEvidence;
  /** The system OpenSSH's own run after a verdict ssh2 may have caused. */
  secondOpinion?: SecondOpinion;
  /** Connect attempts kept up while the in-guest check watched for them (clientNet.ts). */
  clientSyns?: ClientSynRun;
  cancelled?: boolean;
}

export const VERDICT_CODES = [
  'OK',
  'DNS_FAILURE',
  'HOST_UNREACHABLE',
  'NO_RESPONSE',
  'PORT_FILTERED',
  'PORT_REJECTED',
  'PORT_CLOSED',
  'SERVICE_ON_OTHER_PORT',
  'NOT_SSH',
  'NOT_RDP',
  'BANNER_TIMEOUT',
  'CONNECTION_CLOSED',
  'KEX_FAILED',
  'HOST_KEY_MISMATCH',
  'AUTH_FAILED',
  'AUTH_METHOD_UNAVAILABLE',
  'HOST_KEY_UNKNOWN',
  'KEY_FORMAT_UNSUPPORTED',
  'INSTANCE_NOT_RUNNING',
  'INSTANCE_ISOLATED',
  'SECURITY_GROUP_BLOCKS',
  'NETWORK_ACL_BLOCKS',
  'INSTANCE_FIREWALL_BLOCKS',
  'SSHD_NOT_RUNNING',
  'GUEST_FIREWALL_BLOCKS',
  'REMOTE_SERVER_UNSUPPORTED',
  'DISK_FULL',
  'PORT_FORWARDING_DISABLED',
  'LOCAL_CONFIG_ERROR',
  'LOCAL_KEY_REFUSED',
  'JUMP_FORWARDING_DENIED',
  'INSTANCE_OVERLOADED',
  'CLIENT_NETWORK_BLOCKS',
] as const;
export type VerdictCode = (typeof VERDICT_CODES)[number];

export const FINDING_CODES = [
  'ICMP_BLOCKED',
  'ICMP_UNAVAILABLE',
  'HOST_KEY_UNKNOWN',
  'HOST_KEY_ADDED',
  'HOST_KEY_CONFIRMED',
  'HOST_KEY_CONFIRMED_CHANGED',
  'HOST_KEY_NOT_INSTANCE',
  'LOGIN_NOT_ATTEMPTED',
  'PASSWORD_NOT_SENT_UNKNOWN_HOST',
  'LOGIN_NOT_TESTED',
  'KEY_NOT_USABLE',
  'AGENT_KEYS_LIMITED',
  'DIAGNOSED_WITH_OPENSSH',
  'LEGACY_ALGORITHMS',
  'SLOW_BANNER',
  'MULTIPLE_ADDRESSES',
  'ADDRESS_FALLBACK',
  'NO_PUBLIC_IP',
  'ADDRESS_NOT_INSTANCE',
  'CLOUD_API_ERROR',
  'CALLER_IP_UNKNOWN',
  'SECURITY_GROUP_MAY_BLOCK',
  'NETWORK_ACL_MAY_BLOCK',
  'INSTANCE_FIREWALL_MAY_BLOCK',
  'TAT_AGENT_OFFLINE',
  'SSHD_CONFIG_INVALID',
  'RDP_NLA_REQUIRED',
  'REMOTE_DOWNLOAD_BLOCKED',
  'CANCELLED',
  'LOCAL_CONFIG_APPLIED',
  'LOCAL_KEY_PROBLEM',
  'AGENT_UNREACHABLE',
  'AGENT_KEYS_EXCEED_TRIES',
  'OPENSSH_SECOND_OPINION',
  'OPENSSH_LOGGED_IN',
  'JUMP_NOT_FOLLOWED',
  'JUMP_SOURCE_UNKNOWN',
  'JUMP_CONNECTION_LOST',
  'PROXY_COMMAND_NOT_FOLLOWED',
  'INSTANCE_OVERLOADED',
  'DISK_FULL',
  'RECENT_REBOOT',
  'MONITOR_NO_DATA',
  'RETURN_PATH_BLOCKED',
  'SYN_ARRIVAL_UNKNOWN',
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

export interface Finding {
  code: FindingCode;
  /** Localised one-liner. */
  message: string;
}

export interface RemediationStep {
  text: string;
  command?: string;
  doc?: string;
  /** An action the extension offers beside the step: 'vnc-console' for a step done through
   *  the console's VNC login (the extension's "Open VNC console"). */
  action?: 'vnc-console';
}

export type CheckId =
  | 'dns' | 'icmp' | 'tcp' | 'banner' | 'kex' | 'hostkey' | 'auth' | 'login' | 'rdp' | 'altports'
  | 'cloud.instance' | 'cloud.securityGroups' | 'cloud.firewall' | 'cloud.networkAcl' | 'cloud.guest' | 'cloud.guestReach' | 'cloud.health' | 'cloud.monitor'
  | 'local.config' | 'local.keys' | 'local.agent' | 'openssh'
  | 'path.out' | 'path.back'
  | `vscode.${ReadinessItemId}`;
/** The items of the "VS Code readiness" section (core/readiness.ts). */
export type ReadinessItemId = 'session' | 'platform' | 'glibc' | 'libstdcxx' | 'kernel' | 'tar' | 'disk' | 'fetcher' | 'download' | 'forwarding';
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

export interface Check {
  /** The layer, or `hop<N>.<layer>` in a diagnosis through a jump chain (core/jump.ts). */
  id: CheckId | `hop${number}.${CheckId}`;
  /** In a jump chain: the hop the check belongs to (1 = the first host). */
  hop?: number;
  status: CheckStatus;
  durationMs: number;
  /** Localised one-line summary; may quote remote strings (escape when rendering). */
  summary: string;
  evidence: Record<string, unknown>;
}

export interface Verdict {
  code: VerdictCode;
  title: string;
  summary: string;
  remediation: RemediationStep[];
  /** `false` when a login was asked for and none of it could be tested (only beside `OK`:
   *  every layer that was tested passed, but the login is unknown). Absent otherwise. */
  loginTested?: false;
  /** Through a jump chain: the hop the verdict is about (1 = the first host of the chain). */
  hop?: number;
}

/** Whether credentials for a login were given (a key, a password or an agent). */
export function hasCredentials(c?: Credentials): boolean {
  return !!c && !!(c.identityFile || c.privateKey || c.password || c.agent);
}

/** Whether a verdict is a success: `OK`, and the login asked for (if any) was tested. What
 *  the CLI's exit code and every "all good" mark follow. */
export function verdictPassed(v: Pick<Verdict, 'code' | 'loginTested'>): boolean {
  return v.code === 'OK' && v.loginTested !== false;
}

/** Target as it appears in a report: no credentials. */
export interface ReportTarget {
  host: string;
  port: number;
  protocol: Protocol;
  user?: string;
  name?: string;
  addresses: string[];
  cloud?: { instanceId: string; region: string };
  /** The bastions the target was reached through, in order (no credentials). */
  jump?: Array<{ host: string; port: number; user?: string; name?: string }>;
}

export interface Report {
  schemaVersion: number;
  target: ReportTarget;
  verdict: Verdict;
  findings: Finding[];
  checks: Check[];
  durationMs: number;
  /** ISO time the run started. */
  startedAt: string;
  lang: Lang;
  /** true when the run was cancelled before it finished (verdict reflects what was seen). */
  cancelled?: boolean;
}

// Cancellation lives in cancel.ts; these are part of the model's public surface too.
export { CancelledError, DeadlineReached, isCancelled } from './cancel';
