/**
 * A logged-in ssh2 session to a bastion, kept to reach the next hop of a jump chain: each
 * `forward()` asks the bastion for a `direct-tcpip` channel (what `ssh -J` does) and reads
 * its answer like a TCP connect. The channel then serves the banner and SSH stages as a
 * socket would (connection.ts).
 *
 * What OpenSSH's sshd answers (channels.c, serverloop.c): SSH_OPEN_ADMINISTRATIVELY_PROHIBITED
 * when AllowTcpForwarding or PermitOpen forbid it; SSH_OPEN_CONNECT_FAILED with strerror() of
 * its own connect ("Connection refused", "No route to host", "Connection timed out") or the
 * resolver's message ("Name or service not known"). A port that drops SYNs leaves the bastion
 * waiting for minutes: our own deadline ends that as a timeout seen from the bastion.
 */
import type { Client, ClientChannel } from 'ssh2';
import type { ForwardAnswer, ForwardKind, TcpOutcome, TcpResult } from '../core/model';
import type { JumpSession, OpenConnection, ProbeOptions } from '../core/probeContract';
import { guarded, now, since } from './abort';
import { TcpConnection } from './connection';

const ADMINISTRATIVELY_PROHIBITED = 1;
const CONNECT_FAILED = 2;

/** The bastion's answer by kind, from the failure's reason code and text. */
export function forwardKindOf(reason: number | undefined, message: string): ForwardKind {
  if (reason === ADMINISTRATIVELY_PROHIBITED) return 'prohibited';
  if (reason !== CONNECT_FAILED) return 'error';
  if (/refused/i.test(message)) return 'refused';
  if (/timed out/i.test(message)) return 'timeout';
  if (/no route|unreachable|host is down|network is down/i.test(message)) return 'unreachable';
  if (/name or service|not known|nodename|name resolution|no address associated|unknown host|servname/i.test(message)) return 'name';
  return 'error';
}

const OUTCOME: Record<ForwardKind, { outcome: TcpOutcome; errorCode?: string }> = {
  opened: { outcome: 'connected' },
  refused: { outcome: 'refused', errorCode: 'ECONNREFUSED' },
  unreachable: { outcome: 'unreachable', errorCode: 'EHOSTUNREACH' },
  timeout: { outcome: 'timeout', errorCode: 'ETIMEDOUT' },
  name: { outcome: 'error', errorCode: 'ENOTFOUND' },
  prohibited: { outcome: 'error', errorCode: 'EPROHIBITED' },
  error: { outcome: 'error' },
};

/** A channel handed to the next stage; closing it closes the channel, not the session. */
class ChannelConnection extends TcpConnection {
  constructor(private readonly channel: ClientChannel, address: string, port: number) {
    super(channel, address, port);
  }
  override close(): void {
    try { this.channel.close(); } catch { /* session already gone */ }
    if (!this.channel.destroyed) this.channel.destroy();
  }
}

export class Ssh2JumpSession implements JumpSession {
  private closed = false;
  private dropped = false;
  private readonly lostListeners: Array<() => void> = [];

  constructor(private readonly client: Client, private readonly conn: OpenConnection, private readonly via: string) {
    // The session outlives the probe that opened it: a late error must not crash the host.
    client.on('error', () => undefined);
    client.once('close', () => {
      // Closed by the other side (or the network) while still in use: lost, not ended by us.
      if (!this.closed) {
        this.dropped = true;
        for (const l of this.lostListeners.splice(0)) l();
      }
      this.closed = true;
      // Its transport too (a channel of the bastion before: its slot is given back).
      this.conn.close();
    });
  }

  get lost(): boolean {
    return this.dropped;
  }

  onLost(listener: () => void): void {
    if (this.dropped) listener();
    else if (!this.closed) this.lostListeners.push(listener);
  }

  forward(host: string, port: number, o: ProbeOptions): Promise<{ result: TcpResult; connection?: OpenConnection }> {
    const start = now();
    const base = { address: host, port, deadlineMs: o.timeoutMs };
    const answer = (kind: ForwardKind, extra: Partial<ForwardAnswer> = {}): TcpResult => ({
      ...base, ...OUTCOME[kind], durationMs: since(start), forward: { kind, via: this.via, ...extra },
    });
    let handedOver = false;
    let late: ClientChannel | undefined;
    let settled = false;
    return guarded<{ result: TcpResult; connection?: OpenConnection }>(o, {
      // No answer from the bastion within the deadline: as seen from it, the port is silent.
      onTimeout: () => ({ result: answer('timeout') }),
      onDeadline: (d) => ({ result: { ...answer('timeout'), deadlineMs: d.deadlineMs, deadlineReason: d.reason } }),
      cleanup: () => {
        settled = true;
        if (!handedOver && late) late.close();
      },
    }, (settle) => {
      if (this.closed) { settle({ result: answer('error', { message: 'the session to the bastion is closed' }) }); return; }
      try {
        this.client.forwardOut('127.0.0.1', 0, host, port, (err, channel) => {
          // ssh2 fails a pending open when the session closes: that arrives here as an error.
          if (err) {
            const reason = typeof (err as Error & { reason?: unknown }).reason === 'number' ? (err as Error & { reason: number }).reason : undefined;
            const message = err.message.replace(/^\(SSH\) Channel open failure: /, '');
            o.log?.(`jump: ${this.via} → ${host}:${port}: open failed (reason ${reason ?? '?'}: ${message})`);
            settle({ result: answer(forwardKindOf(reason, message), { ...(reason !== undefined ? { reason } : {}), message }) });
            return;
          }
          if (settled) { channel.close(); return; }
          late = channel;
          handedOver = true;
          o.log?.(`jump: ${this.via} → ${host}:${port}: channel open in ${since(start)} ms`);
          channel.pause();
          settle({ result: answer('opened'), connection: new ChannelConnection(channel, host, port) });
        });
      } catch (e) {
        settle({ result: answer('error', { message: (e as Error).message }) });
      }
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.lostListeners.length = 0;
    try { this.client.end(); } catch { /* already closed */ }
    this.conn.close();
  }
}
