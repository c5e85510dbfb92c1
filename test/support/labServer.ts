/**
 * A tiny misbehaving TCP server that the lab fixture starts INSIDE a host network namespace
 * (`ip netns exec NS node labServer.js KIND PORT`). Each kind is one way a port can answer
 * that is not a healthy SSH server. Standalone on purpose: it runs as its own process.
 *
 * It exits when its stdin closes, so a crashed test run never leaves it behind.
 */
import * as net from 'net';

type Kind = 'greeting' | 'silent' | 'close' | 'http' | 'slow-banner';
const KINDS: readonly Kind[] = ['greeting', 'silent', 'close', 'http', 'slow-banner'];

const kind = process.argv[2] as Kind;
const port = Number(process.argv[3]);
// The greeting is an SMTP-like first line by default: a service that speaks before the client.
const greeting = process.argv[4] || (kind === 'slow-banner' ? 'SSH-2.0-OpenSSH_9.2p1 cvmd-slow\r\n' : '220 cvmd-lab.invalid ESMTP ready\r\n');
const delayMs = Number(process.argv[5] ?? 500);
if (!KINDS.includes(kind) || !Number.isInteger(port) || port < 1 || port > 65535 || !(delayMs >= 0 && delayMs <= 30_000)) {
  process.stderr.write(`usage: labServer (${KINDS.join('|')}) PORT [GREETING [DELAY_MS]]\n`);
  process.exit(2);
}

// Bound how long any one connection may live so a stuck client cannot pin the server.
const CONNECTION_LIFETIME_MS = 60_000;
const sockets = new Set<net.Socket>();

const server = net.createServer((socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  socket.on('error', () => socket.destroy());
  socket.setTimeout(CONNECTION_LIFETIME_MS, () => socket.destroy());
  switch (kind) {
    case 'greeting':
      socket.write(greeting);
      socket.on('data', () => socket.write('500 5.5.2 Error: command not recognized\r\n'));
      break;
    case 'slow-banner': {
      // An SSH server that identifies itself late (an overloaded host, a proxy in front of
      // it): the line comes after DELAY_MS.
      const t = setTimeout(() => { if (!socket.destroyed) socket.write(greeting); }, delayMs);
      socket.on('close', () => clearTimeout(t));
      socket.resume();
      break;
    }
    case 'silent':
      // Accept and never write: the banner-timeout case (a tarpit, an overloaded sshd).
      socket.resume();
      break;
    case 'close':
      // Close at once, before any byte: what a MaxStartups or hosts.deny refusal looks like.
      socket.destroy();
      break;
    case 'http': {
      // Silent until the client speaks, like any HTTP server.
      let buf = '';
      socket.on('data', (d) => {
        buf += d.toString('latin1');
        if (buf.includes('\r\n\r\n') || buf.includes('\n') && !buf.startsWith('GET') && !buf.startsWith('HEAD')) {
          socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
        }
      });
      break;
    }
  }
});

// '::' is dual-stack inside the namespace (bindv6only is 0), so IPv4 and IPv6 both reach it.
server.listen({ port, host: '::' }, () => process.stdout.write(`listening ${kind} ${port}\n`));
server.on('error', (err) => {
  process.stderr.write(`labServer ${kind} ${port}: ${err.message}\n`);
  process.exit(1);
});

function shutdown(): void {
  for (const s of sockets) s.destroy();
  server.close();
  process.exit(0);
}
process.stdin.on('end', shutdown);
process.stdin.on('close', shutdown);
process.stdin.resume();
process.on('SIGTERM', shutdown);
