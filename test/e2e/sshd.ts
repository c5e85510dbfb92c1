/**
 * The e2e's REAL target: OpenSSH sshd in a lab network namespace (test/support/lab.ts) when
 * the lab can run (root, Linux), else a real sshd on 127.0.0.1 with a free port. Either way a
 * closed port on the same host gives the failing case (PORT_CLOSED).
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { createLab, labUnavailableReason } from '../support/lab';
import { freePort } from './harness';

export interface SshTarget {
  kind: 'lab' | 'loopback';
  host: string;
  port: number;
  closedPort: number;
  knownHostsPath: string;
  stop(): Promise<void>;
}

async function waitListening(host: string, port: number, ms: number): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((r) => {
      const s = net.connect({ host, port });
      s.setTimeout(500, () => { s.destroy(); r(false); });
      s.once('connect', () => { s.destroy(); r(true); });
      s.once('error', () => r(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`sshd did not listen on ${host}:${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startSshTarget(): Promise<SshTarget> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cvmd-e2e-ssh-'));
  const knownHostsPath = path.join(tmp, 'known_hosts'); // empty: the host key is "unknown", not a mismatch
  fs.writeFileSync(knownHostsPath, '');
  if (!labUnavailableReason()) {
    const lab = await createLab();
    const h = await lab.addHost({ label: 'e2e', sshd: { ports: [22] } });
    return {
      kind: 'lab', host: h.ipv4, port: 22, closedPort: 2201, knownHostsPath,
      stop: async () => { await lab.destroy(); fs.rmSync(tmp, { recursive: true, force: true }); },
    };
  }
  const port = await freePort();
  const hostKey = path.join(tmp, 'hostkey');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey], { timeout: 10_000 });
  const cfg = path.join(tmp, 'sshd_config');
  fs.writeFileSync(cfg, [`Port ${port}`, 'ListenAddress 127.0.0.1', 'UsePAM no', 'PidFile none', 'PasswordAuthentication no', `HostKey ${hostKey}`, ''].join('\n'));
  fs.mkdirSync('/run/sshd', { recursive: true });
  const child: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', cfg, '-h', hostKey], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  await waitListening('127.0.0.1', port, 8000);
  return {
    kind: 'loopback', host: '127.0.0.1', port, closedPort: await freePort(), knownHostsPath,
    stop: async () => {
      try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* gone */ }
      await new Promise<void>((r) => { const t = setTimeout(r, 2000); child.once('exit', () => { clearTimeout(t); r(); }); });
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}
