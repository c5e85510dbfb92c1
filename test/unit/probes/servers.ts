/**
 * Real loopback servers for the probe tests: an ssh2 Server, raw TCP servers with scripted
 * behaviour, and a closed port. Everything listens on loopback only and is closed by the test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPair } from '../../../src/probes/keyPair';
import * as net from 'node:net';
import { Server, utils, type AuthContext } from 'ssh2';
import type { ProbeOptions } from '../../../src/core/probeContract';

export interface Running { port: number; host: string; close(): Promise<void> }

export function opts(timeoutMs: number, signal: AbortSignal = new AbortController().signal): ProbeOptions {
  return { timeoutMs, signal };
}

function trackSockets(server: net.Server): Set<net.Socket> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return sockets;
}

/** A raw TCP server whose behaviour per connection is `onConn`. */
export async function rawServer(onConn: (s: net.Socket) => void, host = '127.0.0.1'): Promise<Running & { received: Buffer[] }> {
  const received: Buffer[] = [];
  const server = net.createServer((s) => {
    s.on('error', () => undefined);
    s.on('data', (d) => received.push(d));
    onConn(s);
  });
  const sockets = trackSockets(server);
  await new Promise<void>((res, rej) => { server.once('error', rej); server.listen(0, host, () => res()); });
  const port = (server.address() as net.AddressInfo).port;
  return {
    port, host, received,
    close: () => new Promise<void>((res) => { for (const s of sockets) s.destroy(); server.close(() => res()); }),
  };
}

export { closedPort } from '../../support/ports';

export interface SshServerOptions {
  host?: string;
  /** Methods offered after `none`. */
  methods?: string[];
  password?: string;
  /** OpenSSH public key line accepted for publickey auth. */
  authorizedKey?: string;
  /** Accept `none`. */
  acceptNone?: boolean;
  algorithms?: Record<string, string[]>;
  ident?: string;
  hostKeyType?: 'ed25519' | 'ecdsa' | 'rsa';
  /** Further host keys (the server then holds several types, as sshd usually does). */
  extraHostKeyTypes?: Array<'ed25519' | 'ecdsa' | 'rsa'>;
  /** Answer keyboard-interactive with a "Password: " prompt (PAM-style) checked against `password`. */
  kbdPrompt?: string;
  /** Never answer an authentication request other than `none` (a server that stalls). */
  stallAuth?: boolean;
}

export interface SshServer extends Running {
  /** Host key as an OpenSSH public key line ("ssh-ed25519 AAAA..."). */
  hostKeyLine: string;
  /** Every host key's line, the first being `hostKeyLine`. */
  hostKeyLines: string[];
  /** Every authentication attempt the server saw (method, and the password when one came). */
  attempts: Array<{ method: string; password?: string; key?: string }>;
}

function hostPair(type: 'ed25519' | 'ecdsa' | 'rsa') {
  return type === 'rsa' ? generateKeyPair('rsa', { bits: 2048 })
    : type === 'ecdsa' ? generateKeyPair('ecdsa', { bits: 256 })
      : generateKeyPair('ed25519');
}

function publicLine(pub: string): string {
  const parsed = utils.parseKey(pub);
  const k = Array.isArray(parsed) ? parsed[0] : parsed;
  if (k instanceof Error) throw k;
  return `${k.type} ${k.getPublicSSH().toString('base64')}`;
}

export async function sshServer(o: SshServerOptions = {}): Promise<SshServer> {
  const type = o.hostKeyType ?? 'ed25519';
  const pair = hostPair(type);
  const extra = (o.extraHostKeyTypes ?? []).map(hostPair);
  const methods = o.methods ?? ['publickey', 'password'];
  const attempts: SshServer['attempts'] = [];
  const allowedKey = o.authorizedKey ? utils.parseKey(o.authorizedKey) : undefined;
  const clients = new Set<{ end(): unknown }>();
  const server = new Server({ hostKeys: [pair.private, ...extra.map((p) => p.private)], ...(o.algorithms ? { algorithms: o.algorithms as never } : {}), ...(o.ident ? { ident: o.ident } : {}) }, (client) => {
    clients.add(client);
    client.on('close', () => clients.delete(client));
    client.on('error', () => undefined);
    client.on('authentication', (ctx: AuthContext) => {
      attempts.push({
        method: ctx.method,
        ...(ctx.method === 'password' ? { password: ctx.password } : {}),
        ...(ctx.method === 'publickey' ? { key: ctx.key.data.toString('base64') } : {}),
      });
      if (ctx.method === 'none' && o.acceptNone) return ctx.accept();
      if (ctx.method !== 'none' && o.stallAuth) return undefined;
      if (ctx.method === 'keyboard-interactive' && methods.includes('keyboard-interactive') && o.kbdPrompt !== undefined) {
        ctx.prompt([{ prompt: o.kbdPrompt, echo: false }], (answers: string[]) => {
          attempts.push({ method: 'keyboard-interactive-answer', password: answers[0] });
          if (o.password !== undefined && answers[0] === o.password) ctx.accept();
          else ctx.reject(methods as never);
        });
        return undefined;
      }
      if (ctx.method === 'password' && methods.includes('password') && o.password !== undefined && ctx.password === o.password) {
        return ctx.accept();
      }
      if (ctx.method === 'publickey' && methods.includes('publickey') && allowedKey && !(allowedKey instanceof Error)) {
        const k = Array.isArray(allowedKey) ? allowedKey[0] : allowedKey;
        if (ctx.key.algo === k.type && ctx.key.data.equals(k.getPublicSSH())) {
          if (!ctx.signature) return ctx.accept();
          if (ctx.blob && k.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true) return ctx.accept();
        }
      }
      ctx.reject(methods as never);
    });
    client.on('ready', () => client.end());
  });
  const host = o.host ?? '127.0.0.1';
  await new Promise<void>((res, rej) => { server.once('error', rej); server.listen(0, host, () => res()); });
  const port = (server.address() as net.AddressInfo).port;
  const lines = [pair, ...extra].map((p) => publicLine(p.public));
  return {
    port, host, attempts,
    hostKeyLine: lines[0],
    hostKeyLines: lines,
    close: async () => { for (const c of clients) c.end(); server.close(); },
  };
}

/**
 * A port whose accept queue is full, so the kernel drops further SYNs: a real "filtered" port
 * on loopback. Needs python3 (a listener that never accepts); undefined when unavailable.
 */
export async function droppingPort(): Promise<{ port: number; close(): void } | undefined> {
  let child: ChildProcess;
  try {
    child = spawn('python3', ['-c', [
      'import socket,sys,time',
      's=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(0)',
      'print(s.getsockname()[1]); sys.stdout.flush()',
      'time.sleep(60)',
    ].join('\n')], { stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
  const port = await new Promise<number | undefined>((res) => {
    child.once('error', () => res(undefined));
    child.stdout?.once('data', (d: Buffer) => res(Number(d.toString().trim())));
    setTimeout(() => res(undefined), 5000).unref();
  });
  if (!port) { child.kill('SIGKILL'); return undefined; }
  // Fill the backlog (listen(0) still queues one or two): these connections stay half-open.
  const fillers: net.Socket[] = [];
  for (let i = 0; i < 4; i++) {
    const s = net.connect(port, '127.0.0.1');
    s.on('error', () => undefined);
    fillers.push(s);
  }
  await new Promise((r) => setTimeout(r, 200));
  return { port, close: () => { for (const s of fillers) s.destroy(); child.kill('SIGKILL'); } };
}

export async function ipv6Available(): Promise<boolean> {
  const s = net.createServer();
  try {
    await new Promise<void>((res, rej) => { s.once('error', rej); s.listen(0, '::1', () => res()); });
    await new Promise<void>((res) => s.close(() => res()));
    return true;
  } catch {
    return false;
  }
}

/** A KEXINIT packet as a server sends it after its identification line (unencrypted). */
export function kexinitPacket(lists: { kex: string[]; serverHostKey: string[]; cipher: string[]; mac: string[]; compression?: string[] }): Buffer {
  const nameList = (names: string[]) => {
    const b = Buffer.from(names.join(','), 'latin1');
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    return Buffer.concat([len, b]);
  };
  const comp = lists.compression ?? ['none'];
  const payload = Buffer.concat([
    Buffer.from([20]), Buffer.alloc(16, 7),
    nameList(lists.kex), nameList(lists.serverHostKey), nameList(lists.cipher), nameList(lists.cipher),
    nameList(lists.mac), nameList(lists.mac), nameList(comp), nameList(comp), nameList([]), nameList([]),
    Buffer.from([0]), Buffer.alloc(4),
  ]);
  let pad = 8 - ((payload.length + 5) % 8);
  if (pad < 4) pad += 8;
  const head = Buffer.alloc(5);
  head.writeUInt32BE(payload.length + pad + 1);
  head[4] = pad;
  return Buffer.concat([head, payload, Buffer.alloc(pad)]);
}
