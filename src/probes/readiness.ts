/**
 * The VS Code readiness checks over the login session the SSH probe already opened: fixed
 * read-only commands (ssh2 `exec`, all at once, each with its own timeout and an output
 * bound; nothing of the user's input in them but the download URL, validated and
 * single-quoted) and one `direct-tcpip` channel to the sshd's own port. What the outputs
 * mean is core/readiness.ts's.
 *
 * The commands run under the account's login shell on the instance (as Remote-SSH's own
 * install script does), so they are plain POSIX sh: bash, dash and busybox ash all read them.
 */
import type { Client, ClientChannel } from 'ssh2';
import type { ForwardingProbe, ReadinessCommand, ReadinessEvidence, ReadinessOutput } from '../core/model';
import { parseSystem, validDownloadUrl } from '../core/readiness';
import { shellQuote } from '../core/sshCommand';
import { now, since } from './abort';

/** Each command's own bound (the download gets its 5 s HEAD plus the time to start curl). */
export const READINESS_COMMAND_MS = 4000;
export const DOWNLOAD_HEAD_S = 5;
const DOWNLOAD_MS = DOWNLOAD_HEAD_S * 1000 + 2000;
/** The whole section's bound: the longest command plus the forwarding channel after it. */
export const READINESS_BUDGET_MS = DOWNLOAD_MS + 1000;
const MAX_OUTPUT = 256 * 1024;

const LIBSTDCXX = [
  'for p in $( (ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null) | sed -n "s/^[[:space:]]*libstdc++\\.so\\.6 .*=> //p")',
  ' /usr/lib64/libstdc++.so.6 /usr/lib/libstdc++.so.6 /usr/lib/x86_64-linux-gnu/libstdc++.so.6 /usr/lib/aarch64-linux-gnu/libstdc++.so.6',
  ' /usr/lib/arm-linux-gnueabihf/libstdc++.so.6; do',
  ' if [ -r "$p" ]; then echo "path $p"; grep -ao "GLIBCXX_[0-9]*\\.[0-9]*\\.*[0-9]*" "$p" | sort -u; exit 0; fi; done; echo none',
].join('');

/** The fixed commands (the download one is built around the validated URL). */
export const READINESS_COMMANDS: Record<Exclude<ReadinessCommand, 'download' | 'forwardingConfig'>, string> = {
  system: 'uname -s; uname -r; uname -m; echo "SSH_CONNECTION=$SSH_CONNECTION"',
  libc: 'ldd --version 2>&1 | head -n 2; getconf GNU_LIBC_VERSION 2>/dev/null; ls /lib/ld-musl-* 2>/dev/null; true',
  libstdcxx: LIBSTDCXX,
  tools: 'for t in tar curl wget; do printf "%s=" "$t"; command -v "$t" || echo; done',
  disk: 'echo "HOME=$HOME"; df -Pk "$HOME" /tmp 2>/dev/null; echo ---; df -Pi "$HOME" /tmp 2>/dev/null; echo ---; [ -w "$HOME" ] && echo home-writable; [ -w /tmp ] && echo tmp-writable; true',
  mounts: 'cat /proc/mounts',
};

/** Where sshd says forwarding is turned off (run only when it refused the channel). */
export const FORWARDING_CONFIG_COMMAND = 'grep -n -i -E "^[[:space:]]*(AllowTcpForwarding|DisableForwarding)[[:space:]]" /etc/ssh/sshd_config /etc/ssh/sshd_config.d/*.conf 2>/dev/null; true';

/** HEAD from the instance, 5 s, with curl (following redirects to the CDN) or wget. */
export function downloadCommand(url: string): string {
  const u = shellQuote(url);
  return [
    `if command -v curl >/dev/null 2>&1; then curl -sS -I -L -m ${DOWNLOAD_HEAD_S} -o /dev/null -w "curl %{http_code}\\n" ${u} 2>/dev/null; echo "exit=$?";`,
    `elif command -v wget >/dev/null 2>&1; then echo wget; wget -q --spider -T ${DOWNLOAD_HEAD_S} -t 1 ${u} 2>/dev/null; echo "exit=$?";`,
    'else echo none; fi',
  ].join(' ');
}

/** Runs one command on its own channel; resolves (never rejects) by its timeout or `signal`. */
export function execBounded(client: Client, command: string, timeoutMs: number, signal: AbortSignal): Promise<ReadinessOutput> {
  const start = now();
  return new Promise((resolve) => {
    let done = false;
    let channel: ClientChannel | undefined;
    let stdout = '';
    let stderr = '';
    let code: number | null = null;
    const finish = (extra: Partial<ReadinessOutput>): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      try { channel?.close(); } catch { /* already closed */ }
      resolve({ code, stdout, stderr, ...extra, durationMs: since(start) });
    };
    const onAbort = (): void => finish({ error: 'the session ended' });
    const timer = setTimeout(() => finish({ timedOut: true }), timeoutMs);
    if (signal.aborted) { onAbort(); return; }
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      client.exec(command, (err, ch) => {
        if (err) { finish({ error: err.message }); return; }
        channel = ch;
        if (done) { try { ch.close(); } catch { /* closed */ } return; }
        ch.on('data', (d: Buffer) => { if (stdout.length < MAX_OUTPUT) stdout += d.toString('utf8'); });
        ch.stderr.on('data', (d: Buffer) => { if (stderr.length < MAX_OUTPUT) stderr += d.toString('utf8'); });
        ch.on('exit', (c: number | null) => { code = typeof c === 'number' ? c : null; });
        ch.on('close', () => finish({}));
      });
    } catch (e) {
      finish({ error: (e as Error).message });
    }
  });
}

/** A `direct-tcpip` channel to host:port through the session, then closed at once. */
export function probeForwarding(client: Client, host: string, port: number, timeoutMs: number, signal: AbortSignal): Promise<ForwardingProbe> {
  const start = now();
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: Omit<ForwardingProbe, 'host' | 'port' | 'durationMs'>, ch?: ClientChannel): void => {
      if (done) { try { ch?.close(); } catch { /* closed */ } return; }
      done = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      try { ch?.close(); } catch { /* closed */ }
      resolve({ ...r, host, port, durationMs: since(start) });
    };
    const onAbort = (): void => finish({ outcome: 'error', message: 'the session ended' });
    const timer = setTimeout(() => finish({ outcome: 'timeout' }), timeoutMs);
    if (signal.aborted) { onAbort(); return; }
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      client.forwardOut('127.0.0.1', 0, host, port, (err, ch) => {
        if (!err) { finish({ outcome: 'open' }, ch); return; }
        const reason = (err as Error & { reason?: number }).reason;
        // RFC 4254 §5.1: 1 administratively prohibited (sshd's AllowTcpForwarding no,
        // DisableForwarding, PermitOpen); 2 connect failed (sshd tried: forwarding works).
        const outcome = reason === 1 ? 'prohibited' : reason === 2 ? 'refused' : 'error';
        finish({ outcome, ...(reason !== undefined ? { reason } : {}), message: err.message });
      });
    } catch (e) {
      finish({ outcome: 'error', message: (e as Error).message });
    }
  });
}

/**
 * Every check at once over `client` (logged in). `downloadUrl` was validated by the caller;
 * an invalid one is not sent (the download item then says so). `signal` ends every channel
 * (a cancel, or the session closing under us).
 */
export async function runReadiness(
  client: Client, o: { downloadUrl: string; targetPort: number; timeoutMs: number; signal: AbortSignal },
): Promise<ReadinessEvidence> {
  const start = now();
  const per = Math.min(READINESS_COMMAND_MS, Math.max(1000, o.timeoutMs));
  const url = validDownloadUrl(o.downloadUrl);
  const run = (c: string, ms = per) => execBounded(client, c, ms, o.signal);
  const entries = Object.entries(READINESS_COMMANDS) as Array<[ReadinessCommand, string]>;
  const outputs: ReadinessEvidence['outputs'] = {};
  const system = run(READINESS_COMMANDS.system);
  // The forwarding check needs the sshd's own port (behind NAT it is not the one dialled).
  const forwarding = system.then((s) => {
    const port = (!s.timedOut && !s.error ? parseSystem(s.stdout).sshdPort : undefined) ?? o.targetPort;
    return probeForwarding(client, '127.0.0.1', port, per, o.signal);
  });
  const others = entries.filter(([k]) => k !== 'system').map(async ([k, c]) => { outputs[k] = await run(c); });
  const download = url ? run(downloadCommand(url), DOWNLOAD_MS).then((r) => { outputs.download = r; }) : Promise.resolve();
  outputs.system = await system;
  const fwd = await forwarding;
  if (fwd.outcome === 'prohibited') outputs.forwardingConfig = await run(FORWARDING_CONFIG_COMMAND);
  await Promise.all([...others, download]);
  return { outputs, forwarding: fwd, ...(url ? { downloadUrl: url } : { downloadUrl: o.downloadUrl }), durationMs: since(start) };
}
