/**
 * The flow a person follows by hand (Tencent Cloud's "cannot log in" guide): `ping -c 4`, a
 * telnet-style connect, `ssh -vvv` — each with a 5 s timeout, one after the other — and
 * `nmap -Pn -sV -p PORT` for comparison. Lab addresses only; argv only; every step bounded.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';

const STEP_TIMEOUT_S = 5;
/** Hard cap per external command, far above what each should take. */
const COMMAND_CAP_MS = 30_000;

export interface ManualTimes { pingMs: number; connectMs: number; sshMs: number; totalMs: number; sshExit: number | null }

function timed(cmd: string, args: string[]): Promise<{ ms: number; code: number | null; stdout: string }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: COMMAND_CAP_MS, maxBuffer: 8 << 20 }, (err, stdout) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : null) : 0;
      resolve({ ms: performance.now() - t0, code, stdout });
    });
  });
}

/** `telnet host port`: connect, and wait for the first bytes like a person watching telnet. */
function telnetLike(address: string, port: number): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const s = net.connect({ host: address, port });
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      resolve(performance.now() - t0);
    };
    const timer = setTimeout(finish, STEP_TIMEOUT_S * 1000);
    s.once('data', finish);
    s.once('error', finish);
    s.once('close', finish);
  });
}

export async function manualFlow(address: string, port: number, user: string, knownHosts: string): Promise<ManualTimes> {
  const v6 = net.isIPv6(address);
  const ping = await timed('ping', ['-n', '-c', '4', '-W', String(STEP_TIMEOUT_S), ...(v6 ? ['-6'] : []), address]);
  const connectMs = await telnetLike(address, port);
  const ssh = await timed('ssh', ['-vvv', '-o', 'BatchMode=yes', '-o', `ConnectTimeout=${STEP_TIMEOUT_S}`, '-o', `UserKnownHostsFile=${knownHosts}`,
    '-o', 'StrictHostKeyChecking=yes', '-o', 'GlobalKnownHostsFile=/dev/null', '-p', String(port), '-l', user, address, 'true']);
  return { pingMs: ping.ms, connectMs, sshMs: ssh.ms, totalMs: ping.ms + connectMs + ssh.ms, sshExit: ssh.code };
}

export function nmapAvailable(): boolean {
  return fs.existsSync('/usr/bin/nmap');
}

export async function nmapService(address: string, port: number): Promise<{ ms: number; state: string }> {
  const r = await timed('nmap', ['-Pn', '-sV', '-n', ...(net.isIPv6(address) ? ['-6'] : []), '-p', String(port), address]);
  const m = new RegExp(`^${port}/tcp\\s+(\\S+)\\s*(.*)$`, 'm').exec(r.stdout);
  return { ms: r.ms, state: m ? `${m[1]} ${m[2] ?? ''}`.trim() : `exit ${r.code}` };
}
