/**
 * Redaction for what leaves the user's machine (the ticket pack): no secret, credential,
 * passphrase, password, cloud key or VNC console URL. A report is built never to hold one, so
 * this is the second line of defence, applied to every string and every key of the value and
 * again to the finished files: the secrets the caller knows (the saved password, passphrase,
 * the Tencent Cloud SecretId/SecretKey) wherever they appear, plus the shapes of secrets
 * (private-key blocks, PuTTY keys, AKID… ids, TC3 signatures, `password=…`-style pairs,
 * credentials in URLs, VNC console and websocket URLs). Pure.
 */

export const REDACTED = '[redacted]';

/** Object keys whose value is a secret whatever it looks like. */
const SECRET_KEY_NAME = /^(?:password|passwd|passphrase|privatekey|private_key|secretkey|secret_key|secretid|secret_id|secret|token|sessiontoken|session_token|authorization|credentials?|vncurl|instancevncurl|vnc_url)$/i;

const PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  // PEM / OpenSSH private keys (also one cut short).
  [/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g, '[private key redacted]'],
  // PuTTY private keys.
  [/PuTTY-User-Key-File-\d+:[\s\S]*?(?:Private-MAC:\s*[0-9a-fA-F]+|$)/g, '[private key redacted]'],
  // The console's VNC page (its query holds a one-time websocket URL), any websocket URL.
  [/\bhttps?:\/\/[^\s"'<>`]*?(?:InstanceVncUrl|active_vnc|novnc|vnc)[^\s"'<>`]*/gi, '[VNC URL redacted]'],
  [/\bwss?:\/\/[^\s"'<>`]+/gi, '[VNC URL redacted]'],
  // Tencent Cloud SecretId.
  [/\bAKID[A-Za-z0-9]{12,}/g, '[SecretId redacted]'],
  // A TC3-HMAC-SHA256 Authorization header (credential scope and signature).
  [/TC3-HMAC-SHA256\s+Credential=[^\s"']+/gi, '[signature redacted]'],
  [/\bSignature=[0-9a-fA-F]{16,}/g, `Signature=${REDACTED}`],
  // key=value, key: value, "key": "value" for keys that name a secret.
  [/(\b(?:password|passwd|passphrase|secret[_-]?key|secret[_-]?id|secretkey|secretid|session[_-]?token|token|api[_-]?key|TENCENTCLOUD_SECRET_(?:ID|KEY)|TENCENTCLOUD_SESSION_TOKEN|X-TC-Token|InstanceVncUrl)\b["']?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;&"'}]+)/gi, `$1${REDACTED}`],
  // user:password@ in a URL.
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@:"'`]+:[^\s/@"'`]+@/gi, `$1${REDACTED}@`],
];

/** Escapes a string for a RegExp. */
const literal = (s: string): RegExp => new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'g');

/** The known secrets, longest first (so a secret containing another is removed whole); values
 *  shorter than 3 characters would redact ordinary text and are not secrets worth the name. */
function prepared(secrets: readonly (string | undefined)[]): RegExp[] {
  return [...new Set(secrets.filter((s): s is string => typeof s === 'string' && s.length >= 3))]
    .sort((a, b) => b.length - a.length)
    .map(literal);
}

export interface Redactor {
  text(s: string): string;
  value<T>(v: T): T;
}

export function redactor(secrets: readonly (string | undefined)[] = []): Redactor {
  const known = prepared(secrets);
  const text = (s: string): string => {
    let out = s;
    for (const re of known) out = out.replace(re, REDACTED);
    for (const [re, to] of PATTERNS) out = out.replace(re, to);
    return out;
  };
  const value = <T>(v: T): T => walk(v, text, 0) as T;
  return { text, value };
}

const MAX_DEPTH = 64;

function walk(v: unknown, text: (s: string) => string, depth: number): unknown {
  if (typeof v === 'string') return text(v);
  if (depth > MAX_DEPTH || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => walk(x, text, depth + 1));
  if (Buffer.isBuffer(v)) return REDACTED;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    // A key can carry a secret too (a map keyed by value): it is redacted like any text.
    const key = text(k);
    out[key] = SECRET_KEY_NAME.test(k) && x !== undefined && x !== null && x !== false ? REDACTED : walk(x, text, depth + 1);
  }
  return out;
}
