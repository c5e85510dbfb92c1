/**
 * `[user@]host[:port]`, the way people write an SSH destination (a hosts file's line, a jump
 * hop): IPv6 literals in brackets when a port follows (`[fd00::5]:2222`), bare otherwise.
 * Each part goes through the one validator for it (validate.ts), so the messages name the
 * field and say what is wrong exactly as the CLI flags do.
 */
import { InputError, isIPv6, parseHost, parsePort, parseUser } from './validate';

export interface HostSpec {
  host: string;
  user?: string;
  port?: number;
}

export function parseHostSpec(text: string, field: string): HostSpec {
  const v = text.trim();
  if (v === '') throw new InputError(field, 'is empty (expected [user@]host[:port])');
  if (/\s/.test(v)) throw new InputError(field, `"${v.length > 60 ? `${v.slice(0, 57)}...` : v}" contains a space (expected [user@]host[:port])`);
  // The last "@" separates the user: a login name may not contain one, but be exact about it.
  const at = v.lastIndexOf('@');
  const user = at >= 0 ? parseUser(v.slice(0, at), field) : undefined;
  const rest = at >= 0 ? v.slice(at + 1) : v;
  let hostPart = rest;
  let portPart: string | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) throw new InputError(field, `"${rest}" opens "[" without closing it`);
    hostPart = rest.slice(1, close);
    const after = rest.slice(close + 1);
    if (after !== '') {
      if (!after.startsWith(':')) throw new InputError(field, `unexpected "${after}" after "]" (expected :port)`);
      portPart = after.slice(1);
    }
  } else if (!isIPv6(rest)) {
    // A bare IPv6 literal has colons of its own; anything else has at most one, before the port.
    const colon = rest.lastIndexOf(':');
    if (colon >= 0) {
      if (rest.indexOf(':') !== colon) throw new InputError(field, `"${rest}" is not a host name or address (IPv6 with a port goes in brackets: [addr]:port)`);
      hostPart = rest.slice(0, colon);
      portPart = rest.slice(colon + 1);
    }
  }
  const host = parseHost(hostPart, field);
  const port = portPart === undefined ? undefined : parsePort(portPart, field);
  return { host, ...(user !== undefined ? { user } : {}), ...(port !== undefined ? { port } : {}) };
}
