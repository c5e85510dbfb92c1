/**
 * Will VS Code's Remote-SSH server install and run on the instance? The probe (probes/
 * readiness.ts) runs fixed read-only commands over the login session; this file reads their
 * output (parsers with table tests over real outputs) and decides each item of the "VS Code
 * readiness" section, and which verdict a failing item is. Pure.
 *
 * The requirements are VS Code's own since 1.99 (code.visualstudio.com/docs/remote/linux):
 * x86_64, aarch64 or armv7l Linux with glibc ≥ 2.28, libstdc++ with GLIBCXX_3.4.25, kernel
 * ≥ 4.18, `tar`, and `curl` or `wget` (or a download on the client). Nothing is claimed
 * without evidence: an output that cannot be read leaves the item unknown (skip), not failed.
 */
import type { CheckStatus, ReadinessEvidence, ReadinessItemId, ReadinessOutput, VerdictCode } from './model';

export const MIN_GLIBC = [2, 28] as const;
export const MIN_KERNEL = [4, 18] as const;
export const REQUIRED_GLIBCXX = 'GLIBCXX_3.4.25';
export const SUPPORTED_ARCHES = ['x86_64', 'aarch64', 'armv7l'] as const;
/** The server and its first extensions take about 200 MB. */
export const SERVER_SPACE_KB = 200 * 1024;
/** The unpacked server is a few thousand files. */
export const SERVER_INODES = 5000;
/** Where VS Code's server comes from (the update host redirects to its CDN): what the
 *  instance is asked to fetch unless CVM_DOCTOR_VSCODE_DOWNLOAD_URL or the setting says
 *  otherwise. */
export const DEFAULT_VSCODE_DOWNLOAD_URL = 'https://update.code.visualstudio.com/latest/server-linux-x64/stable';

/** Numeric parts of a dotted version: "2.17" → [2, 17]; "4.18.0-553.el8" → [4, 18, 0]. */
export function versionParts(v: string): number[] {
  const m = /^\d+(?:\.\d+)*/.exec(v.trim());
  return m ? m[0].split('.').map(Number) : [];
}

/** Negative, zero or positive as a < b, a = b, a > b, part by part (a missing part is 0). */
export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function versionAtLeast(a: readonly number[], b: readonly number[]): boolean {
  return compareVersions(a, b) >= 0;
}

export interface SystemFacts {
  os?: string;
  kernel?: string;
  arch?: string;
  /** The sshd's own port, from $SSH_CONNECTION (the forwarding check's target). */
  sshdPort?: number;
}

/** `uname -s; uname -r; uname -m; echo "SSH_CONNECTION=$SSH_CONNECTION"`. */
export function parseSystem(text: string): SystemFacts {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const out: SystemFacts = {};
  const plain = lines.filter((l) => l && !l.startsWith('SSH_CONNECTION='));
  if (plain[0] && /^[A-Za-z][\w.-]*$/.test(plain[0])) out.os = plain[0];
  if (plain[1] && /^\d+\.\d+/.test(plain[1])) out.kernel = plain[1];
  if (plain[2] && /^[\w-]+$/.test(plain[2])) out.arch = plain[2];
  const conn = lines.find((l) => l.startsWith('SSH_CONNECTION='))?.slice('SSH_CONNECTION='.length).trim().split(/\s+/);
  const port = conn && conn.length === 4 ? Number(conn[3]) : NaN;
  if (Number.isInteger(port) && port > 0 && port < 65536) out.sshdPort = port;
  return out;
}

export type LibcFacts = { kind: 'glibc'; version: string } | { kind: 'musl'; version?: string };

/**
 * `ldd --version 2>&1 | head -n 2; getconf GNU_LIBC_VERSION; ls /lib/ld-musl-*`: glibc's ldd
 * says "ldd (GNU libc) 2.17" or "ldd (Ubuntu GLIBC 2.35-0ubuntu3.8) 2.35"; getconf says
 * "glibc 2.28"; musl's ldd says "musl libc (x86_64)" then "Version 1.2.4", and its loader
 * is /lib/ld-musl-<arch>.so.1.
 */
export function parseLibc(text: string): LibcFacts | undefined {
  const musl = /^musl libc\b/m.test(text) || /^\/lib\/ld-musl-[\w-]+\.so\.1$/m.test(text);
  if (musl) {
    const v = /^Version\s+(\d+\.\d+(?:\.\d+)?)/m.exec(text)?.[1];
    return { kind: 'musl', ...(v ? { version: v } : {}) };
  }
  const getconf = /^glibc\s+(\d+\.\d+)\b/m.exec(text)?.[1];
  if (getconf) return { kind: 'glibc', version: getconf };
  const ldd = /^ldd \((?:GNU libc|[^)]*\bGLIBC\b[^)]*)\)\s+(\d+\.\d+)\b/m.exec(text)?.[1];
  return ldd ? { kind: 'glibc', version: ldd } : undefined;
}

export interface LibstdcxxFacts {
  /** The library read, when one was found. */
  path?: string;
  /** Every GLIBCXX_ version it provides, in ascending order. */
  versions: string[];
  newest?: string;
  has: boolean;
}

/** The probe prints "path <file>" then the library's GLIBCXX_ strings (`grep -ao`), or
 *  "none" when no libstdc++.so.6 was found. Undefined when the output says neither. */
export function parseLibstdcxx(text: string): LibstdcxxFacts | undefined {
  const path = /^path (\S+)$/m.exec(text)?.[1];
  const found = [...new Set(text.match(/GLIBCXX_\d+\.\d+(?:\.\d+)?/g) ?? [])];
  if (!path && !/^none$/m.test(text)) return undefined;
  const versions = found.sort((a, b) => compareVersions(versionParts(a.slice(8)), versionParts(b.slice(8))));
  const want = versionParts(REQUIRED_GLIBCXX.slice(8));
  return {
    ...(path ? { path } : {}),
    versions,
    ...(versions.length ? { newest: versions[versions.length - 1] } : {}),
    has: versions.some((v) => versionAtLeast(versionParts(v.slice(8)), want)),
  };
}

export interface DfRow { filesystem: string; blocks: number; used: number; available: number; mount: string }

/** POSIX `df -P` (sizes in 1K blocks with -k, or inodes with -i): header, then one row per
 *  argument. A long device name may wrap onto its own line (busybox): rejoined. */
export function parseDf(text: string): DfRow[] {
  const rows: DfRow[] = [];
  let carry = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = (carry ? `${carry} ${raw.trim()}` : raw.trim());
    if (!line || /^Filesystem\b/i.test(line)) { carry = ''; continue; }
    const f = line.split(/\s+/);
    if (f.length === 1) { carry = f[0]; continue; }
    carry = '';
    if (f.length < 6) continue;
    const [blocks, used, available] = [f[1], f[2], f[3]].map((x) => (x === '-' ? NaN : Number(x)));
    if (![blocks, used, available].every((n) => Number.isFinite(n))) continue;
    rows.push({ filesystem: f[0], blocks, used, available, mount: f.slice(5).join(' ') });
  }
  return rows;
}

export interface DiskFacts {
  home?: string;
  space: { home?: DfRow; tmp?: DfRow };
  inodes: { home?: DfRow; tmp?: DfRow };
  homeWritable: boolean;
  tmpWritable: boolean;
}

/** The disk command's output: "HOME=…", `df -Pk "$HOME" /tmp`, "---", `df -Pi "$HOME" /tmp`,
 *  "---", then "home-writable" / "tmp-writable" for what `test -w` confirms. */
export function parseDisk(text: string): DiskFacts | undefined {
  const parts = text.split(/^---$/m);
  if (parts.length < 3) return undefined;
  const home = /^HOME=(.*)$/m.exec(parts[0])?.[1]?.trim();
  const space = parseDf(parts[0].replace(/^HOME=.*$/m, ''));
  const inodes = parseDf(parts[1]);
  const pair = (rows: DfRow[]) => (rows.length >= 2 ? { home: rows[0], tmp: rows[1] } : {});
  return {
    ...(home ? { home } : {}),
    space: pair(space), inodes: pair(inodes),
    homeWritable: /^home-writable$/m.test(parts[2]), tmpWritable: /^tmp-writable$/m.test(parts[2]),
  };
}

/** /proc/mounts: "device mountpoint type options …" (octal escapes in the mount point). */
export function parseMounts(text: string): Array<{ mount: string; type: string; options: string[] }> {
  const out: Array<{ mount: string; type: string; options: string[] }> = [];
  for (const line of text.split(/\r?\n/)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4) continue;
    const mount = f[1].replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
    out.push({ mount, type: f[2], options: f[3].split(',') });
  }
  return out;
}

/** The options of the last mount whose point is `mount` (the one on top). */
export function mountOptions(mounts: ReturnType<typeof parseMounts>, mount: string): string[] | undefined {
  for (let i = mounts.length - 1; i >= 0; i--) if (mounts[i].mount === mount) return mounts[i].options;
  return undefined;
}

export interface ToolFacts { tar?: string; curl?: string; wget?: string }

/** "tar=/usr/bin/tar", "curl=" (empty: not on the login PATH). */
export function parseTools(text: string): ToolFacts | undefined {
  const out: ToolFacts = {};
  let seen = false;
  for (const m of text.matchAll(/^(tar|curl|wget)=(.*)$/gm)) {
    seen = true;
    const v = m[2].trim();
    if (v) out[m[1] as keyof ToolFacts] = v;
  }
  return seen ? out : undefined;
}

export interface DownloadFacts {
  tool?: 'curl' | 'wget';
  /** The last HTTP status curl saw (000 = no answer). */
  status?: number;
  exit?: number;
  ok: boolean;
}

/** "curl 200" + "exit=0", or "wget" + "exit=0", or "none" (neither is installed). */
export function parseDownload(text: string): DownloadFacts | undefined {
  if (/^none$/m.test(text)) return { ok: false };
  const curl = /^curl (\d{3})$/m.exec(text);
  const tool = curl ? 'curl' : /^wget$/m.test(text) ? 'wget' : undefined;
  const exit = /^exit=(\d+)$/m.exec(text)?.[1];
  if (!tool || exit === undefined) return undefined;
  const status = curl ? Number(curl[1]) : undefined;
  const ok = Number(exit) === 0 && (status === undefined || (status >= 200 && status < 400));
  return { tool, ...(status !== undefined ? { status } : {}), exit: Number(exit), ok };
}

/** One item of the section: its status, the verdict it stands for when it fails and stops
 *  VS Code's server (a non-blocking failure is a warning), and the facts its text uses. */
export interface ReadinessItem {
  id: ReadinessItemId;
  status: CheckStatus;
  blocks?: Extract<VerdictCode, 'REMOTE_SERVER_UNSUPPORTED' | 'DISK_FULL' | 'PORT_FORWARDING_DISABLED'>;
  /** Which message says it (readiness.<id>.<key> in messages.ts). */
  key: string;
  args: Record<string, string | number>;
}

const out = (ev: ReadinessEvidence, c: keyof ReadinessEvidence['outputs']): ReadinessOutput | undefined => ev.outputs[c];
/** Text of a command that ran to its end (a timeout or a broken channel reads as unknown). */
function textOf(o: ReadinessOutput | undefined): string | undefined {
  return o && !o.timedOut && !o.error ? o.stdout : undefined;
}
/** Why a command gave nothing usable: its timeout, its channel's error, or unreadable output. */
function unknownArgs(o: ReadinessOutput | undefined): { key: string; args: Record<string, string | number> } {
  if (!o) return { key: 'notRun', args: {} };
  if (o.timedOut) return { key: 'timeout', args: {} };
  if (o.error) return { key: 'channel', args: { detail: o.error } };
  return { key: 'unreadable', args: {} };
}
const kb = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} GB` : `${Math.round(n / 1024)} MB`);

function diskItem(ev: ReadinessEvidence): ReadinessItem {
  const o = out(ev, 'disk');
  const d = textOf(o) !== undefined ? parseDisk(o!.stdout) : undefined;
  if (!d || (!d.space.home && !d.space.tmp)) return { id: 'disk', status: 'skip', ...unknownArgs(o) };
  const mounts = textOf(out(ev, 'mounts')) !== undefined ? parseMounts(out(ev, 'mounts')!.stdout) : [];
  const problems: string[] = [];
  const where = (label: 'home' | 'tmp') => (label === 'home' ? d.home ?? '~' : '/tmp');
  for (const label of ['home', 'tmp'] as const) {
    const s = d.space[label];
    if (s && s.available < SERVER_SPACE_KB) problems.push(`space:${where(label)}:${kb(s.available)}`);
    const i = d.inodes[label];
    if (i && i.blocks > 0 && i.available < SERVER_INODES) problems.push(`inodes:${where(label)}:${i.available}`);
  }
  if (!d.homeWritable) problems.push(`readonly:${where('home')}`);
  const tmpMount = d.space.tmp?.mount;
  const noexec = tmpMount !== undefined && !!mountOptions(mounts, tmpMount)?.includes('noexec');
  const args = {
    home: where('home'), homeFree: d.space.home ? kb(d.space.home.available) : '?', tmpFree: d.space.tmp ? kb(d.space.tmp.available) : '?',
    homeInodes: d.inodes.home?.available ?? '?', tmpInodes: d.inodes.tmp?.available ?? '?', need: kb(SERVER_SPACE_KB), needInodes: SERVER_INODES,
  };
  if (problems.length) return { id: 'disk', status: 'fail', blocks: 'DISK_FULL', key: 'full', args: { ...args, problems: problems.join(' ') } };
  if (noexec) return { id: 'disk', status: 'warn', key: 'noexec', args: { ...args, mount: tmpMount } };
  return { id: 'disk', status: 'pass', key: 'ok', args };
}

/** The login worked but its session runs nothing: the first command ended with an error exit
 *  and no `uname` answer (e.g. PAM's session stack failed: pam_mkhomedir on a full /home makes
 *  OpenSSH 9.2 end every command with status 254). Its first line, as sshd/PAM printed it. */
export function sessionFailure(ev: ReadinessEvidence | undefined): { code: number; line: string } | undefined {
  const o = ev && !ev.skipped ? out(ev, 'system') : undefined;
  if (!o || o.timedOut || o.error || o.code === null || o.code === 0) return undefined;
  if (parseSystem(o.stdout).os) return undefined;
  return { code: o.code, line: `${o.stdout}\n${o.stderr}`.split(/\r?\n/).map((l) => l.trim()).find(Boolean)?.slice(0, 200) ?? '' };
}

/** Every item, in the order the section shows them. */
export function evaluateReadiness(ev: ReadinessEvidence): ReadinessItem[] {
  if (ev.skipped) return [{ id: 'session', status: 'skip', key: ev.skipped, args: {} }];
  const items: ReadinessItem[] = [];
  const sysOut = out(ev, 'system');
  const sys = textOf(sysOut) !== undefined ? parseSystem(sysOut!.stdout) : {};
  const failed = sessionFailure(ev);
  if (!sys.os && failed) return [{ id: 'session', status: 'warn', key: 'failed', args: { code: failed.code, line: failed.line } }];
  if (!sys.os) {
    // Not a POSIX shell that answers `uname` (Windows' OpenSSH, a restricted shell): these
    // checks are for Linux only, and nothing here says the server cannot run.
    return [{ id: 'session', status: 'skip', ...(textOf(sysOut) !== undefined ? { key: 'notLinux', args: {} } : unknownArgs(sysOut)) }];
  }
  const linux = sys.os === 'Linux';
  const libcOut = out(ev, 'libc');
  const libc = textOf(libcOut) !== undefined ? parseLibc(libcOut!.stdout) : undefined;
  const archOk = !!sys.arch && (SUPPORTED_ARCHES as readonly string[]).includes(sys.arch);
  if (!linux) items.push({ id: 'platform', status: 'fail', blocks: 'REMOTE_SERVER_UNSUPPORTED', key: 'notLinux', args: { os: sys.os } });
  else if (libc?.kind === 'musl') items.push({ id: 'platform', status: 'fail', blocks: 'REMOTE_SERVER_UNSUPPORTED', key: 'musl', args: { arch: sys.arch ?? '?' } });
  else if (!sys.arch) items.push({ id: 'platform', status: 'skip', key: 'unreadable', args: {} });
  else items.push({ id: 'platform', status: archOk ? 'pass' : 'fail', ...(archOk ? {} : { blocks: 'REMOTE_SERVER_UNSUPPORTED' as const }), key: archOk ? 'ok' : 'arch', args: { arch: sys.arch, supported: SUPPORTED_ARCHES.join(', ') } });

  const min = MIN_GLIBC.join('.');
  if (!linux || libc?.kind === 'musl') items.push({ id: 'glibc', status: 'skip', key: 'notGlibc', args: { min } });
  else if (!libc) items.push({ id: 'glibc', status: 'skip', ...unknownArgs(libcOut) });
  else {
    const ok = versionAtLeast(versionParts(libc.version), MIN_GLIBC);
    items.push({ id: 'glibc', status: ok ? 'pass' : 'fail', ...(ok ? {} : { blocks: 'REMOTE_SERVER_UNSUPPORTED' as const }), key: ok ? 'ok' : 'old', args: { version: libc.version, min } });
  }

  const cxxOut = out(ev, 'libstdcxx');
  const cxx = linux && libc?.kind !== 'musl' && textOf(cxxOut) !== undefined ? parseLibstdcxx(cxxOut!.stdout) : undefined;
  if (!linux || libc?.kind === 'musl') items.push({ id: 'libstdcxx', status: 'skip', key: 'notGlibc', args: { want: REQUIRED_GLIBCXX } });
  else if (!cxx) items.push({ id: 'libstdcxx', status: 'skip', ...unknownArgs(cxxOut) });
  else if (!cxx.path) items.push({ id: 'libstdcxx', status: 'fail', blocks: 'REMOTE_SERVER_UNSUPPORTED', key: 'missing', args: { want: REQUIRED_GLIBCXX } });
  else {
    items.push({
      id: 'libstdcxx', status: cxx.has ? 'pass' : 'fail', ...(cxx.has ? {} : { blocks: 'REMOTE_SERVER_UNSUPPORTED' as const }),
      key: cxx.has ? 'ok' : 'old', args: { path: cxx.path, newest: cxx.newest ?? '?', want: REQUIRED_GLIBCXX },
    });
  }

  const kmin = MIN_KERNEL.join('.');
  if (!linux) items.push({ id: 'kernel', status: 'skip', key: 'notLinux', args: { min: kmin } });
  else if (!sys.kernel) items.push({ id: 'kernel', status: 'skip', key: 'unreadable', args: {} });
  else {
    const ok = versionAtLeast(versionParts(sys.kernel), MIN_KERNEL);
    items.push({ id: 'kernel', status: ok ? 'pass' : 'fail', ...(ok ? {} : { blocks: 'REMOTE_SERVER_UNSUPPORTED' as const }), key: ok ? 'ok' : 'old', args: { version: sys.kernel, min: kmin } });
  }

  const toolsOut = out(ev, 'tools');
  const tools = textOf(toolsOut) !== undefined ? parseTools(toolsOut!.stdout) : undefined;
  if (!tools) items.push({ id: 'tar', status: 'skip', ...unknownArgs(toolsOut) });
  else if (tools.tar) items.push({ id: 'tar', status: 'pass', key: 'ok', args: { path: tools.tar } });
  else items.push({ id: 'tar', status: 'fail', blocks: 'REMOTE_SERVER_UNSUPPORTED', key: 'missing', args: {} });

  items.push(diskItem(ev));

  // Without curl or wget, or without a way out, Remote-SSH's default (localServerDownload
  // auto) downloads on the client and copies the server over: a warning, not a failure.
  if (!tools) items.push({ id: 'fetcher', status: 'skip', ...unknownArgs(toolsOut) });
  else if (tools.curl || tools.wget) items.push({ id: 'fetcher', status: 'pass', key: 'ok', args: { tool: tools.curl ?? tools.wget! } });
  else items.push({ id: 'fetcher', status: 'warn', key: 'missing', args: {} });

  const dlOut = out(ev, 'download');
  const dl = textOf(dlOut) !== undefined ? parseDownload(dlOut!.stdout) : undefined;
  const url = ev.downloadUrl ?? '?';
  if (tools && !tools.curl && !tools.wget) items.push({ id: 'download', status: 'skip', key: 'noTool', args: { url } });
  else if (dlOut?.timedOut) items.push({ id: 'download', status: 'warn', key: 'timeout', args: { url } });
  else if (!dl) items.push({ id: 'download', status: 'skip', ...unknownArgs(dlOut), args: { url } });
  else if (dl.ok) items.push({ id: 'download', status: 'pass', key: 'ok', args: { url, tool: dl.tool ?? '?', status: dl.status ?? '-' } });
  else {
    items.push({
      id: 'download', status: 'warn', key: dl.status && dl.status >= 400 ? 'http' : 'failed',
      args: { url, tool: dl.tool ?? '?', status: dl.status ?? '-', exit: dl.exit ?? '?' },
    });
  }

  const f = ev.forwarding;
  const cfg = textOf(out(ev, 'forwardingConfig'))?.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).slice(0, 4).join('; ');
  if (!f) items.push({ id: 'forwarding', status: 'skip', key: 'notRun', args: {} });
  else if (f.outcome === 'prohibited') {
    items.push({ id: 'forwarding', status: 'fail', blocks: 'PORT_FORWARDING_DISABLED', key: 'prohibited', args: { target: `${f.host}:${f.port}`, lines: cfg || '-' } });
  } else if (f.outcome === 'open' || f.outcome === 'refused') {
    items.push({ id: 'forwarding', status: 'pass', key: f.outcome, args: { target: `${f.host}:${f.port}` } });
  } else items.push({ id: 'forwarding', status: 'skip', key: f.outcome === 'timeout' ? 'timeout' : 'channel', args: { detail: f.message ?? '?' } });
  return items;
}

/** The verdict the section stands for: the first blocking failure, in the order VS Code meets
 *  them (can it run at all, can it be installed, can the client reach it). */
export function readinessVerdict(ev: ReadinessEvidence | undefined): ReadinessItem['blocks'] {
  if (!ev) return undefined;
  const items = evaluateReadiness(ev);
  for (const code of ['REMOTE_SERVER_UNSUPPORTED', 'DISK_FULL', 'PORT_FORWARDING_DISABLED'] as const) {
    if (items.some((i) => i.blocks === code)) return code;
  }
  return undefined;
}

/** Only glibc and libstdc++ are what VS Code's custom-sysroot workaround replaces. */
export function sysrootHelps(items: ReadinessItem[]): boolean {
  const failing = items.filter((i) => i.blocks === 'REMOTE_SERVER_UNSUPPORTED').map((i) => i.id);
  return failing.length > 0 && failing.every((id) => id === 'glibc' || id === 'libstdcxx');
}

/** A URL the instance may be asked to fetch: http(s), no credentials, nothing a shell or a
 *  quote could take apart (it goes into a fixed command, single-quoted). */
export function validDownloadUrl(raw: string): string | undefined {
  const s = raw.trim();
  if (!s || s.length > 2048 || /[\s'\\\u0000-\u001f\u007f]/.test(s)) return undefined;
  try {
    const u = new URL(s);
    if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.username || u.password || !u.hostname) return undefined;
    return u.toString();
  } catch {
    return undefined;
  }
}
