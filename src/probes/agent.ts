/**
 * The user's ssh-agent: whether SSH_AUTH_SOCK (on Windows, OpenSSH's named pipe) answers and
 * how many keys it holds, spoken in the agent protocol itself through ssh2's agent client —
 * the same client the SSH probe signs with, so no `ssh-add` needs to be on PATH (Windows
 * often lacks it in PATH) and no output has to be parsed in the user's language. On Windows
 * also the `ssh-agent` service's state (`Get-Service`, parsed by windowsLocal.ts).
 */
import * as net from 'node:net';
import { createAgent, type BaseAgent, type ParsedKey } from 'ssh2';
import type { LocalAgentResult } from '../core/localModel';
import type { UntestedCredential } from '../core/model';
import { cancelledError, isDeadline } from '../core/cancel';
import { parseGetService } from '../core/windowsLocal';
import { now, since } from './abort';
import { execBounded } from './openssh';

/** OpenSSH for Windows' agent, when SSH_AUTH_SOCK is not set. */
export const WINDOWS_AGENT_PIPE = '\\\\.\\pipe\\openssh-ssh-agent';

export type AgentListing = { keys: ParsedKey[] } | { error: string; untested: UntestedCredential };

/** The keys an agent holds (one request, bounded; a cancel rejects, a deadline resolves as a
 *  timeout). Shared with the SSH probe (ssh.ts), which then offers a bounded few. */
export async function listAgentIdentities(socket: string, o: { timeoutMs: number; signal: AbortSignal }): Promise<AgentListing> {
  let agent: BaseAgent;
  try {
    agent = createAgent(socket);
  } catch (e) {
    return { error: (e as Error).message, untested: { kind: 'agent-error', message: (e as Error).message } };
  }
  const listed = await new Promise<AgentListing>((resolve) => {
    const failed = (message: string): void => resolve({ error: `ssh-agent: ${message}`, untested: { kind: 'agent-error', message } });
    const timer = setTimeout(() => resolve({ error: `ssh-agent did not answer within ${o.timeoutMs} ms`, untested: { kind: 'agent-timeout', timeoutMs: o.timeoutMs } }), o.timeoutMs);
    const onAbort = () => { clearTimeout(timer); resolve({ error: 'cancelled', untested: { kind: 'agent-stopped' } }); };
    if (o.signal.aborted) { onAbort(); return; }
    o.signal.addEventListener('abort', onAbort, { once: true });
    try {
      agent.getIdentities((err, keys) => {
        clearTimeout(timer);
        o.signal.removeEventListener('abort', onAbort);
        if (err) failed(err.message);
        else resolve({ keys: (keys ?? []).filter((k): k is ParsedKey => typeof k === 'object' && !Buffer.isBuffer(k)) });
      });
    } catch (e) {
      clearTimeout(timer);
      o.signal.removeEventListener('abort', onAbort);
      failed((e as Error).message);
    }
  });
  if (o.signal.aborted && !isDeadline(o.signal)) throw cancelledError(o.signal);
  return listed;
}

export async function probeAgent(o: { socket?: string; timeoutMs: number; signal: AbortSignal; platform?: NodeJS.Platform }): Promise<LocalAgentResult> {
  const start = now();
  const platform = o.platform ?? process.platform;
  const service = platform === 'win32' ? await windowsAgentService(o) : undefined;
  const socket = o.socket ?? (platform === 'win32' && service?.status === 'Running' ? WINDOWS_AGENT_PIPE : undefined);
  const svc = service ? { service } : {};
  if (!socket) return { outcome: 'no-socket', ...svc, durationMs: since(start) };
  // ssh2 says only "Failed to connect to agent": the socket's own error says why.
  const reach = await reachSocket(socket, o);
  if (reach) return { socket, outcome: reach === 'ETIMEDOUT' ? 'timeout' : 'unreachable', message: reach, ...svc, durationMs: since(start) };
  const r = await listAgentIdentities(socket, o);
  if ('keys' in r) return { socket, outcome: 'ok', keys: r.keys.length, ...svc, durationMs: since(start) };
  const kind = r.untested.kind;
  const message = r.untested.message ?? r.error;
  const unreachable = /ENOENT|ECONNREFUSED|ENOTSOCK|EACCES|EPERM/.test(message);
  return {
    socket, outcome: kind === 'agent-timeout' || kind === 'agent-stopped' ? 'timeout' : unreachable ? 'unreachable' : 'error',
    message, ...svc, durationMs: since(start),
  };
}

/** Connects to the socket (or pipe) once: undefined when it answers, else the error code. */
function reachSocket(socket: string, o: { timeoutMs: number; signal: AbortSignal }): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const c = net.createConnection(socket);
    const done = (v: string | undefined) => {
      clearTimeout(timer);
      o.signal.removeEventListener('abort', onAbort);
      c.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done('ETIMEDOUT'), o.timeoutMs);
    const onAbort = () => {
      clearTimeout(timer);
      c.destroy();
      if (isDeadline(o.signal)) resolve('ETIMEDOUT');
      else reject(cancelledError(o.signal));
    };
    if (o.signal.aborted) { onAbort(); return; }
    o.signal.addEventListener('abort', onAbort, { once: true });
    c.once('connect', () => done(undefined));
    c.once('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
  });
}

/** `Get-Service ssh-agent`: a constant command line, argv only. */
async function windowsAgentService(o: { timeoutMs: number; signal: AbortSignal }): Promise<LocalAgentResult['service']> {
  const res = await execBounded('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', 'Get-Service -Name ssh-agent | Format-List Name,Status,StartType'],
    Math.min(5000, Math.max(1000, o.timeoutMs)), o.signal);
  if (res.code === 'ENOENT' || res.code === 'SIGKILL') return undefined;
  return parseGetService(res.stdout, res.stderr);
}
