/**
 * `cvm-doctor sweep` arguments (DESIGN.md "CLI contract"): exactly one source of targets —
 * `--ssh-config [FILE]`, `--hosts-file FILE` or `--tencent-region R` (repeatable, or a comma
 * list) — and the bounds. Everything is validated here, the hosts file included, so a bad line
 * ends the run (exit 2, naming every bad line) before anything is sent.
 */
import * as fs from 'fs';
import { parseArgs } from 'util';
import { DEFAULT_TIMEOUT_MS, type Credentials, type Lang } from '../core/model';
import { parseHostsFile } from '../core/hostsFile';
import { DEFAULT_SWEEP_CONCURRENCY, MAX_SWEEP_CONCURRENCY } from '../core/sweep';
import { InputError, parseAltPorts, parseRegion, parseTimeout, parseUser } from '../core/validate';
import { parseLang, resolvePath } from './args';
import { defaultUser } from '../probes/localUser';
import { defaultSshConfigPath } from '../probes/homePath';
// (main.ts dispatches `sweep` here before args.ts parses anything.)

export interface SweepDefaults {
  user?: string;
  timeoutMs: number;
  /** Given with --alt-ports; otherwise each target's protocol's defaults. */
  altPorts?: number[];
  icmp: boolean;
  knownHostsPath?: string;
}

export type SweepSource =
  | { kind: 'ssh-config'; file: string }
  | { kind: 'hosts-file'; file: string; entries: ReturnType<typeof parseHostsFile>['entries'] }
  | { kind: 'tencent'; regions: string[]; profile?: string };

export interface SweepCommand {
  kind: 'sweep';
  source: SweepSource;
  defaults: SweepDefaults;
  credentials?: Credentials;
  concurrency: number;
  lang: Lang;
  json: boolean;
}

const OPTIONS = {
  'ssh-config': { type: 'string' },
  'hosts-file': { type: 'string' },
  'tencent-region': { type: 'string', multiple: true },
  'tencent-profile': { type: 'string' },
  concurrency: { type: 'string' },
  timeout: { type: 'string' },
  user: { type: 'string', short: 'u' },
  identity: { type: 'string', short: 'i' },
  agent: { type: 'boolean' },
  'known-hosts': { type: 'string' },
  'alt-ports': { type: 'string' },
  'no-icmp': { type: 'boolean' },
  lang: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** Marks `--ssh-config` given without a file (its value is optional: ~/.ssh/config). */
const DEFAULT_SSH_CONFIG = '\0default';

function readText(file: string, field: string): string {
  const resolved = resolvePath(file);
  try {
    const st = fs.statSync(resolved);
    if (!st.isFile()) throw new Error('not a file');
    // A fleet list, not a disk image: a huge file is a mistake, and reading it would stall.
    if (st.size > 4 * 1024 * 1024) throw new InputError(field, `"${file}" is larger than 4 MiB`);
    return fs.readFileSync(resolved, 'utf8');
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(field, `cannot read file "${file}"`);
  }
}

export function parseConcurrency(value: string, field = '--concurrency'): number {
  if (!/^\d+$/.test(value.trim())) throw new InputError(field, `"${value}" is not a number of targets (1-${MAX_SWEEP_CONCURRENCY})`);
  const n = Number(value.trim());
  if (n < 1 || n > MAX_SWEEP_CONCURRENCY) throw new InputError(field, `${n} is out of range (1-${MAX_SWEEP_CONCURRENCY})`);
  return n;
}

export function parseSweepCommand(argv: string[], env: NodeJS.ProcessEnv): SweepCommand {
  // `--ssh-config` alone (last, or before another flag) reads ~/.ssh/config, as ssh does.
  const args = argv.flatMap((a, i) => (a === '--ssh-config' && (i + 1 >= argv.length || argv[i + 1]!.startsWith('-')) ? [a, DEFAULT_SSH_CONFIG] : [a]));
  let parsed;
  try {
    parsed = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new InputError('usage', (e as Error).message.split(/\n|\. /)[0]);
  }
  const { values: v, positionals } = parsed;
  if (positionals.length) throw new InputError('usage', `sweep takes its targets from --ssh-config, --hosts-file or --tencent-region (got "${positionals[0]}")`);
  const given = (['ssh-config', 'hosts-file', 'tencent-region'] as const).filter((k) => v[k] !== undefined);
  if (given.length !== 1) {
    throw new InputError('usage', given.length ? `--${given[0]} and --${given[1]} cannot be combined: give one source of targets`
      : 'sweep needs targets: --ssh-config [FILE], --hosts-file FILE or --tencent-region REGION');
  }
  if (v['tencent-profile'] !== undefined && v['tencent-region'] === undefined) throw new InputError('--tencent-profile', 'is only used with --tencent-region');

  let source: SweepSource;
  if (v['ssh-config'] !== undefined) {
    const file = v['ssh-config'] === DEFAULT_SSH_CONFIG ? defaultSshConfigPath() : resolvePath(v['ssh-config']);
    readText(file, '--ssh-config');
    source = { kind: 'ssh-config', file };
  } else if (v['hosts-file'] !== undefined) {
    const file = v['hosts-file'];
    const { entries, problems } = parseHostsFile(readText(file, '--hosts-file'));
    if (problems.length) {
      const shown = problems.slice(0, 10).map((p) => p.message).join('; ');
      throw new InputError('--hosts-file', `${file}: ${problems.length} bad line${problems.length === 1 ? '' : 's'} — ${shown}${problems.length > 10 ? '; …' : ''}`);
    }
    if (!entries.length) throw new InputError('--hosts-file', `${file} names no host (one [user@]host[:port] per line)`);
    source = { kind: 'hosts-file', file, entries };
  } else {
    const regions = [...new Set(v['tencent-region']!.flatMap((r) => r.split(',')).map((r) => parseRegion(r.trim(), '--tencent-region')))];
    const profile = v['tencent-profile'] === undefined ? undefined : resolvePath(v['tencent-profile']);
    if (profile !== undefined) readText(profile, '--tencent-profile');
    source = { kind: 'tencent', regions, ...(profile ? { profile } : {}) };
  }

  const credentials: Credentials = {};
  if (v.identity !== undefined) {
    credentials.identityFile = resolvePath(v.identity);
    readText(credentials.identityFile, '--identity');
  }
  if (v.agent) {
    if (!env.SSH_AUTH_SOCK) throw new InputError('--agent', 'SSH_AUTH_SOCK is not set (no ssh-agent)');
    credentials.agent = env.SSH_AUTH_SOCK;
  }
  return {
    kind: 'sweep',
    source,
    defaults: {
      user: v.user === undefined ? defaultUser() : parseUser(v.user, '--user'),
      timeoutMs: v.timeout === undefined ? DEFAULT_TIMEOUT_MS : parseTimeout(v.timeout, '--timeout'),
      ...(v['alt-ports'] !== undefined ? { altPorts: parseAltPorts(v['alt-ports'], '--alt-ports') } : {}),
      icmp: !v['no-icmp'],
      ...(v['known-hosts'] !== undefined ? { knownHostsPath: resolvePath(v['known-hosts']) } : {}),
    },
    credentials: Object.keys(credentials).length ? credentials : undefined,
    concurrency: v.concurrency === undefined ? DEFAULT_SWEEP_CONCURRENCY : parseConcurrency(v.concurrency),
    lang: parseLang(v.lang, env),
    json: !!v.json,
  };
}
