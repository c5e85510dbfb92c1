/**
 * The system OpenSSH's second opinion after a verdict ssh2 may have caused: one bounded
 * `ssh -v -o BatchMode=yes` run (openssh.ts `runOpenSsh`, the same runner the SSH probe's
 * OpenSSH fallback uses) with the diagnosis's host, port, user, identity files and agent,
 * the user's known_hosts honoured (StrictHostKeyChecking=yes: an unknown or changed host key
 * stops it, nothing is written), never a password, no configuration file run (-F none: the
 * effective settings came from `ssh -G` already).
 */
import type { SecondOpinion } from '../core/localModel';
import type { ProbeOptions, SecondOpinionContext } from '../core/probeContract';
import { shellQuote } from '../core/sshCommand';
import { now, since } from './abort';
import { defaultKnownHostsPath } from './knownHosts';
import { opensshInfo, runOpenSsh, type OpenSshRun } from './openssh';

/** The command a user can run to see the same (no secret in it). */
export function secondOpinionCommand(ctx: SecondOpinionContext, timeoutMs: number): string {
  const args = ['ssh', '-v', '-o', 'BatchMode=yes', '-o', `ConnectTimeout=${Math.max(1, Math.ceil(timeoutMs / 1000))}`, '-o', 'StrictHostKeyChecking=yes'];
  if (ctx.knownHostsFiles.length) args.push('-o', `UserKnownHostsFile=${ctx.knownHostsFiles.join(' ')}`);
  for (const f of ctx.identityFiles) args.push('-i', f);
  if (ctx.agentSocket) args.push('-o', `IdentityAgent=${ctx.agentSocket}`);
  if (ctx.hostKeyAlias) args.push('-o', `HostKeyAlias=${ctx.hostKeyAlias}`);
  args.push('-p', String(ctx.port), '-l', ctx.user, ctx.address);
  return args.map(shellQuote).join(' ');
}

export function secondOpinionOutcome(r: OpenSshRun): SecondOpinion['outcome'] {
  if (r.authenticated) return 'authenticated';
  if (r.tooManyFailures) return 'too-many-failures';
  if (r.denied) return 'denied';
  if (r.noMatch) return 'kex-failed';
  if (r.hostKeyFailed) return 'host-key';
  if (r.timedOut || r.outcome === 'timeout') return 'timeout';
  if (r.outcome === 'closed') return 'closed';
  return 'error';
}

export async function probeSecondOpinion(given: SecondOpinionContext, o: ProbeOptions): Promise<SecondOpinion> {
  const start = now();
  // Without the config's list (no ssh -G), ssh's own default file.
  const ctx = given.knownHostsFiles.length ? given : { ...given, knownHostsFiles: [defaultKnownHostsPath()] };
  const command = secondOpinionCommand(ctx, o.timeoutMs);
  const info = await opensshInfo(ctx.executable);
  if (!info.ok) return { outcome: 'unavailable', message: info.reason, command, durationMs: since(start) };
  const run = await runOpenSsh({
    address: ctx.address, port: ctx.port, user: ctx.user, hostKeyAlias: ctx.hostKeyAlias,
    knownHostsFiles: ctx.knownHostsFiles,
    auth: { kind: 'batch', identityFiles: ctx.identityFiles, ...(ctx.agentSocket ? { agentSocket: ctx.agentSocket } : {}) },
    timeoutMs: o.timeoutMs, signal: o.signal, ...(o.log ? { log: o.log } : {}), ...(ctx.executable ? { executable: ctx.executable } : {}),
  });
  const outcome = secondOpinionOutcome(run);
  return {
    outcome, version: info.info.version,
    ...(run.lastError && outcome !== 'authenticated' ? { message: run.lastError } : {}),
    ...(run.authMethods ? { authMethods: run.authMethods } : {}),
    ...(run.keysOffered !== undefined ? { keysOffered: run.keysOffered } : {}),
    ...(run.authenticated ? { method: run.authenticated } : {}),
    command, durationMs: since(start),
  };
}
