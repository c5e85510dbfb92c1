/**
 * Local demo targets for `cvm-doctor demo`: real servers on 127.0.0.1 (random ports), each
 * broken in one of the ways people meet in practice. No root, no cloud account needed.
 * The SSH servers are ssh2's own `Server` speaking the real protocol.
 */
import * as fs from 'fs';
import { generateKeyPair } from '../probes/keyPair';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { Server, utils, type Connection } from 'ssh2';
import type { Bilingual } from '../core/format';
import type { Credentials, Target } from '../core/model';

export interface DemoCase {
  /** What is broken, in the report's language. */
  label: Bilingual;
  target: Target;
  credentials?: Credentials;
}

export interface DemoLab {
  cases: DemoCase[];
  close(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';
const DEMO_USER = 'demo';

function listen(server: net.Server | Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => resolve((server.address() as net.AddressInfo).port));
  });
}

/** A port that was just free: bound, then released, so a connection gets a reset. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  const port = await listen(s);
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function sshServer(hostKey: string, clientPublicKey: ReturnType<typeof utils.parseKey>, password: string): Server {
  return new Server({ hostKeys: [hostKey], ident: 'OpenSSH_9.2p1 Debian-2+deb12u3' }, (client: Connection) => {
    client.on('authentication', (ctx) => {
      if (ctx.username !== DEMO_USER) return ctx.reject(['publickey', 'password']);
      if (ctx.method === 'password' && ctx.password === password) return ctx.accept();
      if (ctx.method === 'publickey' && !(clientPublicKey instanceof Error)
        && ctx.key.algo === clientPublicKey.type && ctx.key.data.equals(clientPublicKey.getPublicSSH())) {
        // The first publickey query has no signature; accepting it asks the client to sign.
        if (!ctx.signature) return ctx.accept();
        if (ctx.blob && clientPublicKey.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true) return ctx.accept();
      }
      ctx.reject(['publickey', 'password']);
    });
    client.on('ready', () => client.end());
    client.on('error', () => undefined);
  });
}

export async function startDemoLab(timeoutMs: number): Promise<DemoLab> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvm-doctor-demo-'));
  const closers: Array<() => void> = [() => fs.rmSync(dir, { recursive: true, force: true })];
  const servers: Array<net.Server | Server> = [];
  const sockets = new Set<net.Socket>();
  const track = (s: net.Server) => { s.on('connection', (c) => { sockets.add(c); c.on('close', () => sockets.delete(c)); c.on('error', () => undefined); }); return s; };

  try {
    const hostKey = generateKeyPair('ed25519');
    const otherKey = generateKeyPair('ed25519');
    const clientKey = generateKeyPair('ed25519');
    const password = 'demo-' + Math.random().toString(36).slice(2);
    const clientPub = utils.parseKey(clientKey.public);
    const parsedPub = Array.isArray(clientPub) ? clientPub[0] : clientPub;

    const healthy = sshServer(hostKey.private, parsedPub, password);
    servers.push(healthy);
    const healthyPort = await listen(healthy);
    const moved = sshServer(hostKey.private, parsedPub, password);
    servers.push(moved);
    const movedPort = await listen(moved);

    const silent = track(net.createServer(() => undefined));
    servers.push(silent);
    const silentPort = await listen(silent);
    const smtp = track(net.createServer((c) => c.end('220 mail.demo.internal ESMTP Postfix\r\n')));
    servers.push(smtp);
    const smtpPort = await listen(smtp);
    const slam = track(net.createServer((c) => c.destroy()));
    servers.push(slam);
    const slamPort = await listen(slam);
    const closed = await closedPort();

    const knownHosts = path.join(dir, 'known_hosts');
    const keyBody = (pub: string) => pub.split(' ').slice(0, 2).join(' ');
    fs.writeFileSync(knownHosts, [healthyPort, movedPort].map((p) => `[${LOOPBACK}]:${p} ${keyBody(hostKey.public)}`).join('\n') + '\n');
    const changedKnownHosts = path.join(dir, 'known_hosts.changed');
    fs.writeFileSync(changedKnownHosts, `[${LOOPBACK}]:${healthyPort} ${keyBody(otherKey.public)}\n`);

    const base = (port: number, extra: Partial<Target> = {}): Target => ({
      host: LOOPBACK, port, protocol: 'ssh', user: DEMO_USER, altPorts: [], timeoutMs, icmp: true, knownHostsPath: knownHosts, ...extra,
    });
    const cases: DemoCase[] = [
      { label: { en: 'healthy SSH server, key login', ko: '정상 SSH 서버, 키로 로그인' }, target: base(healthyPort, { name: 'healthy' }), credentials: { privateKey: clientKey.private } },
      { label: { en: 'wrong password', ko: '틀린 비밀번호' }, target: base(healthyPort, { name: 'wrong-password' }), credentials: { password: 'not-the-password' } },
      { label: { en: 'host key changed since known_hosts was written', ko: 'known_hosts 기록 이후 바뀐 호스트 키' }, target: base(healthyPort, { name: 'changed-key', knownHostsPath: changedKnownHosts }) },
      { label: { en: 'nothing listens on the port', ko: '포트에서 수신 대기 중인 서비스 없음' }, target: base(closed, { name: 'closed' }) },
      { label: { en: 'SSH moved to another port', ko: '다른 포트로 옮겨 간 SSH' }, target: base(closed, { name: 'moved', altPorts: [movedPort] }) },
      { label: { en: 'accepts the connection, never speaks', ko: '연결은 받지만 응답하지 않는 서버' }, target: base(silentPort, { name: 'silent' }) },
      { label: { en: 'another service on the port', ko: '포트를 쓰는 다른 서비스' }, target: base(smtpPort, { name: 'not-ssh' }) },
      { label: { en: 'closes the connection at once', ko: '곧바로 연결을 끊는 서버' }, target: base(slamPort, { name: 'slams' }) },
    ];
    return {
      cases,
      async close() {
        for (const s of sockets) s.destroy();
        await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
        for (const c of closers) c();
      },
    };
  } catch (e) {
    for (const s of servers) s.close();
    for (const c of closers) c();
    throw e;
  }
}
