/**
 * SSH algorithm negotiation as RFC 4253 §7.1 defines it, over plain name-lists: which
 * categories a client and a server have nothing in common in, what enabling an algorithm
 * would change, and which algorithms count as legacy. Pure: the probes feed it the server's
 * KEXINIT and each local client's lists, and the verdict relies on its answer never to blame
 * the server for a gap of CVM Doctor's own SSH library.
 */
import type { AlgorithmCategory, NegotiationEvidence, ServerAlgorithms } from './model';

export const ALGORITHM_CATEGORIES: readonly AlgorithmCategory[] = ['kex', 'serverHostKey', 'cipher', 'mac'];

export type AlgorithmLists = Record<AlgorithmCategory, string[]>;

/** Ciphers that authenticate themselves: with one of these, no MAC is negotiated. */
const AEAD = new Set(['chacha20-poly1305@openssh.com', 'aes128-gcm@openssh.com', 'aes256-gcm@openssh.com', 'aes128-gcm', 'aes256-gcm']);

/** Protocol markers in a KEXINIT kex list: signals, not algorithms anyone negotiates. */
export function isProtocolMarker(name: string): boolean {
  return /^(ext-info-[cs]|kex-strict-[cs](-v00@openssh\.com)?)$/.test(name);
}

const LEGACY = /(^|-)(sha1|group1|group14-sha1|dss)($|@|-)|^ssh-rsa$|cbc|arcfour|3des|hmac-md5|ripemd/;

/** SHA-1 signatures and key exchanges, DSA, CBC and RC4 ciphers, MD5 and RIPEMD MACs. */
export function isLegacyAlgorithm(name: string): boolean {
  return LEGACY.test(name);
}

/** The client's first algorithm that the server also lists (RFC 4253 §7.1), if any. */
function choose(client: string[], server: string[]): string | undefined {
  const offered = new Set(server);
  return client.find((a) => offered.has(a));
}

/** The categories in which `client` and `server` have nothing in common. A MAC is needed only
 *  when the cipher the two would choose does not authenticate itself. */
export function missingCategories(client: AlgorithmLists, server: ServerAlgorithms): AlgorithmCategory[] {
  const out: AlgorithmCategory[] = [];
  if (!choose(client.kex, server.kex)) out.push('kex');
  if (!choose(client.serverHostKey, server.serverHostKey)) out.push('serverHostKey');
  const cipher = choose(client.cipher, server.cipher);
  if (!cipher) out.push('cipher');
  else if (!AEAD.has(cipher) && !choose(client.mac, server.mac)) out.push('mac');
  return out;
}

/**
 * Which clients here agree with the server. `openssh` is the system client: `defaults` is
 * what it offers unless told otherwise (`ssh -G`), `supported` what it could enable with
 * `-o X=+alg` (`ssh -Q`).
 */
export function analyseNegotiation(input: {
  server: ServerAlgorithms;
  ssh2: AlgorithmLists;
  openssh?: { version: string; defaults: AlgorithmLists; supported: AlgorithmLists };
  opensshUnavailable?: string;
  opensshProblem?: NegotiationEvidence['opensshProblem'];
}): NegotiationEvidence {
  const { server } = input;
  const ssh2Missing = missingCategories(input.ssh2, server);
  let openssh: NegotiationEvidence['openssh'];
  if (input.openssh) {
    const missing = missingCategories(input.openssh.defaults, server);
    // Add, category by category, the server's most preferred algorithm this OpenSSH can be
    // told to use; a new cipher can make a MAC necessary, so each step re-checks.
    const lists: AlgorithmLists = { ...input.openssh.defaults };
    const enable: Partial<Record<AlgorithmCategory, string>> = {};
    for (const cat of ALGORITHM_CATEGORIES) {
      if (!missingCategories(lists, server).includes(cat)) continue;
      const pick = choose(server[cat], input.openssh.supported[cat]);
      if (!pick) continue;
      enable[cat] = pick;
      lists[cat] = [...lists[cat], pick];
    }
    openssh = { version: input.openssh.version, missing, enable, enableSuffices: missing.length > 0 && missingCategories(lists, server).length === 0 };
  }
  // The categories that fail for the client the user connects with (OpenSSH when present).
  const failing = openssh ? openssh.missing : ssh2Missing;
  const legacyOnly = failing.length > 0 && failing.every((cat) => server[cat].length > 0 && server[cat].every(isLegacyAlgorithm));
  return {
    ssh2: { missing: ssh2Missing },
    ...(openssh ? { openssh } : {}),
    ...(input.opensshUnavailable ? { opensshUnavailable: input.opensshUnavailable } : {}),
    ...(input.opensshProblem ? { opensshProblem: input.opensshProblem } : {}),
    legacyOnly,
  };
}

/** Some client on this machine agrees with the server using its default settings. */
export function someClientAgrees(n: NegotiationEvidence): boolean {
  return n.ssh2.missing.length === 0 || (!!n.openssh && n.openssh.missing.length === 0);
}

/** `-o` options that make OpenSSH agree with a legacy server, e.g.
 *  `-o KexAlgorithms=+diffie-hellman-group1-sha1 -o HostKeyAlgorithms=+ssh-rsa`. */
export function opensshEnableOptions(enable: Partial<Record<AlgorithmCategory, string>>): string {
  const option: Record<AlgorithmCategory, string> = { kex: 'KexAlgorithms', serverHostKey: 'HostKeyAlgorithms', cipher: 'Ciphers', mac: 'MACs' };
  return ALGORITHM_CATEGORIES.filter((c) => enable[c]).map((c) => `-o ${option[c]}=+${enable[c]}`).join(' ');
}
