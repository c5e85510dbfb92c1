/**
 * The OpenConnection handed from the TCP stage to the protocol stages: the socket stays paused
 * between stages and whatever a stage peeked is pushed back, so the next stage reads the
 * stream from its first byte. The stream is a TCP socket, or an SSH channel through a bastion
 * (jumpSession.ts): every stage reads either the same way.
 */
import type { Duplex } from 'node:stream';
import type { OpenConnection } from '../core/probeContract';

export class TcpConnection implements OpenConnection {
  /** Set when the socket failed while no stage was reading (e.g. a reset between stages). */
  lastError: NodeJS.ErrnoException | undefined;
  /** Set once the peer's FIN arrived; bytes read before it are in `tail` (unshift is then illegal). */
  ended = false;
  tail: Buffer = Buffer.alloc(0);

  constructor(readonly socket: Duplex, readonly address: string, readonly port: number) {
    // Without a permanent listener a late RST would be an uncaught 'error' and crash the host.
    socket.on('error', (e: NodeJS.ErrnoException) => { this.lastError = e; });
    socket.once('end', () => { this.ended = true; });
  }

  get closed(): boolean {
    return this.socket.destroyed;
  }

  /** Give peeked bytes back to the stream so the next reader sees them first. */
  giveBack(chunks: Buffer[]): void {
    const data = Buffer.concat(chunks);
    this.socket.pause();
    if (data.length === 0) return;
    if (this.ended || this.socket.readableEnded) {
      this.tail = Buffer.concat([this.tail, data]);
      return;
    }
    this.socket.unshift(data);
  }

  close(): void {
    if (!this.socket.destroyed) this.socket.destroy();
  }
}
