/**
 * Reads ~/.ssh/config into importable hosts without running anything: the file is only
 * *parsed* (ssh-config's `compute()` would run `Match exec` commands through a shell), Match
 * blocks are never evaluated, and `Include` is expanded here (globs, relative to ~/.ssh).
 * Wildcard Host patterns are not importable hosts but still supply defaults, first value
 * wins as in ssh(1). Used by the extension's import and by any CLI command that reads the
 * user's hosts.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import SSHConfig, { LineType, glob, type Line } from 'ssh-config';
import { proxyCommandJump, proxyJumpChain, type HostConfig } from '../core/jump';
import { defaultSshConfigPath, expandHome } from './homePath';
import { localUserName } from './localUser';
import type { JumpHop } from '../core/model';

export interface ImportedHost {
  alias: string;
  hostName: string;
  port: number;
  user?: string;
  identityFile?: string;
  /** File the Host block came from. */
  source: string;
  /** ProxyJump (or `ProxyCommand ssh -W %h:%p bastion`), each hop's own Host block resolved. */
  jump?: JumpHop[];
  /** A ProxyCommand that is not a plain jump: never run, so this host's path cannot be followed. */
  proxyCommand?: string;
  /** Why the ProxyJump could not be used (a loop, a malformed hop): one line naming it. */
  jumpError?: string;
}

interface Block {
  /** null: global (before any Host); 'match': a Match block (never evaluated, skipped). */
  patterns: string[] | null | 'match';
  params: Array<[string, string]>;
  source: string;
}

const MAX_INCLUDE_DEPTH = 16;
const WANTED = new Set(['hostname', 'port', 'user', 'identityfile', 'hashknownhosts', 'proxyjump', 'proxycommand']);

type Value = string | Array<{ val: string }>;

function valueOf(v: Value): string {
  if (typeof v === 'string') return v;
  return v.map((x) => x.val).join(' ');
}
function valuesOf(v: Value): string[] {
  return typeof v === 'string' ? v.split(/\s+/).filter(Boolean) : v.map((x) => x.val);
}

/** Expands a path with * and ? in any segment (no `**`), sorted like glob(3). */
export function expandGlob(pattern: string): string[] {
  const abs = path.resolve(pattern);
  const parts = abs.split(path.sep).filter((s, i) => i === 0 || s !== '');
  let current = [parts[0] === '' ? path.sep : parts[0]];
  for (const seg of parts.slice(1)) {
    const next: string[] = [];
    for (const dir of current) {
      if (!/[*?[]/.test(seg)) {
        next.push(path.join(dir, seg));
        continue;
      }
      const re = new RegExp('^' + seg.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]') + '$');
      let names: string[] = [];
      try {
        names = fs.readdirSync(dir);
      } catch {
        continue;
      }
      for (const n of names.sort()) if (!n.startsWith('.') && re.test(n)) next.push(path.join(dir, n));
    }
    current = next;
  }
  return current.filter((f) => {
    try {
      return fs.statSync(f).isFile();
    } catch {
      return false;
    }
  });
}

function collect(file: string, home: string, depth: number, out: Block[], seen: Set<string>, into?: Block): void {
  if (depth > MAX_INCLUDE_DEPTH) return;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return;
  }
  const real = (() => { try { return fs.realpathSync(file); } catch { return file; } })();
  if (seen.has(real)) return; // include loop
  seen.add(real);
  const sshDir = path.join(home, '.ssh');
  const config = SSHConfig.parse(text);
  let current: Block | undefined = into;
  const includeFrom = (value: string, block: Block | undefined) => {
    for (const pat of valuesOf(value)) {
      const p = expandHome(pat, home);
      for (const f of expandGlob(path.isAbsolute(p) ? p : path.join(sshDir, p))) collect(f, home, depth + 1, out, seen, block);
    }
  };
  const handle = (line: Line, block: Block | undefined) => {
    if (line.type !== LineType.DIRECTIVE) return;
    if (block?.patterns === 'match') return; // Match blocks are never evaluated nor followed
    const param = line.param.toLowerCase();
    if (param === 'include') return includeFrom(valueOf(line.value), block);
    if (WANTED.has(param)) {
      const target = block ?? (current ??= { patterns: null, params: [], source: file });
      target.params.push([param, valueOf(line.value)]);
    }
  };
  for (const line of config) {
    if (line.type !== LineType.DIRECTIVE) continue;
    const param = line.param.toLowerCase();
    if ((param === 'host' || param === 'match') && 'config' in line) {
      const block: Block = {
        patterns: param === 'match' ? 'match' : valuesOf(line.value),
        params: [],
        source: file,
      };
      out.push(block);
      current = block;
      for (const inner of line.config) handle(inner, block);
    } else {
      if (!current) {
        current = { patterns: null, params: [], source: file };
        out.push(current);
      }
      handle(line, current);
    }
  }
  seen.delete(real);
}

function matches(patterns: string[], alias: string): boolean {
  // ssh-config's glob implements ssh_config PATTERNS, negation (!) included.
  return glob(patterns, alias);
}

/** Parses `file` (default ~/.ssh/config) and returns one entry per concrete Host alias. */
export function readSshConfigHosts(file?: string, home = os.homedir()): ImportedHost[] {
  const blocks: Block[] = [];
  collect(file ?? defaultSshConfigPath(home), home, 0, blocks, new Set());
  const aliases: Array<{ alias: string; source: string }> = [];
  const seenAlias = new Set<string>();
  for (const b of blocks) {
    if (!Array.isArray(b.patterns)) continue;
    for (const p of b.patterns) {
      if (p.startsWith('!') || /[*?]/.test(p) || seenAlias.has(p)) continue; // wildcard: not a host
      seenAlias.add(p);
      aliases.push({ alias: p, source: b.source });
    }
  }
  const { valuesFor, hostConfig } = lookups(blocks, home);
  return aliases.map(({ alias, source }): ImportedHost => {
    const c = hostConfig(alias);
    const v = valuesFor(alias);
    const out: ImportedHost = { alias, hostName: c.hostName, port: c.port, user: c.user, identityFile: c.identityFile, source };
    const command = v.proxyjump === undefined && v.proxycommand && v.proxycommand.trim().toLowerCase() !== 'none' ? v.proxycommand : undefined;
    if (command !== undefined && c.proxyJump === undefined) {
      out.proxyCommand = command;
      return out;
    }
    if (c.proxyJump === undefined || c.proxyJump.trim().toLowerCase() === 'none') return out;
    try {
      const jump = proxyJumpChain(c.proxyJump, hostConfig, { from: alias, defaultUser: localUserName() });
      if (jump.length) out.jump = jump;
    } catch (e) {
      out.jumpError = (e as Error).message;
    }
    return out;
  });
}

/** What ssh_config says for any alias (wildcard blocks apply; first value wins): the
 *  ProxyJump resolver's lookup (core/jump.ts proxyJumpChain). */
function lookups(blocks: Block[], home: string): { valuesFor: (alias: string) => Record<string, string>; hostConfig: (alias: string) => HostConfig } {
  const valuesFor = (alias: string): Record<string, string> => {
    const v: Record<string, string> = {};
    for (const b of blocks) {
      if (b.patterns === 'match') continue; // never evaluated
      if (b.patterns !== null && !matches(b.patterns, alias)) continue;
      for (const [k, val] of b.params) if (!(k in v)) v[k] = val;
    }
    return v;
  };
  function hostConfig(alias: string): HostConfig {
    const v = valuesFor(alias);
    const port = Number(v.port);
    // ProxyJump and ProxyCommand: the first of the two wins, as in ssh(1).
    const jump = v.proxyjump ?? (v.proxycommand ? proxyCommandJumpText(v.proxycommand) : undefined);
    return {
      hostName: (v.hostname ?? alias).replace(/%h/g, alias),
      port: Number.isInteger(port) && port > 0 && port < 65536 ? port : 22,
      ...(v.user ? { user: v.user } : {}),
      ...(v.identityfile ? { identityFile: expandHome(v.identityfile, home) } : {}),
      ...(jump !== undefined ? { proxyJump: jump } : {}),
    };
  }
  return { valuesFor, hostConfig };
}

/**
 * The lookup for hops named on the command line (`--jump bastion`): each hop's own Host block
 * of `file` (default ~/.ssh/config) gives its HostName, Port, User, IdentityFile and
 * ProxyJump, as `ssh -J` reads them. Parsed only, never evaluated (Match, exec).
 */
export function sshConfigLookup(file?: string, home = os.homedir()): (alias: string) => HostConfig {
  const blocks: Block[] = [];
  collect(file ?? defaultSshConfigPath(home), home, 0, blocks, new Set());
  return lookups(blocks, home).hostConfig;
}

/** `ProxyCommand ssh -W %h:%p [opts] bastion` → the ProxyJump element it spells (its -i, if
 *  any, is not carried: the bastion's own Host block or the diagnosis's key serve it). */
function proxyCommandJumpText(command: string): string | undefined {
  const j = proxyCommandJump(command);
  if (!j) return undefined;
  const host = j.host.includes(':') ? `[${j.host}]` : j.host;
  return `${j.user ? `${j.user}@` : ''}${host}${j.port !== undefined ? `:${j.port}` : ''}`;
}

/** The first value ssh(1) would take for `param` (lowercase) when connecting to `host`:
 *  Host blocks that match it and global lines, in file order (Match blocks are never
 *  evaluated). Undefined when nothing sets it. */
export function sshConfigOption(host: string, param: string, file?: string, home = os.homedir()): string | undefined {
  const blocks: Block[] = [];
  collect(file ?? defaultSshConfigPath(home), home, 0, blocks, new Set());
  for (const b of blocks) {
    if (b.patterns === 'match') continue;
    if (b.patterns !== null && !matches(b.patterns, host)) continue;
    const hit = b.params.find(([k]) => k === param.toLowerCase());
    if (hit) return hit[1];
  }
  return undefined;
}
