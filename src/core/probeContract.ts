/**
 * The probe set the engine runs. `src/probes` implements it with real I/O; the engine only
 * sees this interface, so it stays pure and tests can observe the order of calls.
 *
 * Contract for every method:
 * - resolve with a result object; never reject, except with `CancelledError` when `signal`
 *   fired with any reason other than a `DeadlineReached`;
 * - when `signal` fires with a `DeadlineReached` reason, stop at once and resolve as a
 *   timeout (the engine uses this to end a probe early: another connection attempt answered,
 *   a ping made moot by the port's answer);
 * - never take longer than `timeoutMs` (plus a few ms of teardown);
 * - never leave a socket, timer or child process behind.
 */
import type {
  BannerResult, CloudEvidence, Credentials, DnsResult, IcmpResult, Protocol,
  RdpResult, SshResult, Target, TcpResult,
} from './model';
import type { LocalEvidence, SecondOpinion } from './localModel';
import type { PathTrace } from './trace';

export interface ProbeOptions {
  timeoutMs: number;
  signal: AbortSignal;
  /** Trace lines for the log (never secrets). */
  log?: (line: string) => void;
}

/** An open TCP connection handed from `tcp()` to the protocol stage. Opaque to the engine. */
export interface OpenConnection {
  readonly address: string;
  readonly port: number;
  /** Destroy the socket; idempotent. */
  close(): void;
}

export interface SshContext {
  /** The name the user typed (known_hosts is looked up by it and by the address). */
  host: string;
  address: string;
  port: number;
  user: string;
  credentials?: Credentials;
  /** undefined = ~/.ssh/known_hosts */
  knownHostsPath?: string;
  /** accept-new: write an unknown host key to the known_hosts file, then go on as if known. */
  acceptNew?: boolean;
  /** The banner already read from this connection (its bytes are still readable). */
  banner: BannerResult;
  /** The connection is a channel through this bastion: the system OpenSSH, which would
   *  connect from here, is not asked for a second opinion. */
  via?: string;
  /** A bastion of a jump chain: on a successful login the session is handed here instead of
   *  being closed (the caller then owns it and closes it). */
  keepSession?: (session: JumpSession) => void;
  /** After a successful login, run the VS Code readiness checks over the same session. */
  readiness?: { downloadUrl: string };
}

/** A logged-in SSH session to a bastion, kept open to reach the next hop. */
export interface JumpSession {
  /** Asks the bastion for a `direct-tcpip` channel to host:port (ssh2 `forwardOut`). The
   *  outcome reads like a TCP connect (`result.forward` says what the bastion answered); on
   *  `connected`, `connection` is the channel and the caller owns it. Same contract as a probe. */
  forward(host: string, port: number, o: ProbeOptions): Promise<{ result: TcpResult; connection?: OpenConnection }>;
  /** Ends the session (and every channel in it); idempotent. */
  close(): void;
  /** True once the session ended without `close()` being called (the bastion or the network
   *  dropped it). Optional: a session that cannot tell is never shared (core/bastionPool.ts). */
  readonly lost?: boolean;
  /** Called once when the session is lost (as `lost`), never after `close()`. */
  onLost?(listener: () => void): void;
}

/** The Local layer's question: the host as typed and only what the user gave explicitly. */
export interface LocalContext {
  host: string;
  user?: string;
  port?: number;
  /** `--ssh-config FILE` (ssh -F). */
  configFile?: string;
  /** The identity file the user gave (--identity, the saved instance's key). */
  identityFile?: string;
  /** The agent socket the diagnosis may use (absent: the environment's SSH_AUTH_SOCK). */
  agentSocket?: string;
}

/** The second opinion's settings: those the diagnosis used (no password, ever). */
export interface SecondOpinionContext {
  address: string;
  port: number;
  user: string;
  /** The known_hosts name (`host` or `[host]:port`). */
  hostKeyAlias: string;
  knownHostsFiles: string[];
  identityFiles: string[];
  agentSocket?: string;
  /** The ssh binary (setting). */
  executable?: string;
}

export interface Probes {
  /** Optional: the user's own side before DNS (ssh -G, key files, agent). Resolves; never
   *  connects anywhere. A probe set without it skips the Local layer. */
  local?(ctx: LocalContext, o: ProbeOptions): Promise<LocalEvidence>;
  /** Optional: the system OpenSSH's own run after a verdict ssh2 may have caused. */
  secondOpinion?(ctx: SecondOpinionContext, o: ProbeOptions): Promise<SecondOpinion>;
  dns(host: string, o: ProbeOptions): Promise<DnsResult>;
  icmp(address: string, o: ProbeOptions): Promise<IcmpResult>;
  /** One connection attempt (the engine makes its own retries: core/connect.ts). On
   *  `connected`, `connection` is set and the caller owns it (must close it). */
  tcp(address: string, port: number, o: ProbeOptions): Promise<{ result: TcpResult; connection?: OpenConnection }>;
  /** Reads the server's first line(s) without consuming them for the next stage. */
  banner(conn: OpenConnection, o: ProbeOptions): Promise<BannerResult>;
  /** Key exchange, host key check, auth methods and the optional login on `conn`. Closes it. */
  ssh(conn: OpenConnection, ctx: SshContext, o: ProbeOptions): Promise<SshResult>;
  /** X.224 Connection Request/Confirm on `conn`. Closes it. */
  rdp(conn: OpenConnection, o: ProbeOptions): Promise<RdpResult>;
  /** Optional (`--trace`): a TCP trace to address:port with the tools installed here, else an
   *  ICMP trace. Its own time bound (core/trace.ts traceLimits) replaces `timeoutMs`. */
  trace?(address: string, port: number, o: ProbeOptions): Promise<PathTrace>;
}

/** The cloud's view, when the target names a Tencent Cloud instance (src/cloud). */
export interface CloudInspector {
  inspect(target: Target, o: ProbeOptions & {
    /** Port and protocol to evaluate security groups / ACLs for. */
    port: number; protocol: Protocol;
    /** Whether in-guest (TAT) checks may run: the user's explicit consent. */
    guestChecks: boolean;
    /** `--trace`: the in-guest checks also trace back to the caller's address. */
    trace?: boolean;
    /** The address the probes connect to (from DNS), when it resolved: its IP family is the
     *  one evaluated when the caller's own address is unknown. */
    address?: string;
    /** Behind a bastion: the packets come from the bastion, not from this machine. `address`
     *  is the bastion's private address when known (the source the rules are evaluated for);
     *  without it the rules are evaluated for any source. The caller's own address is not used. */
    source?: { via: string; address?: string };
  }): Promise<CloudEvidence>;
}
