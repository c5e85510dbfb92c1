/**
 * What people paste into a "host" box, read into its parts: `host`, `user@host`, `host:port`,
 * `[v6]:port`, `user@[v6]:port`, a bare IPv6 literal, `ssh://user@host:port`, or a whole
 * `ssh` command line (`ssh -p 2222 -l root -i ~/.ssh/key -J bastion host`, options before or
 * after the destination as OpenSSH takes them, `-o Port=…`, `-o User=…`, …). Pure: nothing
 * is run or resolved; the words are split as a POSIX shell would (quotes, backslashes) only to
 * read them. Each part is checked with core's own validators, so a bad part throws the same
 * InputError the CLI reports.
 */
import { InputError, isIPv6, isUserName, parseHost, parsePort } from './validate';

export interface PastedHost {
  host: string;
  port?: number;
  user?: string;
  identityFile?: string;
  /** `-J` / `-o ProxyJump=` as given (hops are parsed where the jump field is handled). */
  jump?: string;
  /** True when the text was an `ssh` command line or an ssh:// URL. */
  fromSsh: boolean;
}

/** OpenSSH client options that take an argument (ssh(1) SYNOPSIS); the rest are flags. */
const WITH_ARGUMENT = new Set('BbcDEeFIiJLlmOoPpQRSWw'.split(''));
const FLAGS = new Set('46AaCfGgKkMNnqsTtVvXxYy'.split(''));

/** Splits a command line into words as sh would, without expanding anything. */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else cur += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1])) cur += text[++i];
      else cur += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      cur += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) throw new InputError('host', 'has an unclosed quote', { kind: 'unclosedQuote' });
  if (inWord) words.push(cur);
  return words;
}

/** `[v6]:port`, `host:port`, `v6`, `host` → host and optional port (validated). */
function hostAndPort(s: string): { host: string; port?: number } {
  const bracket = /^\[([^\]]+)\](?::(.*))?$/.exec(s);
  if (bracket) return { host: parseHost(bracket[1]), ...(bracket[2] !== undefined ? { port: parsePort(bracket[2]) } : {}) };
  if (isIPv6(s)) return { host: s };
  const i = s.lastIndexOf(':');
  if (i > 0 && s.indexOf(':') === i) return { host: parseHost(s.slice(0, i)), port: parsePort(s.slice(i + 1)) };
  return { host: parseHost(s) };
}

/** `user@rest` (the last "@", as ssh takes it) → user and the rest. */
function splitUser(s: string): { user?: string; rest: string } {
  const at = s.lastIndexOf('@');
  if (at < 0) return { rest: s };
  const user = s.slice(0, at);
  if (!isUserName(user)) throw new InputError('user', `"${user}" is not a valid user name`, { kind: 'user', value: user });
  return { user, rest: s.slice(at + 1) };
}

/** `ssh://[user@]host[:port]` (RFC-style URI; a path is not expected and is refused). */
function fromUri(s: string): PastedHost {
  const rest = s.slice('ssh://'.length).replace(/\/$/, '');
  if (rest.includes('/')) throw new InputError('host', `"${s}" is not a host`, { kind: 'host', value: s });
  let decoded: string;
  try {
    decoded = decodeURIComponent(rest);
  } catch {
    throw new InputError('host', `"${s}" is not a host`, { kind: 'host', value: s });
  }
  const { user, rest: hp } = splitUser(decoded);
  return { ...hostAndPort(hp), ...(user ? { user } : {}), fromSsh: true };
}

/** Sets `k` unless an earlier option set it: OpenSSH keeps the first value of each (a later
 *  `-p`, `-l`, `-o Port=` or the destination's `user@` does not override an earlier one). */
function first<K extends 'port' | 'user' | 'identityFile' | 'jump' | 'host'>(o: Partial<PastedHost>, k: K, v: PastedHost[K]): void {
  if (o[k] === undefined && v !== undefined) o[k] = v;
}

/** `-o Key=value` / `-o "Key value"`: the options we keep; the others are ignored. */
function applyOption(o: Partial<PastedHost>, value: string): void {
  const m = /^\s*([A-Za-z]+)\s*(?:=|\s)\s*(.*?)\s*$/.exec(value);
  if (!m) return;
  const key = m[1].toLowerCase();
  const v = m[2];
  if (key === 'port') first(o, 'port', parsePort(v));
  else if (key === 'user') first(o, 'user', userOf(v));
  else if (key === 'identityfile') first(o, 'identityFile', v);
  else if (key === 'proxyjump') first(o, 'jump', v);
  else if (key === 'hostname') first(o, 'host', parseHost(v));
}

function userOf(v: string): string {
  if (!isUserName(v)) throw new InputError('user', `"${v}" is not a valid user name`, { kind: 'user', value: v });
  return v;
}

/** The destination word: `[user@]host[:port]`, `[user@][v6][:port]` or an ssh:// URI. */
function destinationOf(w: string): { host: string; port?: number; user?: string } {
  if (w.startsWith('ssh://')) return fromUri(w);
  const { user, rest } = splitUser(w);
  // `host:port` is not ssh's own syntax, but what the person meant is plain.
  return { ...hostAndPort(rest), ...(user ? { user } : {}) };
}

function fromSshCommand(words: string[]): PastedHost {
  const o: Partial<PastedHost> = {};
  let destination: { host: string; port?: number; user?: string } | undefined;
  let i = 1;
  // OpenSSH reads options before the destination and again right after it; the first word
  // after that is the remote command, which is not ours to keep.
  while (i < words.length) {
    const w = words[i++];
    if (w === '--') {
      if (!destination && i < words.length) destination = destinationOf(words[i++]);
      break;
    }
    if (w.startsWith('-') && w.length > 1) {
      for (let j = 1; j < w.length; j++) {
        const letter = w[j];
        if (FLAGS.has(letter)) continue;
        if (!WITH_ARGUMENT.has(letter)) throw new InputError('host', `ssh has no option -${letter}`, { kind: 'sshOption', value: `-${letter}` });
        let arg = w.slice(j + 1);
        if (arg === '') {
          if (i >= words.length) throw new InputError('host', `-${letter} needs a value`, { kind: 'missingValue', value: `-${letter}` });
          arg = words[i++];
        }
        if (letter === 'p') first(o, 'port', parsePort(arg));
        else if (letter === 'l') first(o, 'user', userOf(arg));
        else if (letter === 'i') first(o, 'identityFile', arg); // ssh tries every -i; we keep the first
        else if (letter === 'J') first(o, 'jump', arg);
        else if (letter === 'o') applyOption(o, arg);
        break;
      }
      continue;
    }
    if (destination) break; // the remote command starts here
    destination = destinationOf(w);
    first(o, 'user', destination.user);
    first(o, 'port', destination.port);
  }
  if (!destination) throw new InputError('host', 'the ssh command names no host', { kind: 'noHost' });
  return {
    host: o.host ?? destination.host, // -o HostName= names the address ssh connects to
    ...(o.port !== undefined ? { port: o.port } : {}),
    ...(o.user ? { user: o.user } : {}),
    ...(o.identityFile ? { identityFile: o.identityFile } : {}),
    ...(o.jump ? { jump: o.jump } : {}),
    fromSsh: true,
  };
}

/** Reads pasted text into a host and what else it names; throws InputError when it is not one. */
export function parseHostPaste(text: string): PastedHost {
  const s = text.trim();
  if (s === '') throw new InputError('host', 'is required (a host name or an IP address)', { kind: 'required' });
  if (s.startsWith('ssh://')) return fromUri(s);
  const words = splitWords(s);
  if (words.length > 1 && /^(?:.*\/)?ssh$/.test(words[0])) return fromSshCommand(words);
  if (words.length !== 1) throw new InputError('host', `"${s}" is not a host name or IP address`, { kind: 'host', value: s });
  const { user, rest } = splitUser(words[0]);
  return { ...hostAndPort(rest), ...(user ? { user } : {}), fromSsh: false };
}
