/**
 * `cvm-doctor` argument parsing (DESIGN.md "CLI contract"). Everything the user typed is
 * validated here and turned into a Target; any problem is an InputError naming the flag.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { DEFAULT_PORT, DEFAULT_TIMEOUT_MS, type Credentials, type Lang, type Target } from '../core/model';
import { DEFAULT_VSCODE_DOWNLOAD_URL, validDownloadUrl } from '../core/readiness';
import {
  InputError, parseAltPorts, parseHost, parseInstanceId, parseProtocol, parsePort, parseRegion, parseTimeout, parseUser,
} from '../core/validate';
import { proxyJumpChain } from '../core/jump';
import { sshConfigLookup } from '../probes/sshConfigImport';
import { defaultUser } from '../probes/localUser';
import { expandHome } from '../probes/homePath';


export interface DiagnoseCommand {
  kind: 'diagnose';
  target: Target;
  credentials?: Credentials;
  lang: Lang;
  format: 'text' | 'json' | 'html';
  guestChecks: boolean;
  /** `--trace`: path evidence both ways. */
  trace: boolean;
  tencentProfile?: string;
}
export type Command = DiagnoseCommand | { kind: 'demo'; lang: Lang } | { kind: 'help' } | { kind: 'version' };

const OPTIONS = {
  port: { type: 'string', short: 'p' },
  protocol: { type: 'string' },
  user: { type: 'string', short: 'u' },
  identity: { type: 'string', short: 'i' },
  'passphrase-env': { type: 'string' },
  'password-env': { type: 'string' },
  agent: { type: 'boolean' },
  'known-hosts': { type: 'string' },
  'accept-new': { type: 'boolean' },
  'check-vscode-server': { type: 'boolean' },
  timeout: { type: 'string' },
  'alt-ports': { type: 'string' },
  'no-icmp': { type: 'boolean' },
  trace: { type: 'boolean' },
  lang: { type: 'string' },
  json: { type: 'boolean' },
  html: { type: 'boolean' },
  'tencent-instance': { type: 'string' },
  region: { type: 'string' },
  'tencent-profile': { type: 'string' },
  'guest-checks': { type: 'boolean' },
  'ssh-config': { type: 'string' },
  jump: { type: 'string', short: 'J' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

export function resolvePath(file: string): string {
  return path.resolve(expandHome(file));
}

function readableFile(file: string, field: string): string {
  const resolved = resolvePath(file);
  try {
    if (!fs.statSync(resolved).isFile()) throw new Error('not a file');
    fs.accessSync(resolved, fs.constants.R_OK);
  } catch {
    throw new InputError(field, `cannot read file "${file}"`);
  }
  return resolved;
}

function envSecret(name: string, field: string, env: NodeJS.ProcessEnv): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new InputError(field, `"${name}" is not an environment variable name`);
  const v = env[name];
  if (!v) throw new InputError(field, `environment variable ${name} is not set or empty`);
  return v;
}

export function parseLang(value: string | undefined, env: NodeJS.ProcessEnv): Lang {
  if (value !== undefined) {
    if (value === 'en' || value === 'ko') return value;
    throw new InputError('--lang', `"${value}" is not a language (en or ko)`);
  }
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return locale.toLowerCase().startsWith('ko') ? 'ko' : 'en';
}

export function parseCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): Command {
  let parsed;
  try {
    parsed = parseArgs({ args: joinNegativeValues(argv), options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    // Node's message names the flag ("Unknown option '--x'", "Option '--port <value>' argument missing").
    throw new InputError('usage', (e as Error).message.split(/\n|\. /)[0]);
  }
  const { values: v, positionals } = parsed;
  if (v.version) return { kind: 'version' };
  const [verb, ...rest] = positionals;
  if (v.help || verb === undefined || verb === 'help') return { kind: 'help' };
  const lang = parseLang(v.lang, env);
  if (verb === 'demo') {
    if (rest.length) throw new InputError('usage', `demo takes no arguments (got "${rest[0]}")`);
    return { kind: 'demo', lang };
  }
  // `sweep` has options of its own: main.ts hands it to sweepArgs.ts when it comes first.
  if (verb === 'sweep') throw new InputError('usage', 'write "sweep" first: cvm-doctor sweep [options]');
  if (verb !== 'diagnose') throw new InputError('usage', `unknown command "${verb}" (expected diagnose, sweep or demo)`);
  if (rest.length !== 1) throw new InputError('host', rest.length ? `expected one host, got ${rest.length}` : 'is required: cvm-doctor diagnose <host>');
  if (v.json && v.html) throw new InputError('--json', 'cannot be combined with --html');

  const protocol = v.protocol === undefined ? 'ssh' : parseProtocol(v.protocol, '--protocol');
  const target: Target = {
    host: parseHost(rest[0], 'host'),
    port: v.port === undefined ? DEFAULT_PORT[protocol] : parsePort(v.port, '--port'),
    protocol,
    user: v.user === undefined ? (protocol === 'ssh' ? defaultUser() : undefined) : parseUser(v.user, '--user'),
    altPorts: parseAltPorts(v['alt-ports'], '--alt-ports', protocol),
    timeoutMs: v.timeout === undefined ? DEFAULT_TIMEOUT_MS : parseTimeout(v.timeout, '--timeout'),
    icmp: !v['no-icmp'],
  };
  // The user's own files are checked (and read) later with a time bound: a hung network
  // home must not hang the run (main.ts checkInputFiles, probes/files.ts).
  if (v['known-hosts'] !== undefined) target.knownHostsPath = resolvePath(v['known-hosts']);
  // `ssh -J`: each hop's own Host block of the ssh config applies (HostName, Port, User,
  // IdentityFile, its ProxyJump), else the local user name and port 22, as ssh does. Without
  // --jump, <host>'s own ProxyJump (an alias behind a bastion) is followed as `ssh alias` would.
  let hostIdentity: string | undefined;
  if (protocol === 'ssh') {
    const lookup = sshConfigLookup(v['ssh-config'] !== undefined ? resolvePath(v['ssh-config']) : undefined);
    if (v.jump !== undefined) {
      const hops = proxyJumpChain(v.jump, lookup, { from: target.host, defaultUser: defaultUser(), field: '--jump' });
      if (hops.length) target.jump = hops;
    } else {
      const own = lookup(target.host);
      if (own.proxyJump !== undefined && own.proxyJump.trim().toLowerCase() !== 'none') {
        const alias = target.host;
        target.jump = proxyJumpChain(own.proxyJump, lookup, { from: alias, defaultUser: defaultUser(), field: 'ProxyJump' });
        // The chain path resolves the host from the same block (the Local layer runs for direct targets).
        target.host = parseHost(own.hostName, 'HostName');
        if (v.port === undefined) target.port = own.port;
        if (v.user === undefined && own.user) target.user = own.user;
        if (target.host !== alias) target.name = alias;
        hostIdentity = own.identityFile;
        if (!target.jump.length) delete target.jump;
      }
    }
  }
  if (v['accept-new']) target.acceptNewHostKey = true;
  if (v['check-vscode-server']) {
    if (protocol !== 'ssh') throw new InputError('--check-vscode-server', 'needs --protocol ssh');
    const raw = env.CVM_DOCTOR_VSCODE_DOWNLOAD_URL;
    const url = raw === undefined || raw === '' ? DEFAULT_VSCODE_DOWNLOAD_URL : validDownloadUrl(raw);
    if (!url) throw new InputError('CVM_DOCTOR_VSCODE_DOWNLOAD_URL', `"${raw}" is not an http(s) URL without spaces or quotes`);
    target.vscodeServer = { downloadUrl: url };
  }
  // The Local layer reads the ssh config (ssh -G) and uses it where nothing was typed.
  if (protocol === 'ssh') {
    target.sshConfig = { userGiven: v.user !== undefined, portGiven: v.port !== undefined, ...(v.jump !== undefined ? { jumpGiven: true } : {}) };
    if (v['ssh-config'] !== undefined) target.sshConfig.file = resolvePath(v['ssh-config']);
  } else if (v['ssh-config'] !== undefined) throw new InputError('--ssh-config', 'applies to --protocol ssh only');

  const credentials: Credentials = {};
  if (v.identity !== undefined) credentials.identityFile = resolvePath(v.identity);
  else if (hostIdentity) credentials.identityFile = hostIdentity;
  if (v['passphrase-env'] !== undefined) credentials.passphrase = envSecret(v['passphrase-env'], '--passphrase-env', env);
  if (v['password-env'] !== undefined) credentials.password = envSecret(v['password-env'], '--password-env', env);
  if (v.agent) {
    if (!env.SSH_AUTH_SOCK) throw new InputError('--agent', 'SSH_AUTH_SOCK is not set (no ssh-agent)');
    credentials.agent = env.SSH_AUTH_SOCK;
  }

  if (v['tencent-instance'] !== undefined || v.region !== undefined) {
    if (v['tencent-instance'] === undefined) throw new InputError('--tencent-instance', 'is required with --region');
    if (v.region === undefined) throw new InputError('--region', 'is required with --tencent-instance');
    target.cloud = { instanceId: parseInstanceId(v['tencent-instance'], '--tencent-instance'), region: parseRegion(v.region, '--region') };
  }
  const hasCredentials = Object.keys(credentials).length > 0;
  return {
    kind: 'diagnose',
    target,
    credentials: hasCredentials ? credentials : undefined,
    lang,
    format: v.json ? 'json' : v.html ? 'html' : 'text',
    guestChecks: !!v['guest-checks'],
    trace: !!v.trace,
    tencentProfile: v['tencent-profile'] === undefined ? undefined : readableFile(v['tencent-profile'], '--tencent-profile'),
  };
}

/**
 * parseArgs reads `--timeout -5` as an ambiguous flag; joining it to `--timeout=-5` lets the
 * value's own validation say what is wrong with it.
 */
function joinNegativeValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith('--') ? argv[i].slice(2) : '';
    const opt = (OPTIONS as Record<string, { type: string }>)[name];
    if (opt?.type === 'string' && i + 1 < argv.length && /^-\d/.test(argv[i + 1])) {
      out.push(`${argv[i]}=${argv[i + 1]}`);
      i++;
    } else {
      out.push(argv[i]);
    }
  }
  return out;
}

export const USAGE = `Usage:
  cvm-doctor diagnose <host> [options]    find why you cannot log in to <host>
  cvm-doctor sweep <source> [options]     diagnose many targets at once, one verdict each
  cvm-doctor demo                         diagnose local demo targets (no cloud account, no root)

Options:
  -p, --port N               port (default 22 for ssh, 3389 for rdp)
      --protocol ssh|rdp     protocol (default ssh)
  -u, --user NAME            login name (default: your local user name)
  -i, --identity FILE        private key to test a real login with
      --passphrase-env VAR   environment variable holding the key's passphrase
      --password-env VAR     environment variable holding the password
      --agent                also try the keys in ssh-agent (SSH_AUTH_SOCK)
      --known-hosts FILE     known_hosts to check the host key against (default ~/.ssh/known_hosts)
      --accept-new           record an unknown host key in known_hosts and test the login (OpenSSH's
                             StrictHostKeyChecking=accept-new; a changed key is never accepted)
      --check-vscode-server  after a successful login, check that VS Code's Remote-SSH server can
                             install and run there (read-only; the download URL tried from the
                             instance comes from CVM_DOCTOR_VSCODE_DOWNLOAD_URL)
      --timeout MS           bound of each probe in milliseconds (default 5000)
      --alt-ports LIST       ports tried when the main port fails (default 2222,22222,10022,36000; "none")
      --no-icmp              do not send a ping
      --trace                add path evidence: a TCP trace to the port from here (mtr, traceroute -T or
                             tcptraceroute; else an ICMP trace) and, with --guest-checks, one from the
                             instance back to your address
  -J, --jump LIST            reach the host through bastions, as ssh -J: [user@]host[:port][,...]
                             (each hop is diagnosed; the same key/agent serve every hop)
      --lang en|ko           language (default: from LANG)
      --json | --html        machine-readable JSON, or a self-contained HTML report
      --tencent-instance ID  also read Tencent Cloud's view of instance ID (needs --region and
      --region REGION        TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY in the environment)
      --tencent-profile FILE read the Tencent Cloud credentials from FILE instead
      --guest-checks         allow read-only checks inside the instance (Tencent Automation Tools)
      --ssh-config FILE      read FILE instead of ~/.ssh/config (as ssh -F does); <host> may be an
                             alias of it: its HostName, User, Port, IdentityFile are used unless given

Sweep (one source of targets):
      --ssh-config [FILE]    every concrete Host of FILE (default ~/.ssh/config)
      --hosts-file FILE      one [user@]host[:port] per line, # comments
      --tencent-region R     every instance of the account in region R (repeatable, or R1,R2)
      --concurrency N        diagnoses in flight (default 32; sockets stay within a fixed budget)
      also: --timeout, --user, --identity, --agent, --known-hosts, --alt-ports, --no-icmp,
      --lang, --json (JSON Lines, one report per target as it finishes), --tencent-profile

Environment: TENCENTCLOUD_ENDPOINT (API domain or URL), CVM_DOCTOR_CALLER_IP, CVM_DOCTOR_CALLER_IP_URL,
CVM_DOCTOR_OPENSSH (off, or the ssh to ask when CVM Doctor's own SSH library cannot negotiate),
CVM_DOCTOR_VSCODE_DOWNLOAD_URL (what --check-vscode-server fetches from the instance).
Exit status: 0 the verdict is OK (sweep: every target's), 1 a problem was diagnosed, 2 bad input,
usage or a cancel.
`;
