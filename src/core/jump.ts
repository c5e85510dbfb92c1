/**
 * Jump chains (OpenSSH ProxyJump, `ssh -J`): the one parser of `[user@]host[:port][,...]`
 * (IPv6 in brackets, `ssh://` URIs as OpenSSH also accepts), its printer back to `-J` syntax,
 * and the names of the per-hop checks. Used by the CLI's `--jump`, the extension's "Jump
 * through" field and the ssh_config import (ProxyJump). Pure.
 */
import type { CheckId, JumpHop, Lang, Target } from './model';
import { InputError, isIPv6, parseHost, parsePort, parseUser } from './validate';
import { msg } from './messages';

/** More hops than this is a configuration loop or a mistake, not a network. */
export const MAX_JUMP_HOPS = 8;

/** One element of a ProxyJump list as written: what the user typed, before any ssh_config
 *  lookup (`host` may be an alias of the user's ssh_config). */
export interface JumpSpec {
  host: string;
  port?: number;
  user?: string;
}

/**
 * `[user@]host[:port]` → its parts. `[fd00::1]:2222` and a bare IPv6 literal without a port
 * are accepted; `ssh://user@host:port` too (OpenSSH 8.0+ takes URIs in ProxyJump).
 */
export function parseJumpSpec(value: string, field = '--jump'): JumpSpec {
  let v = value.trim();
  if (v === '') throw new InputError(field, 'has an empty hop (two commas, or a comma at an end)');
  if (/^ssh:\/\//i.test(v)) v = v.slice('ssh://'.length).replace(/\/$/, '');
  let user: string | undefined;
  const at = v.lastIndexOf('@');
  if (at >= 0) {
    user = parseUser(v.slice(0, at), field);
    v = v.slice(at + 1);
  }
  let host: string;
  let port: number | undefined;
  if (v.startsWith('[')) {
    const close = v.indexOf(']');
    if (close < 0) throw new InputError(field, `"${v}" has no closing "]"`);
    host = v.slice(1, close);
    if (!isIPv6(host)) throw new InputError(field, `"${host}" in brackets is not an IPv6 address`);
    const rest = v.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) throw new InputError(field, `unexpected "${rest}" after "]"`);
      port = parsePort(rest.slice(1), field);
    }
  } else if (isIPv6(v)) {
    host = v;
  } else {
    const colon = v.lastIndexOf(':');
    if (colon >= 0) {
      port = parsePort(v.slice(colon + 1), field);
      v = v.slice(0, colon);
    }
    host = v;
  }
  return { host: parseHost(host, field), ...(port !== undefined ? { port } : {}), ...(user !== undefined ? { user } : {}) };
}

/** A comma-separated chain; "none" (as in ssh_config) is the empty chain. */
export function parseJumpList(value: string, field = '--jump'): JumpSpec[] {
  const v = value.trim();
  if (v.toLowerCase() === 'none') return [];
  const specs = v.split(',').map((s) => parseJumpSpec(s, field));
  if (specs.length > MAX_JUMP_HOPS) throw new InputError(field, `at most ${MAX_JUMP_HOPS} hops (got ${specs.length})`);
  return specs;
}

/** One hop in `-J` syntax: `user@host:port`, IPv6 in brackets, `:22` left out. */
export function formatJumpHop(h: Pick<JumpHop, 'host' | 'port' | 'user'>): string {
  const host = isIPv6(h.host) ? `[${h.host}]` : h.host;
  return `${h.user ? `${h.user}@` : ''}${host}${h.port !== 22 ? `:${h.port}` : ''}`;
}

/** The chain as `ssh -J` (and ProxyJump) takes it; '' for no chain. What the ssh command and
 *  the Remote-SSH handoff pass on. */
export function formatJumpChain(hops: ReadonlyArray<Pick<JumpHop, 'host' | 'port' | 'user'>>): string {
  return hops.map(formatJumpHop).join(',');
}

/** The hops of a diagnosis in order: the bastions, then the target itself (the last hop). */
export function hopTargets(target: Target): Target[] {
  const jump = target.jump ?? [];
  // Each hop keeps the hops before it (its `-J` in commands shown for it).
  const bastions = jump.map((h, i): Target => ({
    host: h.host, port: h.port, protocol: 'ssh',
    // As with `ssh -J`: a hop's own user (the caller fills in ssh's default), not the target's.
    ...(h.user !== undefined ? { user: h.user } : {}),
    knownHostsPath: h.knownHostsPath ?? target.knownHostsPath,
    ...(target.acceptNewHostKey ? { acceptNewHostKey: true } : {}),
    altPorts: target.protocol === 'ssh' ? target.altPorts : [],
    timeoutMs: target.timeoutMs,
    icmp: target.icmp,
    ...(h.name ? { name: h.name } : {}),
    ...(h.cloud ? { cloud: h.cloud } : {}),
    ...(i > 0 ? { jump: jump.slice(0, i) } : {}),
  }));
  return [...bastions, target];
}

/** The whole path of a report's target, hop by hop: "ops@bastion → 10.0.1.5:22"; '' without a chain. */
export function pathText(t: { host: string; port: number; user?: string; jump?: ReadonlyArray<Pick<JumpHop, 'host' | 'port' | 'user'>> }): string {
  if (!t.jump?.length) return '';
  return [...t.jump.map(formatJumpHop), `${t.user ? `${t.user}@` : ''}${isIPv6(t.host) ? `[${t.host}]` : t.host}:${t.port}`].join(' → ');
}

/** Check ids of a hop: `hop2.tcp`. */
export function hopCheckId(hop: number, id: CheckId): `hop${number}.${CheckId}` {
  return `hop${hop}.${id}`;
}

/** The layer of a check id, with or without its hop: `hop2.tcp` → { hop: 2, layer: 'tcp' }. */
export function checkLayer(id: string): { hop?: number; layer: CheckId } {
  const m = /^hop(\d+)\.(.+)$/.exec(id);
  return m ? { hop: Number(m[1]), layer: m[2] as CheckId } : { layer: id as CheckId };
}

/** A check's display name: "TCP connect", or "Hop 2 · TCP connect". */
export function checkName(id: string, lang: Lang): string {
  const { hop, layer } = checkLayer(id);
  const base = msg(lang, `check.${layer}`);
  return hop === undefined ? base : `${msg(lang, 'jump.hopLabel', { n: hop })} · ${base}`;
}

/** What ssh_config says about one host, as the ProxyJump resolver needs it. */
export interface HostConfig {
  hostName: string;
  port: number;
  user?: string;
  identityFile?: string;
  /** Its own ProxyJump (raw), if any. */
  proxyJump?: string;
}

export class JumpLoopError extends InputError {
  constructor(field: string, readonly path: string[]) {
    super(field, `ProxyJump loop: ${path.join(' → ')}`);
    this.name = 'JumpLoopError';
  }
}

/**
 * A ProxyJump value → the hops, as OpenSSH builds them: each element is looked up in
 * ssh_config (`lookup(alias)`: its HostName, Port, User, IdentityFile); a `user@` or `:port`
 * written in the element wins over its block. For `ProxyJump a,b` ssh runs
 * `ssh -J a -W %h:%p b`, so the first element's own ProxyJump is followed (its hops come
 * first) and the later elements' are overridden by the list. A chain that comes back to a
 * host already on it is a loop: refused (JumpLoopError) rather than followed.
 *
 * `from` is the host whose ProxyJump this is (for the loop message). `defaults.user` is the
 * user of a hop that has none (ssh's: the local user name).
 */
export function proxyJumpChain(
  value: string, lookup: (alias: string) => HostConfig, opts: { from: string; defaultUser?: string; field?: string } = { from: '' },
  visiting: string[] = [],
): JumpHop[] {
  const field = opts.field ?? 'ProxyJump';
  const path = [...visiting, opts.from];
  const specs = parseJumpList(value, field);
  const hops: JumpHop[] = [];
  specs.forEach((s, i) => {
    const key = s.host.toLowerCase();
    if (path.some((p) => p.toLowerCase() === key)) throw new JumpLoopError(field, [...path, s.host]);
    const c = lookup(s.host);
    if (i === 0 && c.proxyJump !== undefined && c.proxyJump.trim().toLowerCase() !== 'none') {
      hops.push(...proxyJumpChain(c.proxyJump, lookup, { ...opts, from: s.host }, path));
    }
    const user = s.user ?? c.user ?? opts.defaultUser;
    hops.push({
      host: parseHost(c.hostName, field), port: s.port ?? c.port,
      ...(user !== undefined ? { user } : {}),
      ...(c.identityFile !== undefined ? { identityFile: c.identityFile } : {}),
      ...(c.hostName !== s.host ? { name: s.host } : {}),
    });
  });
  if (hops.length > MAX_JUMP_HOPS) throw new InputError(field, `at most ${MAX_JUMP_HOPS} hops (got ${hops.length})`);
  return hops;
}

/**
 * The classic spelling of a jump, `ProxyCommand ssh -W %h:%p [options] bastion`, as the
 * ProxyJump element it is; undefined for any other ProxyCommand (never run: its path cannot
 * be followed). Options understood: -p PORT, -l USER, -i FILE and flags without a value.
 */
export function proxyCommandJump(command: string): (JumpSpec & { identityFile?: string }) | undefined {
  const argv = command.trim().split(/\s+/);
  if (!/(^|\/)ssh(\.exe)?$/.test(argv[0] ?? '')) return undefined;
  let w = false;
  let dest: string | undefined;
  let port: number | undefined;
  let user: string | undefined;
  let identityFile: string | undefined;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-W') {
      if (!/^(%h|\[%h\]):%p$/.test(argv[++i] ?? '')) return undefined;
      w = true;
    } else if (a === '-p' || a === '-l' || a === '-i') {
      const v = argv[++i];
      if (v === undefined) return undefined;
      if (a === '-p') { if (!/^\d+$/.test(v)) return undefined; port = Number(v); }
      else if (a === '-l') user = v;
      else identityFile = v;
    } else if (/^-[46AaCfGgKkMNnqsTtVvXxYy]+$/.test(a)) {
      continue;
    } else if (a.startsWith('-') || dest !== undefined || /%/.test(a)) {
      return undefined; // an option we do not model, a second destination, or a token to expand
    } else {
      dest = a;
    }
  }
  if (!w || !dest) return undefined;
  let spec: JumpSpec;
  try {
    spec = parseJumpSpec(dest, 'ProxyCommand');
  } catch {
    return undefined;
  }
  return {
    ...spec,
    ...(port !== undefined && spec.port === undefined ? { port } : {}),
    ...(user !== undefined && spec.user === undefined ? { user } : {}),
    ...(identityFile !== undefined ? { identityFile } : {}),
  };
}
